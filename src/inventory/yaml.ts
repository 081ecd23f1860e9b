import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document, type ScalarTag } from 'yaml';
import { registerSecret } from '../vault/redact.ts';
import { isVaultText, type VaultDecryptor } from '../vault/types.ts';
import { InventoryError } from './errors.ts';
import type { VarOrigins } from './types.ts';

/** An inline `!vault |` scalar, held until the walker knows its line and can decrypt it. */
class VaultedScalar {
  constructor(readonly text: string) {}
}

const vaultTag: ScalarTag = {
  tag: '!vault',
  resolve: (text: string) => new VaultedScalar(text),
};

// PyYAML's YAML 1.1 booleans: the yaml library's 1.1 schema also reads y/n as booleans,
// which PyYAML (and so Ansible) does not.
const PY_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PY_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

/**
 * YAML 1.1 as Ansible reads it (yes/no booleans, 0644 octal, merge keys), minus the types that
 * surprise in an inventory: timestamps (a date would fail every string check) and base-60
 * numbers (a MAC address like 00:11:22:33:44:55 would become an integer).
 */
function schemaTags(tags: unknown[]): ScalarTag[] {
  const out: ScalarTag[] = [];
  for (const t of tags as ScalarTag[]) {
    if (t.format === 'TIME' || t.tag === 'tag:yaml.org,2002:timestamp') continue;
    if (t.tag === 'tag:yaml.org,2002:bool' && t.identify) {
      out.push({ ...t, test: t.identify(true) ? PY_TRUE : PY_FALSE });
      continue;
    }
    out.push(t);
  }
  out.push(vaultTag);
  return out;
}

// Duplicate keys are reported by entries() instead, which can name the key and both lines.
export const YAML_OPTIONS = { version: '1.1', prettyErrors: false, uniqueKeys: false, customTags: schemaTags } as const;

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Every anchored or alias node in document order: resolving an alias searches only this. */
  anchors: unknown[];
  /** The whole file was vaulted: every string in it is a secret. */
  vaulted: boolean;
  vault?: VaultDecryptor;
}

export interface Entry {
  key: string;
  value: unknown;
  where: string;
}

const NEEDS_PASSWORD = 'needs a vault password: pass --vault-password-file';

function decrypt(vault: VaultDecryptor | undefined, text: string, source: string): string {
  if (!vault) throw new InventoryError(`${source}: ${NEEDS_PASSWORD}`);
  try {
    return vault.decrypt(text, source);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new InventoryError(msg.includes(source) ? msg : `${source}: ${msg}`);
  }
}

/** Parses one YAML text (decrypting it first when the whole file is vaulted). `file` is the displayed name. */
export function parseYaml(text: string, file: string, vault?: VaultDecryptor): YamlSource {
  let vaulted = false;
  if (isVaultText(text)) {
    text = decrypt(vault, text, file);
    vaulted = true;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lines.linePos(err.pos[0]);
    throw new InventoryError(`${file}:${line}:${col}: malformed YAML: ${err.message.split('\n')[0]}`);
  }
  const src: YamlSource = { file, doc, lines, vaulted, anchors: anchorNodes(doc) };
  boundAliases(src);
  if (vault) src.vault = vault;
  return src;
}

/**
 * Values a document may stand for once its aliases are expanded. An inventory of a thousand
 * hosts with fifty variables each is 100 000; a 409-byte file of nested aliases (a "billion
 * laughs") stands for 10^9 and ran for 20 minutes and 3.6 GB before this bound.
 */
export const MAX_EXPANDED_VALUES = 1_000_000;
/** Aliases one document may hold; real inventories use a handful (`<<: *defaults`). */
export const MAX_ALIASES = 10_000;
const MAX_ALIAS_DEPTH = 64;

function anchorNodes(doc: Document.Parsed): unknown[] {
  const nodes: unknown[] = [];
  visit(doc, { Node: (_k, n) => void ((isAlias(n) || (n as { anchor?: string }).anchor) && nodes.push(n)) });
  return nodes;
}

