/**
 * Variable precedence, lowest first (docs/variables.md explains each layer):
 *
 *   1. role defaults                      (the role's typed `defaults`)
 *   2. inventory `all` vars               (inline `all: vars:`)
 *   3. parent group vars                  (inline `vars:` of shallower groups)
 *   4. child group vars                   (deeper groups win; same depth: ansible_group_priority,
 *                                          then alphabetical, the later name winning, as Ansible)
 *   5. group_vars files                   (group_vars/all.yml, then the other groups in the same
 *                                          order as 3-4; every group_vars file beats every inline
 *                                          group var, so also the inline vars of its own group)
 *   6. host inline vars                   (the host's entry in the inventory file)
 *   7. host_vars files                    (host_vars/<host>.yml, host_vars/<host>/*)
 *   8. play vars                          (Play.vars)
 *   9. role call vars                     (`keepalived({ priority: 150 })`, type-checked by tsc)
 *  10. extra vars                         (-e, always win)
 *
 * Layers 2-7 come from hostVars(); the engine adds 1 and 8-10 with mergeLayers(). Merging is
 * shallow, per top-level key (Ansible's default hash_behaviour=replace): a dict from a higher
 * layer replaces the whole dict of a lower one, it is never deep-merged.
 */
import { InventoryError } from './errors.ts';
import type { Inventory, VarOrigins } from './types.ts';
import { setVar } from './yaml.ts';

export interface VarLayer {
  /** Names the layer; used as the origin of every key without a more precise one ("-e", "play 'site' vars"). */
  label: string;
  vars: Record<string, unknown>;
  origins?: VarOrigins;
}

export interface MergedVars {
  vars: Record<string, unknown>;
  /** For each variable, where its winning value came from (file:line or the layer's label). */
  origins: VarOrigins;
}

/**
 * Merges layers given lowest precedence first. A key whose value is `undefined` is skipped, so a
 * `Partial<V>` with an unset key does not blank out a lower layer.
 */
export function mergeLayers(layers: VarLayer[]): MergedVars {
  const vars: Record<string, unknown> = {};
  const origins: VarOrigins = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.vars)) {
      if (v === undefined) continue;
      setVar(vars, k, v);
      setVar(origins, k, layer.origins?.[k] || layer.label);
    }
  }
  return { vars, origins };
}

/** Set in the inventory, ansible_group_priority is the group's priority (graph.ts), not a variable, as in Ansible. */
function withoutPriority(vars: Record<string, unknown>): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(vars, 'ansible_group_priority')) return vars;
  const { ansible_group_priority: _, ...rest } = vars;
  return rest;
}

/** The inventory's layers for one host (2-7 above), lowest first. */
export function inventoryLayers(inv: Inventory, host: string): VarLayer[] {
  const h = inv.hosts.get(host);
  if (!h) throw new InventoryError(`unknown host '${host}'`);
  const groups = h.groups.map((g) => inv.groups.get(g)!);
  return [
    ...groups.map((g) => ({ label: `group ${g.name} vars`, vars: withoutPriority(g.vars), origins: g.origins })),
    ...groups.map((g) => ({ label: `group_vars/${g.name}`, vars: g.fileVars, origins: g.fileOrigins })),
    { label: `host ${h.name} vars`, vars: h.vars, origins: h.origins },
    { label: `host_vars/${h.name}`, vars: h.fileVars, origins: h.fileOrigins },
  ];
}

/** Everything the inventory gives one host, merged by precedence, with the origin of each value. */
export function hostVars(inv: Inventory, host: string): MergedVars {
  return mergeLayers(inventoryLayers(inv, host));
}
