import { refuseEmptyLimit } from './plan.ts';
import { parseExtraVars } from '../inventory/extra-vars.ts';
import { openInventory, type OpenInventory } from './inventory-source.ts';
import { RunConnections, type ConnectOptions } from './connect.ts';
import { lazyDecryptor } from './vault-password.ts';

/** What ad-hoc commands (exec, copy, fetch) read from their command line to pick and reach hosts. */
export interface AdhocRequest extends ConnectOptions {
  pattern: string;
  inventories: string[];
  limit?: string;
  extraVars?: string[];
  vaultPasswordFile?: string;
  /** Forces `sudo -n` on (true) or off (false); by default it follows the inventory (ansible_become, non-root user). */
  become?: boolean;
  onWarning?: (warning: string) => void;
}

export interface AdhocHosts {
  inventory: OpenInventory;
  hosts: string[];
  /** A host's merged variables (inventory < -e) and where each came from. */
  vars(host: string): Record<string, unknown>;
  conns: RunConnections;
}

/**
 * Opens the inventory with its vault, selects the pattern's hosts (narrowed by --limit, in the
 * order a play would run them) and resolves how to reach each one: every mistake (a pattern
 * matching nothing, a bad port, a bad jump host) is bad input before the first connection.
 */
export async function openAdhoc(r: AdhocRequest): Promise<AdhocHosts> {
  refuseEmptyLimit(r.limit);
  const decryptor = lazyDecryptor(r.vaultPasswordFile);
  const inventory = await openInventory(r.inventories, decryptor);
  for (const w of inventory.warnings) r.onWarning?.(w);
  const extra = await parseExtraVars(r.extraVars ?? [], process.cwd(), decryptor);
  let hosts = inventory.source.select(r.pattern, 'host pattern');
  if (r.limit !== undefined) {
    const allowed = new Set(inventory.source.select(r.limit, '--limit'));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  const vars = (host: string) => ({
    ...inventory.source.hostVars(host).vars,
    ...extra,
    ...(r.become !== undefined ? { ansible_become: r.become } : {}),
  });
  const fromE = Object.fromEntries(Object.keys(extra).map((k) => [k, '-e']));
  const conns = new RunConnections(r);
  conns.prepare(hosts, vars, (h) => ({ ...inventory.source.hostVars(h).origins, ...fromE }));
  return { inventory, hosts, vars, conns };
}
