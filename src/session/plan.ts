import { InventoryError } from '../inventory/errors.ts';
import { parseExtraVars } from '../inventory/extra-vars.ts';
import { loadPlaybook } from '../engine/load.ts';
import { planPlaybook, type PlayPlan } from '../engine/plan.ts';
import { openInventory, type OpenInventory } from './inventory-source.ts';
import { lazyDecryptor } from './vault-password.ts';

/** What a command line says about what to plan: the same words for play, render and the bench's twin. */
export interface PlanRequest {
  playbook: string;
  inventories: string[];
  vaultPasswordFile?: string;
  /** -e arguments as typed: key=value words, JSON/YAML, or @file. */
  extraVars?: string[];
  tags?: string[];
  skipTags?: string[];
  limit?: string;
  /** Inventory warnings, told as soon as the inventory is read (before planning can fail). */
  onWarning?: (warning: string) => void;
}

export interface PlannedRun {
  plans: PlayPlan[];
  inventory: OpenInventory;
  /** Where each host's connection variables came from, -e included ("-e" wins as it does in the plan). */
  originsOf(host: string): Record<string, string>;
}

/** An empty --limit would mean every host to Ansible; here it is bad input. */
export function refuseEmptyLimit(limit: string | undefined): void {
  if (limit !== undefined && limit.trim() === '') throw new InventoryError('--limit is empty: name hosts or groups (or leave --limit out to mean every host)');
}

/** Opens the inventory with its vault, reads -e and the playbook, and plans: no host is contacted. */
export async function planFromOptions(r: PlanRequest): Promise<PlannedRun> {
  refuseEmptyLimit(r.limit);
  const decryptor = lazyDecryptor(r.vaultPasswordFile);
  const inventory = await openInventory(r.inventories, decryptor);
  for (const w of inventory.warnings) r.onWarning?.(w);
  const extraVars = await parseExtraVars(r.extraVars ?? [], process.cwd(), decryptor);
  const book = await loadPlaybook(r.playbook);
  const plans = planPlaybook(book, inventory.source, {
    tags: { tags: r.tags ?? [], skipTags: r.skipTags ?? [] },
    ...(r.limit !== undefined ? { limit: r.limit } : {}),
    extraVars,
  });
  const fromE = Object.fromEntries(Object.keys(extraVars).map((k) => [k, '-e']));
  return { plans, inventory, originsOf: (host) => ({ ...inventory.source.hostVars(host).origins, ...fromE }) };
}
