// The `plugin: linode` inventory file: what it may hold, read with file:line in every error.
import { isMap, isSeq } from 'yaml';
import { InventoryError } from '../../inventory/errors.ts';
import { asMap, describe, entries, toValue, type Entry, type YamlSource } from '../../inventory/yaml.ts';

export interface KeyedGroup {
  key: string;
  prefix: string;
  separator: string;
  parent_group?: string;
  default_value?: string;
  where: string;
}

export interface LinodeInventoryConfig {
  file: string;
  where: string;
  api_url?: string;
  /** A vars file (vaulted, typically) and the variable in it that holds the token. */
  token?: { vars_file: string; var: string; where: string };
  regions: string[];
  tags: string[];
  types: string[];
  label_pattern?: RegExp;
  include_vlans: boolean;
  keyed_groups: KeyedGroup[];
  /** Tags `<tag_prefix><name>` make group `<prefix>_<name>` and give each of its two hosts its peer's id. */
  pair_groups: { tag_prefix: string; prefix: string; parent_group?: string } | null;
  compose: Array<{ name: string; expr: string; where: string }>;
  strict: boolean;
  cache_ttl: number;
  cache_dir?: string;
  timeout: number;
}

/** Without keyed_groups: one group per region and one per tag, as the issue asks. */
const DEFAULT_KEYED: Array<Omit<KeyedGroup, 'where'>> = [
  { key: 'region', prefix: 'region', separator: '_' },
  { key: 'tags', prefix: 'tag', separator: '_' },
];

const KEYS = ['plugin', 'api_url', 'token', 'regions', 'tags', 'types', 'label_pattern', 'include_vlans', 'keyed_groups', 'pair_groups', 'compose', 'strict', 'cache_ttl', 'cache_dir', 'timeout'];
const VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

function bad(e: Entry, expected: string, src: YamlSource): never {
  throw new InventoryError(`${e.where}: ${e.key} must be ${expected}, got ${describe(toValue(src, e.value))}`);
}

function str(src: YamlSource, e: Entry): string {
  const v = toValue(src, e.value);
  if (typeof v !== 'string' || v === '') bad(e, 'a non-empty string', src);
  return v;
}

function strList(src: YamlSource, e: Entry): string[] {
  const v = toValue(src, e.value);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) bad(e, 'a list of strings', src);
  return v as string[];
}

function bool(src: YamlSource, e: Entry): boolean {
  const v = toValue(src, e.value);
  if (typeof v !== 'boolean') bad(e, 'true or false', src);
  return v;
}

function seconds(src: YamlSource, e: Entry, min: number): number {
  const v = toValue(src, e.value);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) bad(e, `a number of seconds (at least ${min})`, src);
  return v;
}

/** The keys of a nested mapping, refusing any not in `known`. */
function fields(src: YamlSource, e: Entry, what: string, known: string[]): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const f of entries(src, asMap(src, e.value, e.where, `${what} must be a mapping`))) {
    if (!known.includes(f.key)) throw new InventoryError(`${f.where}: unknown key '${f.key}' in ${what} (known: ${known.join(', ')})`);
    out.set(f.key, f);
  }
  return out;
}

function keyedGroups(src: YamlSource, e: Entry): KeyedGroup[] {
  if (!isSeq(e.value)) bad(e, 'a list of { key, prefix, separator, parent_group, default_value }', src);
  return e.value.items.map((item, i) => {
    const at = `${e.where} (keyed_groups[${i}])`;
    if (!isMap(item)) throw new InventoryError(`${at}: each keyed group must be a mapping with key: and prefix:`);
    const f = fields(src, { key: `keyed_groups[${i}]`, value: item, where: at }, `keyed_groups[${i}]`, ['key', 'prefix', 'separator', 'parent_group', 'default_value']);
    const key = f.get('key');
    if (!key) throw new InventoryError(`${at}: a keyed group needs key: (an instance field such as region, tags or type)`);
    const opt = (k: string) => (f.has(k) ? str(src, f.get(k)!) : undefined);
    const sep = f.get('separator');
    const g: KeyedGroup = { key: str(src, key), prefix: opt('prefix') ?? '', separator: sep ? String(toValue(src, sep.value) ?? '') : '_', where: key.where };
    const parent = opt('parent_group');
    const dflt = opt('default_value');
    return { ...g, ...(parent ? { parent_group: parent } : {}), ...(dflt ? { default_value: dflt } : {}) };
  });
}

