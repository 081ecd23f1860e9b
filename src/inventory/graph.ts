import { InventoryError } from './errors.ts';
import type { Builder } from './inventory-file.ts';
import type { GroupEntry } from './types.ts';

const DEFAULT_PRIORITY = 1;

/**
 * Ansible reads ansible_group_priority only where the inventory itself sets a group's variable
 * (it becomes the group's priority, not a variable); in group_vars/ files it is an ordinary
 * variable that orders nothing. It orders variable precedence between groups of one depth and
 * never the hosts of a pattern.
 */
export function groupPriority(g: GroupEntry): number {
  const v = g.vars['ansible_group_priority'];
  if (v === undefined) return DEFAULT_PRIORITY;
  const n = typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : typeof v === 'number' ? Math.trunc(v) : NaN;
  if (!Number.isFinite(n)) throw new InventoryError(`${g.origins['ansible_group_priority'] || g.where}: ansible_group_priority of group '${g.name}' must be a whole number, got ${JSON.stringify(v)}`);
  return n;
}

/** Ansible's group order: shallow before deep, then ansible_group_priority, then name. */
export function compareGroups(a: GroupEntry, b: GroupEntry): number {
  return a.depth - b.depth || groupPriority(a) - groupPriority(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * Completes the graph once every file is read: top-level groups hang under all, hosts with no
 * other group go to ungrouped, depths are computed (refusing cycles), and each host gets its
 * transitive, precedence-ordered group list.
 */
export function finalize(b: Builder): void {
  const all = b.groups.get('all')!;
  const ungrouped = b.groups.get('ungrouped')!;
  for (const h of b.hosts.values()) {
    const g = b.groups.get(h.name);
    if (g) {
      throw new InventoryError(`${h.where}: host '${h.name}' has the same name as a group${g.where ? ` (${g.where})` : ''}`);
    }
  }
  for (const g of b.groups.values()) {
    if (g.name !== 'all' && g.parents.length === 0) {
      g.parents.push('all');
      all.children.push(g.name);
    }
  }

  const direct = new Map<string, Set<string>>();
  for (const g of b.groups.values()) {
    for (const h of g.hosts) {
      if (!direct.has(h)) direct.set(h, new Set());
      direct.get(h)!.add(g.name);
    }
  }
  for (const h of b.hosts.values()) {
    const groups = direct.get(h.name) ?? new Set<string>();
    const other = [...groups].some((g) => g !== 'all' && g !== 'ungrouped');
    if (!other && !ungrouped.hosts.includes(h.name)) ungrouped.hosts.push(h.name);
    if (other && ungrouped.hosts.includes(h.name)) ungrouped.hosts.splice(ungrouped.hosts.indexOf(h.name), 1);
  }
  for (const h of ungrouped.hosts) {
    if (!direct.has(h)) direct.set(h, new Set());
    direct.get(h)!.add('ungrouped');
  }

  computeDepths(b);

  for (const h of b.hosts.values()) {
    const seen = new Set<string>(['all']);
    const stack = [...(direct.get(h.name) ?? [])];
    while (stack.length) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...b.groups.get(name)!.parents);
    }
    h.groups = [...seen].map((n) => b.groups.get(n)!).sort(compareGroups).map((g) => g.name);
  }
}

/** Depth = longest path from all, as Ansible counts it; a child that is its own ancestor is an error. */
function computeDepths(b: Builder): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): number => {
    const g = b.groups.get(name)!;
    if (state.get(name) === 'done') return g.depth;
    if (state.get(name) === 'visiting') {
      const loop = [...path.slice(path.indexOf(name)), name].reverse();
      throw new InventoryError(`group cycle: ${loop.join(' -> ')} (${g.where})`);
    }
    state.set(name, 'visiting');
    g.depth = name === 'all' ? 0 : Math.max(...g.parents.map((p) => visit(p, [...path, name]) + 1));
    state.set(name, 'done');
    return g.depth;
  };
  for (const name of b.groups.keys()) visit(name, []);
}
