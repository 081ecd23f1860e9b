import { InventoryError } from './errors.ts';
import type { InventoryFragment } from './plugins.ts';
import type { GroupEntry, HostEntry } from './types.ts';
import { asMap, entries, mappingVars, setVar, type YamlSource } from './yaml.ts';

/** Hosts and groups as read so far, across every -i file; graph.ts completes them. */
export interface Builder {
  hosts: Map<string, HostEntry>;
  groups: Map<string, GroupEntry>;
}

const GROUP_KEYS = new Set(['hosts', 'vars', 'children']);
/** Guards against a YAML alias that makes a group contain itself. */
const MAX_NESTING = 64;

export function newBuilder(): Builder {
  const b: Builder = { hosts: new Map(), groups: new Map() };
  groupEntry(b, 'all', '');
  groupEntry(b, 'ungrouped', '');
  // First child of all before any file is read, as in Ansible: it leads all's children in listings and `all`'s host order.
  link(b, 'all', 'ungrouped', '');
  return b;
}

function groupEntry(b: Builder, name: string, at: string): GroupEntry {
  let g = b.groups.get(name);
  if (!g) {
    g = { name, hosts: [], children: [], parents: [], vars: {}, origins: {}, fileVars: {}, fileOrigins: {}, depth: 0, where: at };
    b.groups.set(name, g);
  } else if (!g.where) {
    g.where = at;
  }
  return g;
}

function hostEntry(b: Builder, name: string, at: string): HostEntry {
  let h = b.hosts.get(name);
  if (!h) {
    h = { name, groups: [], vars: {}, origins: {}, fileVars: {}, fileOrigins: {}, order: b.hosts.size, where: at };
    b.hosts.set(name, h);
  }
  return h;
}

function assign(target: Record<string, unknown>, origins: Record<string, string>, add: { vars: Record<string, unknown>; origins: Record<string, string> }): void {
  for (const [k, v] of Object.entries(add.vars)) {
    setVar(target, k, v);
    setVar(origins, k, add.origins[k] ?? '');
  }
}

/** Reads one YAML inventory (Ansible's shape) into the builder. */
export function addInventoryFile(b: Builder, src: YamlSource): void {
  const root = asMap(src, src.doc.contents, `${src.file}:1`, "an inventory must be a mapping with 'all:' at the top");
  for (const e of entries(src, root)) {
    if (e.key === 'all') {
      parseGroup(b, src, 'all', e.value, null, e.where, 0);
      continue;
    }
    // As in Ansible, every top-level key is a group, a child of all: even one named `hosts`, `vars`
    // or `children`, when its value is shaped like a group. Anything else is a mistake (most often
    // hosts or vars meant to sit under 'all:'), which Ansible would skip with a warning.
    const misplaced = new InventoryError(`${e.where}: unknown top-level key '${e.key}': hosts, vars and children go under 'all:'`);
    let map: unknown;
    try {
      map = asMap(src, e.value, e.where, `unknown top-level key '${e.key}' (an inventory starts with 'all:')`);
    } catch (err) {
      throw GROUP_KEYS.has(e.key) ? misplaced : err;
    }
    const keys = entries(src, map);
    if (e.key !== 'ungrouped' && (keys.length === 0 || keys.some((k) => !GROUP_KEYS.has(k.key)))) {
      if (GROUP_KEYS.has(e.key)) throw misplaced;
      throw new InventoryError(`${e.where}: unknown top-level key '${e.key}' (an inventory starts with 'all:'; a group holds hosts, vars or children)`);
    }
    parseGroup(b, src, e.key, e.value, 'all', e.where, 0);
  }
}

/** Adds what an inventory plugin found, exactly as if a static file had listed it. */
export function addFragment(b: Builder, f: InventoryFragment): void {
  for (const g of f.groups) {
    groupEntry(b, g.name, g.where);
    for (const p of g.parents) link(b, p, g.name, g.where);
  }
  for (const h of f.hosts) {
    const host = hostEntry(b, h.name, h.where);
    assign(host.vars, host.origins, h);
    for (const name of h.groups) {
      const g = groupEntry(b, name, h.where);
      if (!g.hosts.includes(h.name)) g.hosts.push(h.name);
    }
  }
}

