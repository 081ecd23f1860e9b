// The inventory API the engine and the CLI import.
export { InventoryError } from './errors.ts';
export type { Inventory, HostEntry, GroupEntry, VarOrigins } from './types.ts';
export { loadInventory, type LoadOptions } from './load.ts';
export { selectHosts, limitHosts, splitPattern } from './patterns.ts';
export { hostVars, inventoryLayers, mergeLayers, type VarLayer, type MergedVars } from './vars.ts';
export { checkRoleVars } from './typecheck.ts';
export { roleVars } from './role-vars.ts';
export { parseExtraVars, loadExtraVars, parseScalar } from './extra-vars.ts';
