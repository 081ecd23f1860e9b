import type { InventorySource } from '../engine/plan.ts';
import { InventoryError, checkRoleVars, hostVars as inventoryVars, inventoryLayers, loadInventory, mergeLayers, selectHosts, type Inventory, type VarLayer } from '../inventory/index.ts';
import type { InventoryPlugin } from '../inventory/plugins.ts';
import { readVarsFile } from '../inventory/vars-files.ts';
import type { RunDecryptor } from './vault-password.ts';
import { pathVar } from './connect.ts';

/**
 * `tsplay_vars_files` in the `all` group's vars lists vars files (typically a vault) that belong
 * to that inventory: the lab inventory names the lab vault, a production inventory its own.
 * They sit just above `all`'s inline vars and below every group_vars file, like
 * group_vars/all would, without forcing the vault to live inside the inventory folder.
 */
async function varsFilesLayers(inv: Inventory, vault: RunDecryptor): Promise<VarLayer[]> {
  const all = inv.groups.get('all');
  const pw = pathVar(all?.vars.tsplay_vault_password_file, all?.origins.tsplay_vault_password_file);
  if (pw) vault.setInventoryPasswordFile(pw);
  const list = all?.vars.tsplay_vars_files;
  if (list === undefined) return [];
  const where = all?.origins.tsplay_vars_files ?? 'inventory';
  if (!Array.isArray(list) || list.some((f) => typeof f !== 'string' || f === '')) {
    throw new InventoryError(`${where}: tsplay_vars_files must be a list of file paths`);
  }
  const layers: VarLayer[] = [];
  for (const f of list as string[]) {
    // Checked above: every entry is a non-empty string, so it resolves to a path.
    const r = await readVarsFile(pathVar(f, where)!, process.cwd(), vault);
    layers.push({ label: r.file, vars: r.vars, origins: r.origins });
  }
  return layers;
}

export interface OpenInventory {
  inventory: Inventory;
  source: InventorySource;
  warnings: string[];
}

/** Loaded only when an inventory file says `plugin: linode`: the API client costs ~0.2 s to import. */
const plugins: Record<string, InventoryPlugin> = {
  linode: async (src, ctx) => (await import('../linode/inventory/source.ts')).linodeInventory(src, ctx),
};

export async function openInventory(paths: string[], vault: RunDecryptor): Promise<OpenInventory> {
  const inventory = await loadInventory(paths, { vault, plugins });
  const files = await varsFilesLayers(inventory, vault);
  const layersOf = (host: string): VarLayer[] => {
    const [allInline, ...rest] = inventoryLayers(inventory, host);
    return [...(allInline ? [allInline] : []), ...files, ...rest];
  };
  const merged = new Map<string, ReturnType<typeof mergeLayers>>();
  const hostVars = (host: string) => {
    let m = merged.get(host);
    if (!m) {
      m = files.length ? mergeLayers(layersOf(host)) : inventoryVars(inventory, host);
      merged.set(host, m);
    }
    return m;
  };
  const source: InventorySource = {
    select: (pattern, label) => selectHosts(inventory, pattern, label),
    groupsOf: (host) => inventory.hosts.get(host)?.groups ?? [],
    hostVars,
    roleVars({ role, host, defaults, layers }) {
      const inv = hostVars(host);
      const all = mergeLayers([
        { label: `role ${role} defaults`, vars: defaults as Record<string, unknown> },
        { label: 'inventory', vars: inv.vars, origins: inv.origins },
        ...layers,
      ]);
      return checkRoleVars(role, host, defaults, all.vars, all.origins);
    },
  };
  return { inventory, source, warnings: inventory.warnings };
}