/** Counts what the document expands to, each anchored node once (memoised), and refuses early. */
function boundAliases(src: YamlSource): void {
  const aliases = src.anchors.filter((n) => isAlias(n)).length;
  if (aliases === 0) return;
  const refuse = (why: string): never => {
    throw new InventoryError(`${src.file}: ${why} (nested YAML aliases, a "billion laughs"?): refused`);
  };
  if (aliases > MAX_ALIASES) refuse(`${aliases} YAML aliases, more than ${MAX_ALIASES}`);
  const memo = new Map<unknown, number>();
  const size = (node: unknown, depth: number): number => {
    if (depth > MAX_ALIAS_DEPTH) refuse(`values nested more than ${MAX_ALIAS_DEPTH} levels deep`);
    const n = deref(src, node);
    const known = memo.get(n);
    if (known !== undefined) return known;
    let total = 1;
    if (isMap(n)) for (const p of n.items) total += size(p.key, depth + 1) + size(p.value, depth + 1);
    else if (isSeq(n)) for (const i of n.items) total += size(i, depth + 1);
    if (total > MAX_EXPANDED_VALUES) refuse(`the document expands to more than ${MAX_EXPANDED_VALUES} values`);
    memo.set(n, total);
    return total;
  };
  size(src.doc.contents, 0);
}

export function where(src: YamlSource, node: unknown): string {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return `${src.file}:1`;
  return `${src.file}:${src.lines.linePos(range[0]).line}`;
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (isSeq(value) || Array.isArray(value)) return 'a list';
  if (isMap(value)) return 'a mapping';
  if (isScalar(value)) return describe(value.value);
  return `${typeof value} ${JSON.stringify(value)}`;
}

function deref(src: YamlSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(src.doc, { aliasResolveCache: src.anchors } as never) : node;
}

/** The node as a mapping (or null when empty); anything else is an error naming what was expected. */
export function asMap(src: YamlSource, node: unknown, at: string, expected: string): unknown {
  const n = deref(src, node);
  if (n === null || n === undefined) return null;
  if (isScalar(n) && n.value === null) return null;
  if (!isMap(n)) throw new InventoryError(`${at}: ${expected}, got ${describe(n)}`);
  return n;
}

function keyOf(src: YamlSource, key: unknown): string {
  if (isScalar(key)) {
    if (typeof key.value === 'string') return key.value;
    // A host named 10.0 or a key `yes:` keeps the text as written, not the number or boolean.
    if (key.source !== undefined && key.type === 'PLAIN') return key.source;
    if (key.value !== null) return String(key.value);
  }
  throw new InventoryError(`${where(src, key)}: mapping keys must be plain names`);
}

/** The pairs of a mapping node with their lines; `<<` merge keys are expanded, explicit keys winning. */
export function entries(src: YamlSource, node: unknown): Entry[] {
  const map = deref(src, node);
  if (!isMap(map)) return [];
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of map.items) {
    if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
      const v = deref(src, pair.value);
      const sources = isSeq(v) ? v.items : [v];
      for (const s of sources) merged.push(...entries(src, s));
      continue;
    }
    const entry = { key: keyOf(src, pair.key), value: pair.value, where: where(src, pair.key) };
    const first = own.find((e) => e.key === entry.key);
    if (first) throw new InventoryError(`${entry.where}: duplicate key '${entry.key}' (first at ${first.where})`);
    own.push(entry);
  }
  const seen = new Set(own.map((e) => e.key));
  return [...own, ...merged.filter((e) => !seen.has(e.key) && (seen.add(e.key), true))];
}

/** Plain JS value of a node: aliases resolved, inline vault values decrypted, secrets registered. */
export function toValue(src: YamlSource, node: unknown): unknown {
  const n = deref(src, node);
  if (n === null || n === undefined) return null;
  if (isScalar(n)) {
    const v = n.value;
    if (v instanceof VaultedScalar) {
      const plain = decrypt(src.vault, v.text, where(src, n));
      registerSecret(plain);
      return plain;
    }
    if (typeof v === 'string' && src.vaulted) registerSecret(v);
    return v;
  }
  if (isSeq(n)) return n.items.map((i) => toValue(src, i));
  if (isMap(n)) return mappingVars(src, n).vars;
  return null;
}

/** A mapping of variables with the file:line of each key. */
export function mappingVars(src: YamlSource, node: unknown): { vars: Record<string, unknown>; origins: VarOrigins } {
  const vars: Record<string, unknown> = {};
  const origins: VarOrigins = {};
  for (const e of entries(src, node)) {
    setVar(vars, e.key, toValue(src, e.value));
    setVar(origins, e.key, e.where);
  }
  return { vars, origins };
}

/** Assigns even a key named __proto__ as data, never as the object's prototype. */
export function setVar(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
