import type { Inventory } from './types.ts';
import { checkRoleVars } from './typecheck.ts';
import { hostVars, mergeLayers, type VarLayer } from './vars.ts';

/**
 * One role's variables for one host, over every layer: role defaults < inventory (hostVars) <
 * `layers` (play vars, role-call vars, -e, lowest first), picked and type-checked against the
 * role's defaults. This is the whole chain vars.ts documents, in one call for the engine.
 */
export function roleVars(
  inv: Inventory,
  args: { role: string; host: string; defaults: object; layers: VarLayer[] },
): { vars: Record<string, unknown>; errors: string[]; origins: Record<string, string> } {
  const inventory = hostVars(inv, args.host);
  const merged = mergeLayers([
    { label: `role ${args.role} defaults`, vars: args.defaults as Record<string, unknown> },
    { label: 'inventory', vars: inventory.vars, origins: inventory.origins },
    ...args.layers,
  ]);
  return { ...checkRoleVars(args.role, args.host, args.defaults, merged.vars, merged.origins), origins: merged.origins };
}
