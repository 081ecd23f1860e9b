import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { displayPath, InventoryError } from './errors.ts';
import { globToRegExp, orderParts, pythonMatchRegExp, splitPattern, splitSubscript, type Subscript } from './pattern-split.ts';
import type { Inventory } from './types.ts';

export { splitPattern } from './pattern-split.ts';

/**
 * A group's hosts in Ansible's order: its own hosts, then its children's, then theirs (breadth
 * first, each level in the order the groups were declared), each host once. This order decides
 * `group[0]` and the order a play runs in. Where a level holds several groups with children,
 * Ansible walks a Python set (an order that changes between runs); declaration order is the
 * stable choice here.
 */
export function groupHosts(inv: Inventory, group: string): string[] {
  const seen = new Set<string>([group]);
  const ordered: string[] = [group];
  let level = [group];
  while (level.length) {
    const next: string[] = [];
    for (const g of level) {
      for (const c of inv.groups.get(g)?.children ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        ordered.push(c);
        next.push(c);
      }
    }
    level = next;
  }
  const hosts = new Set<string>();
  for (const g of ordered) for (const h of inv.groups.get(g)!.hosts) hosts.add(h);
  return [...hosts];
}

function compile(expr: string): RegExp {
  try {
    return expr.startsWith('~') ? pythonMatchRegExp(expr.slice(1)) : globToRegExp(expr);
  } catch (e) {
    throw new InventoryError(`bad regular expression in host pattern '${expr}': ${(e as Error).message}`);
  }
}

/** Ansible's `_enumerate_matches`: matching groups' hosts, then (for a glob or regex, or when no group matched) matching hosts. */
function enumerate(inv: Inventory, expr: string): string[] | null {
  const re = compile(expr);
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  const out = groups.flatMap((g) => groupHosts(inv, g));
  if (groups.length === 0 || expr.startsWith('~') || /[.?*[]/.test(expr)) {
    out.push(...[...inv.hosts.keys()].filter((h) => re.test(h)));
  }
  return out.length || groups.length ? out : null;
}

function applySubscript(hosts: string[], s: Subscript, part: string): string[] {
  if (s.end === undefined) {
    const at = s.start < 0 ? hosts.length + s.start : s.start;
    if (at < 0 || at >= hosts.length) throw new InventoryError(`no host matches the subscripted pattern '${part}' (it has ${hosts.length})`);
    return [hosts[at]!];
  }
  const end = s.end === -1 ? hosts.length - 1 : s.end;
  return hosts.slice(s.start, end + 1);
}

/**
 * Hosts one part names, or null when it names nothing. Unlike Ansible, which warns and goes on,
 * a part naming nothing is an error, so a typo never silently shrinks (or, under `!`, widens) a run.
 */
function matchPart(inv: Inventory, part: string): string[] | null {
  const { expr, subscript } = splitSubscript(part);
  const hosts = enumerate(inv, expr);
  if (hosts === null || !subscript) return hosts;
  const picked = applySubscript(hosts, subscript, part);
  return picked.length ? picked : null;
}

/** Ansible's `_evaluate_patterns`: regular parts add in order, `&` keeps, `!` drops; the result keeps the order hosts were added in. */
function evaluate(inv: Inventory, parts: string[], label: string): string[] {
  let hosts: string[] = [];
  for (const p of orderParts(parts)) {
    if (inv.hosts.has(p)) {
      if (!hosts.includes(p)) hosts.push(p);
      continue;
    }
    const bare = p[0] === '!' || p[0] === '&' ? p.slice(1).trim() : p;
    const found = matchPart(inv, bare);
    if (found === null) throw new InventoryError(`no host or group matches '${bare}' (in ${label})`);
    if (p[0] === '!') {
      const drop = new Set(found);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p[0] === '&') {
      const keep = new Set(found);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      for (const h of found) if (!have.has(h)) (have.add(h), hosts.push(h));
    }
  }
  return hosts;
}

/**
 * The hosts a pattern selects, in Ansible's order (the order the parts add them; a group's hosts
 * as groupHosts orders them). Parts split as Ansible splits them (pattern-split.ts); a part is a
 * host, a group, `all`/`*`, a glob, `~regex` (matched from the start of the name) or
 * `expr[i]`/`expr[i:j]`; `&part` intersects and `!part` excludes, after the plain parts whatever
 * their position. `label` says where the pattern came from ("--limit", "play 'gateways' hosts").
 * A part `@file` reads one pattern per line from that file (relative to opts.cwd), like Ansible's
 * `--limit @site.retry`.
 */
export function selectHosts(inv: Inventory, pattern: string, label = 'host pattern', opts: { cwd?: string } = {}): string[] {
  const parts: string[] = [];
  for (const p of splitPattern(pattern)) {
    if (p.startsWith('@')) parts.push(...patternsFromFile(inv, p, opts.cwd ?? process.cwd()));
    else parts.push(p);
  }
  if (parts.length === 0) throw new InventoryError(`empty host pattern (in ${label})`);
  return evaluate(inv, parts, label);
}

/** The lines of an `@file` (an Ansible retry file), each checked to name something; blank lines and `#` comments skipped. */
function patternsFromFile(inv: Inventory, ref: string, cwd: string): string[] {
  const abs = resolve(cwd, ref.slice(1));
  const file = displayPath(abs, cwd);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    throw new InventoryError(`limit file not found: ${file} (in --limit)`);
  }
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const p = line.trim();
    if (p === '' || p.startsWith('#')) return;
    evaluate(inv, [p], `--limit ${file}:${i + 1}`);
    out.push(p);
  });
  return out;
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
