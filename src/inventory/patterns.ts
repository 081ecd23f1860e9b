import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { displayPath, InventoryError } from './errors.ts';
import type { Inventory } from './types.ts';

/**
 * Splits a host pattern as Ansible does: on `,` or `:`, except a `:` inside brackets
 * (`gateways[0:1]`). A whole pattern that names a host is kept whole.
 */
export function splitPattern(inv: Inventory, pattern: string): string[] {
  const text = pattern.trim();
  if (inv.hosts.has(text) || inv.groups.has(text)) return [text];
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if ((ch === ',' || ch === ':') && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body}]`;
      i = end;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function hostsOfGroup(inv: Inventory, group: string): string[] {
  return [...inv.hosts.values()].filter((h) => h.groups.includes(group)).map((h) => h.name);
}

/** Hosts one pattern part names, or null when it names nothing at all. */
function matchPart(inv: Inventory, part: string): string[] | null {
  if (part === 'all' || part === '*') return [...inv.hosts.keys()];
  if (inv.groups.has(part)) return hostsOfGroup(inv, part);
  if (inv.hosts.has(part)) return [part];

  // Ansible's subscripts: gateways[0], gateways[-1], gateways[0:1] (inclusive), in inventory order.
  const sub = /^(.+)\[(-?\d+)(?::(-?\d*))?\]$/.exec(part);
  if (sub && inv.groups.has(sub[1]!)) {
    const hosts = sortByOrder(inv, hostsOfGroup(inv, sub[1]!));
    const at = (n: number) => (n < 0 ? hosts.length + n : n);
    const from = at(Number(sub[2]));
    const to = sub[3] === undefined ? from : sub[3] === '' ? hosts.length - 1 : at(Number(sub[3]));
    const picked = hosts.slice(from, to + 1);
    return picked.length ? picked : null;
  }

  let re: RegExp;
  if (part.startsWith('~')) {
    try {
      re = new RegExp(part.slice(1));
    } catch (e) {
      throw new InventoryError(`bad regular expression in host pattern '${part}': ${(e as Error).message}`);
    }
  } else if (/[*?[]/.test(part)) {
    re = globToRegExp(part);
  } else {
    return null;
  }
  const found = new Set<string>();
  for (const h of inv.hosts.keys()) if (re.test(h)) found.add(h);
  for (const g of inv.groups.keys()) if (re.test(g)) for (const h of hostsOfGroup(inv, g)) found.add(h);
  return found.size ? [...found] : null;
}

function sortByOrder(inv: Inventory, hosts: Iterable<string>): string[] {
  return [...hosts].sort((a, b) => inv.hosts.get(a)!.order - inv.hosts.get(b)!.order);
}

/**
 * The hosts a pattern selects, in inventory order. Parts join with `:` or `,`; a part is a host,
 * a group, `all`/`*`, a glob, `~regex` or `group[i:j]`; `&part` intersects and `!part` excludes
 * (applied after the plain parts, whatever their position, as in Ansible). A part that matches
 * nothing is an error, so a typo never silently shrinks a rollout; `label` says where the pattern
 * came from ("--limit", "play 'gateways' hosts"). A whole pattern `@file` reads one pattern per line
 * from that file (relative to opts.cwd), like Ansible's `--limit @site.retry`.
 */
export function selectHosts(inv: Inventory, pattern: string, label = 'host pattern', opts: { cwd?: string } = {}): string[] {
  if (pattern.trim().startsWith('@')) return selectFromFile(inv, pattern.trim(), opts.cwd ?? process.cwd());
  const parts = splitPattern(inv, pattern);
  if (parts.length === 0) throw new InventoryError(`empty host pattern (in ${label})`);
  const resolvePart = (p: string): Set<string> => {
    const hosts = matchPart(inv, p);
    if (hosts === null) throw new InventoryError(`no host or group matches '${p}' (in ${label})`);
    return new Set(hosts);
  };
  const plain = parts.filter((p) => !p.startsWith('!') && !p.startsWith('&'));
  let selected = new Set<string>();
  if (plain.length === 0) selected = new Set(inv.hosts.keys());
  for (const p of plain) for (const h of resolvePart(p)) selected.add(h);
  for (const p of parts.filter((q) => q.startsWith('&'))) {
    const keep = resolvePart(p.slice(1).trim());
    selected = new Set([...selected].filter((h) => keep.has(h)));
  }
  for (const p of parts.filter((q) => q.startsWith('!'))) {
    for (const h of resolvePart(p.slice(1).trim())) selected.delete(h);
  }
  return sortByOrder(inv, selected);
}

/** The hosts an `@file` names: one pattern per line (an Ansible retry file); blank lines and `#` comments skipped. */
function selectFromFile(inv: Inventory, ref: string, cwd: string): string[] {
  const abs = resolve(cwd, ref.slice(1));
  const file = displayPath(abs, cwd);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    throw new InventoryError(`limit file not found: ${file} (in --limit)`);
  }
  const found = new Set<string>();
  text.split('\n').forEach((line, i) => {
    const p = line.trim();
    if (p === '' || p.startsWith('#')) return;
    for (const h of selectHosts(inv, p, `--limit ${file}:${i + 1}`)) found.add(h);
  });
  return sortByOrder(inv, found);
}

/**
 * Narrows a play's hosts by --limit (a pattern, or `@file`), keeping their order. Unknown names
 * in the limit are errors, as everywhere else.
 */
export function limitHosts(inv: Inventory, hosts: string[], limit: string | undefined, opts: { cwd?: string } = {}): string[] {
  if (limit === undefined || limit.trim() === '') return hosts;
  const allowed = new Set(selectHosts(inv, limit, '--limit', opts));
  return hosts.filter((h) => allowed.has(h));
}
