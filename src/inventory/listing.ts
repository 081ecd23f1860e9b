import { InventoryError } from './errors.ts';
import { groupHosts } from './patterns.ts';
import type { Inventory } from './types.ts';

/**
 * What `ansible-inventory` prints, so an operator's scripts and eyes read ts-play's answer as
 * Ansible's: `--list` (groups with their own hosts and children, every host's merged variables
 * under `_meta.hostvars`), `--graph` and `--host`. The variables come from the caller, which
 * merges them (with the vault) the way a run does.
 */
export type HostVarsOf = (host: string) => Record<string, unknown>;

/** Python's `json.dumps(sort_keys=True, indent=4)`, which ansible-inventory prints with. */
export function ansibleJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) Object.defineProperty(out, k, { value: sortKeys((value as Record<string, unknown>)[k]), enumerable: true });
  return out;
}

export function inventoryList(inv: Inventory, varsOf: HostVarsOf): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const visit = (name: string) => {
    const g = inv.groups.get(name)!;
    const entry: { hosts?: string[]; children?: string[] } = {};
    if (name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts];
    if (g.children.length) entry.children = [...g.children];
    if (entry.hosts || entry.children) out[name] = entry;
    for (const c of g.children) {
      if (seen.has(c)) continue;
      seen.add(c);
      visit(c);
    }
  };
  visit('all');
  const hostvars: Record<string, unknown> = {};
  for (const h of groupHosts(inv, 'all')) {
    const vars = varsOf(h);
    if (Object.keys(vars).length) hostvars[h] = vars;
  }
  out._meta = { hostvars };
  return out;
}

/** `--graph [GROUP]`: child groups first, then the group's own hosts, `  |--` per level. */
export function inventoryGraph(inv: Inventory, start = 'all'): string {
  if (!inv.groups.has(start)) throw new InventoryError(`--graph needs a group name, and no group is called '${start}'`);
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? `${'  |'.repeat(depth)}--${text}` : text);
  const visit = (group: string, depth: number) => {
    lines.push(name(`@${group}:`, depth));
    const g = inv.groups.get(group)!;
    for (const c of g.children) visit(c, depth + 1);
    if (group !== 'all') for (const h of g.hosts) lines.push(name(h, depth + 1));
  };
  visit(start, 0);
  return lines.join('\n');
}

export function inventoryHost(inv: Inventory, host: string, varsOf: HostVarsOf): Record<string, unknown> {
  if (!inv.hosts.has(host)) throw new InventoryError(`--host: no host '${host}' in the inventory (${inv.files.join(', ')})`);
  return varsOf(host);
}
