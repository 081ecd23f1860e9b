import type { AnyTask } from '../task/task.ts';
import type { Play, Playbook } from './play.ts';
import type { HostView, RoleContext, RoleUse } from './role.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTemplate, templatePath } from './template.ts';
import { selected, unknownTags, type TagFilter } from './tags.ts';
import { leafTasks, selectSteps, type Step } from './steps.ts';
import { TsPlayError } from '../base/errors.ts';
import { UndeclaredVars } from './undeclared.ts';
import { hostName } from '../vars/checks.ts';

/** What planning needs from an inventory: kept narrow so the engine does not depend on how inventories load. */
export interface InventorySource {
  /** Hosts matching a pattern, in inventory order; throws naming the pattern when a part matches nothing. */
  select(pattern: string, label: string): string[];
  groupsOf(host: string): string[];
  /** The inventory's merged variables for a host, and where each came from ("file:line"). */
  hostVars(host: string): { vars: Record<string, unknown>; origins: Record<string, string> };
  /**
   * Role variables for a host: the keys the role's defaults declare, merged over every layer
   * (defaults < inventory < play vars < role-call vars < -e), type-checked against the defaults.
   */
  roleVars(args: {
    role: string;
    host: string;
    defaults: object;
    layers: Array<{ label: string; vars: Record<string, unknown> }>;
  }): { vars: Record<string, unknown>; errors: string[] };
}

export interface PlannedRole {
  name: string;
  /** Every task the role will run or may run (inside blocks, their rescue and always too), in order. */
  tasks: AnyTask[];
  handlers: Map<string, AnyTask[]>;
  /** How the tasks are arranged (blocks, handler flushes); absent means `tasks` one after another. */
  steps?: Step[];
}

export interface HostPlan {
  host: string;
  /** All merged variables (inventory, play, -e): connection settings are read from here. */
  vars: Record<string, unknown>;
  roles: PlannedRole[];
}

export interface PlayPlan {
  play: Play;
  hosts: string[];
  byHost: Map<string, HostPlan>;
}

export interface PlanOptions {
  tags: TagFilter;
  limit?: string;
  extraVars: Record<string, unknown>;
}

/** Every problem found before any connection, reported together so one run shows them all. */
export class PlanError extends TsPlayError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

function roleTags(use: RoleUse, play: Play): string[] {
  return [use.def.name, ...(use.def.tags ?? []), ...use.tags, ...(play.tags ?? [])];
}

function planRole(use: RoleUse, play: Play, view: HostView, vars: Record<string, unknown>, filter: TagFilter, problems: string[], seenTags: Set<string>): PlannedRole | null {
  const def = use.def;
  const locals = { ...vars, inventory_hostname: view.name, host: view };
  const ctx: RoleContext<any> = {
    vars,
    host: view,
    template: (name, extra) => renderTemplate(templatePath(def.dir, name), { ...locals, ...extra }),
    file: (name) => readFileSync(join(def.dir, 'files', name), 'utf8'),
  };
  const where = `${view.name}: role ${def.name}`;
  for (const msg of def.validate?.(vars as never, view) ?? []) problems.push(`${where}: ${msg}`);
  let steps: Step[];
  let handlers: Record<string, AnyTask[]>;
  try {
    steps = def.tasks(ctx);
    handlers = def.handlers?.(ctx) ?? {};
  } catch (e) {
    problems.push(`${where}: ${(e as Error).message}`);
    return null;
  }
  const kept = selectSteps(steps, roleTags(use, play), (tags) => selected(tags, filter));
  for (const task of leafTasks(steps)) {
    (task.tags ?? []).forEach((t) => seenTags.add(t));
    for (const h of task.notify ?? []) {
      if (!handlers[h]) problems.push(`${where}: task "${task.name}" notifies unknown handler "${h}"`);
    }
  }
  if (kept.length === 0) return null;
  return { name: def.name, tasks: leafTasks(kept), handlers: new Map(Object.entries(handlers)), steps: kept };
}

/**
 * Builds every host's task list from the playbook and inventory, before any connection:
 * host patterns, variables, templates, handler names and tags are all checked here, so bad
 * input fails the run with nothing changed anywhere.
 */
export function planPlaybook(book: Playbook, inv: InventorySource, opts: PlanOptions): PlayPlan[] {
  const problems: string[] = [];
  const seenTags = new Set<string>();
  const limited = opts.limit ? new Set(attempt(problems, () => inv.select(opts.limit!, '--limit')) ?? []) : null;
  const plans: PlayPlan[] = [];
  const undeclared = new UndeclaredVars(book);
  const allRoles = [...new Set(book.plays.flatMap((p) => p.roles.map((u) => u.def.name)))];
  problems.push(...undeclared.check(opts.extraVars, () => '-e', allRoles));
  for (const play of book.plays) {
    // Role-level tags count as known even when --limit leaves the play no host.
    for (const use of play.roles) roleTags(use, play).forEach((t) => seenTags.add(t));
    // The play's own variables are checked whether or not --limit leaves it a host.
    const playRoles = play.roles.map((u) => u.def.name);
    problems.push(...undeclared.check(play.vars ?? {}, () => `play "${play.name}" vars`, playRoles));
    const matched = attempt(problems, () => inv.select(play.hosts, `hosts of play "${play.name}"`)) ?? [];
    const hosts = limited ? matched.filter((h) => limited.has(h)) : matched;
    const byHost = new Map<string, HostPlan>();
    for (const host of hosts) {
      // The inventory name is written into every generated file (headers, router_id): a name
      // holding a newline or a quote would write lines of its own there.
      const badName = play.roles.length ? hostName('inventory_hostname', host) : [];
      if (badName.length) {
        problems.push(...badName.map((m) => `${JSON.stringify(host).slice(1, -1)}: ${m}`));
        continue;
      }
      const { vars: invVars, origins } = inv.hostVars(host);
      problems.push(...undeclared.check(invVars, (k) => origins[k], playRoles));
      const all = { ...invVars, ...(play.vars ?? {}), ...opts.extraVars };
      const view: HostView = { name: host, groups: inv.groupsOf(host), vars: all };
      const roles: PlannedRole[] = [];
      for (const use of play.roles) {
        const { vars, errors } = inv.roleVars({
          role: use.def.name,
          host,
          defaults: use.def.defaults,
          layers: [
            { label: `play "${play.name}" vars`, vars: play.vars ?? {} },
            { label: `role ${use.def.name} arguments in the playbook`, vars: use.vars as Record<string, unknown> },
            { label: '-e', vars: opts.extraVars },
          ],
        });
        if (errors.length) {
          problems.push(...errors);
          continue;
        }
        const planned = planRole(use, play, view, vars, opts.tags, problems, seenTags);
        if (planned) roles.push(planned);
      }
      byHost.set(host, { host, vars: all, roles });
    }
    plans.push({ play, hosts, byHost });
  }
  const unknown = unknownTags([...opts.tags.tags, ...opts.tags.skipTags], seenTags);
  if (unknown.length) problems.push(`unknown tag${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${[...seenTags].sort().join(', ')})`);
  if (problems.length) throw new PlanError([...new Set(problems)]);
  return plans;
}

function attempt<T>(problems: string[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    problems.push((e as Error).message);
    return undefined;
  }
}