function link(b: Builder, parent: string, child: string, at: string): void {
  const g = b.groups.get(child)!;
  if (!g.parents.includes(parent)) {
    g.parents.push(parent);
    (b.groups.get(parent) ?? groupEntry(b, parent, at)).children.push(child);
  }
}

function parseGroup(b: Builder, src: YamlSource, name: string, node: unknown, parent: string | null, at: string, nesting: number): void {
  if (nesting > MAX_NESTING) throw new InventoryError(`${at}: groups nested more than ${MAX_NESTING} deep (a YAML alias loop?)`);
  if (name === 'all' && parent !== null) throw new InventoryError(`${at}: 'all' cannot be a child of group '${parent}'`);
  const g = groupEntry(b, name, at);
  if (parent !== null && !g.parents.includes(parent)) {
    g.parents.push(parent);
    b.groups.get(parent)!.children.push(name);
  }
  const map = asMap(src, node, at, `group '${name}' must be a mapping with hosts, vars or children`);
  for (const e of entries(src, map)) {
    switch (e.key) {
      case 'hosts':
        parseHosts(b, src, g, e.value, e.where);
        break;
      case 'vars':
        assign(g.vars, g.origins, mappingVars(src, asMap(src, e.value, e.where, `vars of group '${name}' must be a mapping`)));
        break;
      case 'children': {
        const children = asMap(src, e.value, e.where, `children of group '${name}' must be a mapping of group names`);
        for (const c of entries(src, children)) parseGroup(b, src, c.key, c.value, name, c.where, nesting + 1);
        break;
      }
      default:
        throw new InventoryError(`${e.where}: unknown key '${e.key}' in group '${name}' (expected hosts, vars or children)`);
    }
  }
}

function parseHosts(b: Builder, src: YamlSource, g: GroupEntry, node: unknown, at: string): void {
  const map = asMap(src, node, at, `hosts of group '${g.name}' must be a mapping (host: vars, or host: with nothing)`);
  for (const h of entries(src, map)) {
    const vars = mappingVars(src, asMap(src, h.value, h.where, `host '${h.key}' in group '${g.name}' must be a mapping of variables or empty`));
    for (const name of expandHostRange(h.key, h.where)) {
      const host = hostEntry(b, name, h.where);
      if (!g.hosts.includes(name)) g.hosts.push(name);
      assign(host.vars, host.origins, vars);
    }
  }
}

/** Ansible's host ranges: `gw[1:3]`, `db[01:10]` (zero padded), `x[a:c]`, with an optional `:step`. */
export function expandHostRange(name: string, at: string): string[] {
  const m = /^(.*?)\[([0-9]+|[a-z]):([0-9]+|[a-z])(?::([0-9]+))?\](.*)$/.exec(name);
  if (!m) return [name];
  const [, head = '', from = '', to = '', stepText, tail = ''] = m;
  const step = stepText === undefined ? 1 : Number(stepText);
  const numeric = /^[0-9]+$/.test(from);
  if (numeric !== /^[0-9]+$/.test(to) || step < 1) throw new InventoryError(`${at}: bad host range '${name}'`);
  const a = numeric ? Number(from) : from.charCodeAt(0);
  const z = numeric ? Number(to) : to.charCodeAt(0);
  if (a > z) throw new InventoryError(`${at}: bad host range '${name}': start is after end`);
  const width = numeric && from.length > 1 && from.startsWith('0') ? from.length : 0;
  const out: string[] = [];
  for (let i = a; i <= z; i += step) {
    const mid = numeric ? String(i).padStart(width, '0') : String.fromCharCode(i);
    out.push(...expandHostRange(`${head}${mid}${tail}`, at));
  }
  return out;
}
