import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../src/connection/local.ts';
import type { Connection } from '../../src/connection/types.ts';
import { UnreachableError } from '../../src/connection/types.ts';
import { planPlaybook, type InventorySource } from '../../src/engine/plan.ts';
import { Runner, type RunSummary } from '../../src/engine/runner.ts';
import { checkRoleVars } from '../../src/inventory/typecheck.ts';
import { mergeLayers } from '../../src/inventory/vars.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import type { Playbook } from '../../src/engine/play.ts';

/** Hosts that are folders on this machine, reached through a real sh: the engine end to end, without SSH. */
export class LocalHosts {
  readonly dirs = new Map<string, string>();
  readonly conns = new Map<string, LocalConnection>();
  readonly unreachable = new Set<string>();
  constructor(readonly names: string[], readonly groups: Record<string, string[]> = {}, readonly vars: Record<string, Record<string, unknown>> = {}) {
    for (const n of names) this.dirs.set(n, mkdtempSync(join(tmpdir(), `tsp-engine-${n}-`)));
  }

  source(): InventorySource {
    const groupsOf = (h: string) => ['all', ...Object.entries(this.groups).filter(([, hs]) => hs.includes(h)).map(([g]) => g)];
    return {
      select: (pattern, label) => {
        const out = this.names.filter((h) => pattern === 'all' || pattern.split(/[:,]/).some((p) => p === h || this.groups[p]?.includes(h)));
        if (out.length === 0) throw new Error(`no host or group matches '${pattern}' (in ${label})`);
        return out;
      },
      groupsOf,
      hostVars: (h) => ({ vars: { dir: this.dirs.get(h), ...this.vars[h] }, origins: {} }),
      roleVars: ({ role, host, defaults, layers }) => {
        const all = mergeLayers([{ label: 'defaults', vars: defaults as Record<string, unknown> }, { label: 'inventory', vars: { dir: this.dirs.get(host), ...this.vars[host] } }, ...layers]);
        return checkRoleVars(role, host, defaults, all.vars, all.origins);
      },
    };
  }

  async connect(host: string): Promise<Connection> {
    if (this.unreachable.has(host)) throw new UnreachableError(host, 'test: host is down');
    const c = new LocalConnection(host);
    this.conns.set(host, c);
    return c;
  }

  /**
   * `connectFirst`: every host's connection is opened before the first play, as the CLI's run lock
   * does; `carryFirst` also runs the command the run hands the lock (facts and first read) there.
   */
  async run(book: Playbook, opts: { check?: boolean; tags?: string[]; skipTags?: string[]; extraVars?: Record<string, unknown>; limit?: string; connectFirst?: boolean; carryFirst?: boolean } = {}): Promise<RunSummary & { events: EngineEvent[] }> {
    const plans = planPlaybook(book, this.source(), {
      tags: { tags: opts.tags ?? [], skipTags: opts.skipTags ?? [] },
      extraVars: opts.extraVars ?? {},
      ...(opts.limit ? { limit: opts.limit } : {}),
    });
    const events: EngineEvent[] = [];
    const runner = new Runner({
      check: opts.check ?? false, forks: 5, sink: { emit: (e) => events.push(e) }, connect: (h) => this.connect(h),
      ...(opts.connectFirst ? { beforeRun: async (all: string[], connect: (h: string) => Promise<Connection>) => void (await Promise.all(all.map(connect))) } : {}),
      ...(opts.carryFirst
        ? { beforeRun: async (all: string[], connect: (h: string) => Promise<Connection>, then: (h: string) => readonly string[]) => new Map(await Promise.all(all.map(async (h) => [h, await (await connect(h)).exec(then(h))] as const))) }
        : {}),
    });
    return { ...(await runner.run(plans)), events };
  }
}

export function taskEvents(events: EngineEvent[]) {
  return events.filter((e): e is Extract<EngineEvent, { type: 'task' }> => e.type === 'task');
}