export function readConfig(src: YamlSource): LinodeInventoryConfig {
  const root = entries(src, src.doc.contents);
  const c: LinodeInventoryConfig = {
    file: src.file,
    where: root.find((e) => e.key === 'plugin')!.where,
    regions: [],
    tags: [],
    types: [],
    include_vlans: false,
    keyed_groups: DEFAULT_KEYED.map((k) => ({ ...k, where: src.file })),
    pair_groups: { tag_prefix: 'gateway-pair:', prefix: 'pair', parent_group: 'gateways' },
    compose: [],
    strict: false,
    cache_ttl: 300,
    timeout: 30,
  };
  for (const e of root) {
    switch (e.key) {
      case 'plugin':
        break;
      case 'api_url':
        c.api_url = str(src, e);
        if (!/^https?:\/\/[^/]+\/?$/.test(c.api_url)) bad(e, 'a scheme and host such as https://api.linode.com', src);
        break;
      case 'token': {
        const f = fields(src, e, 'token', ['vars_file', 'var']);
        const file = f.get('vars_file');
        if (!file) throw new InventoryError(`${e.where}: token needs vars_file: (a vaulted vars file holding the token)`);
        const name = f.has('var') ? str(src, f.get('var')!) : 'linode_token';
        if (!VAR.test(name)) bad(f.get('var')!, 'a variable name', src);
        c.token = { vars_file: str(src, file), var: name, where: file.where };
        break;
      }
      case 'regions':
      case 'tags':
      case 'types':
        c[e.key] = strList(src, e);
        break;
      case 'label_pattern': {
        const text = str(src, e);
        try {
          c.label_pattern = new RegExp(text);
        } catch (err) {
          throw new InventoryError(`${e.where}: label_pattern is not a valid regular expression: ${(err as Error).message}`);
        }
        break;
      }
      case 'include_vlans':
      case 'strict':
        c[e.key] = bool(src, e);
        break;
      case 'keyed_groups':
        c.keyed_groups = keyedGroups(src, e);
        break;
      case 'pair_groups': {
        if (toValue(src, e.value) === false) {
          c.pair_groups = null;
          break;
        }
        const f = fields(src, e, 'pair_groups', ['tag_prefix', 'prefix', 'parent_group']);
        const parent = f.has('parent_group') ? str(src, f.get('parent_group')!) : undefined;
        c.pair_groups = {
          tag_prefix: f.has('tag_prefix') ? str(src, f.get('tag_prefix')!) : 'gateway-pair:',
          prefix: f.has('prefix') ? str(src, f.get('prefix')!) : 'pair',
          ...(parent ? { parent_group: parent } : {}),
        };
        break;
      }
      case 'compose':
        for (const f of entries(src, asMap(src, e.value, e.where, 'compose must be a mapping of variable: expression'))) {
          if (!VAR.test(f.key)) throw new InventoryError(`${f.where}: compose: '${f.key}' is not a valid variable name`);
          c.compose.push({ name: f.key, expr: str(src, f), where: f.where });
        }
        break;
      case 'cache_ttl':
        c.cache_ttl = seconds(src, e, 0);
        break;
      case 'cache_dir':
        c.cache_dir = str(src, e);
        break;
      case 'timeout':
        c.timeout = seconds(src, e, 1);
        break;
      default:
        throw new InventoryError(`${e.where}: unknown key '${e.key}' in a Linode inventory (known: ${KEYS.join(', ')})`);
    }
  }
  return c;
}
