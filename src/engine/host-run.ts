import type { Connection, ExecResult } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import type { EventSink, HostStats, TaskStatus } from './events.ts';
import type { AnyTask, ApplyEnv, Comparison, FileDiff } from '../task/task.ts';
import type { HostPlan, PlannedRole } from './plan.ts';
import { runProbes } from '../connection/batch.ts';
import { TsPlayError, EXIT_FAILED } from '../base/errors.ts';

export interface HostRunOptions {
  check: boolean;
  sink: EventSink;
  env: ApplyEnv;
  /** Aborted on an interrupt: no further task or handler starts on this host. */
  signal?: AbortSignal;
}

export type HostOutcome = 'ok' | 'failed' | 'unreachable' | 'interrupted';

/** An interrupt reached this host between two tasks: not a failure of the host. */
class Interrupted extends Error {}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, roundTrips: 0 };
}

class TaskFailed extends TsPlayError {
  constructor(reason: string) {
    super(reason, { exitCode: EXIT_FAILED });
  }
}

/**
 * Applies one host's roles in order. State is read in as few round trips as possible: one
 * batch for every role up front; once anything has changed on the host that snapshot is
 * stale, so each later role reads its own state again in one batch. A task that differs is
 * read once more right before it is applied, so apply never acts on a stale plan.
 */
export class HostRun {
  private snapshot: Map<AnyTask, ExecResult[]> | null = null;
  private dirty = false;
  /** Check mode: some task of this host so far would change it (what a `depends` can wait for). */
  private wouldChange = false;

  constructor(
    private readonly plan: HostPlan,
    private readonly conn: Connection,
    private readonly facts: Facts,
    private readonly stats: HostStats,
    private readonly opts: HostRunOptions,
  ) {}

  async run(): Promise<HostOutcome> {
    try {
      const all = this.plan.roles.flatMap((r) => r.tasks.filter((t) => this.applies(t) === true));
      this.snapshot = await this.read(all);
      for (const role of this.plan.roles) {
        this.stopIfInterrupted();
        await this.runRole(role);
      }
      return 'ok';
    } catch (e) {
      if (e instanceof Interrupted) return 'interrupted';
      if (e instanceof UnreachableError) {
        this.stats.unreachable++;
        this.opts.sink.emit({ type: 'unreachable', host: this.plan.host, reason: e.reason });
        return 'unreachable';
      }
      if (!(e instanceof TaskFailed)) {
        this.stats.failed++;
        this.opts.sink.emit({ type: 'host-failed', host: this.plan.host, reason: (e as Error).message });
      }
      return 'failed';
    }
  }

  private stopIfInterrupted(): void {
    if (this.opts.signal?.aborted) throw new Interrupted();
  }

  private applies(task: AnyTask): true | string {
    const w = task.when?.(this.facts);
    if (w === undefined || w === true) return true;
    return typeof w === 'string' ? w : 'condition not met';
  }

  private async read(tasks: AnyTask[]): Promise<Map<AnyTask, ExecResult[]>> {
    const probes = tasks.map((t) => t.probes(this.facts));
    const flat = await runProbes(this.conn, probes.flat());
    const out = new Map<AnyTask, ExecResult[]>();
    let at = 0;
    tasks.forEach((t, i) => {
      out.set(t, flat.slice(at, at + probes[i]!.length));
      at += probes[i]!.length;
    });
    return out;
  }

  private async runRole(role: PlannedRole): Promise<void> {
    this.opts.sink.emit({ type: 'role-start', host: this.plan.host, role: role.name });
    const runnable = role.tasks.filter((t) => this.applies(t) === true);
    const state = this.dirty ? await this.read(runnable) : this.snapshot!;
    const notified = new Set<string>();
    let interrupted = false;
    for (const task of role.tasks) {
      if (this.opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      const skip = this.applies(task);
      if (skip !== true) {
        this.report(role.name, task, 'skipped', { reason: skip });
        continue;
      }
      if (await this.runTask(role.name, task, state.get(task)!, false)) task.notify?.forEach((h) => notified.add(h));
    }
    // Handlers run in the order the role declares them, once each, only when notified.
    for (const [name, tasks] of role.handlers) {
      if (!notified.has(name)) continue;
      // Handlers run even after an interrupt: they complete what this role's changes started
      // (a reload that makes a written config live); skipped, the next run would not know to.
      const fresh = await this.read(tasks);
      for (const task of tasks) await this.runTask(role.name, task, fresh.get(task)!, true);
    }
    if (interrupted) throw new Interrupted();
  }

  /** Returns whether the task changed (or, in check mode, would change) the host. */
  private async runTask(role: string, task: AnyTask, results: ExecResult[], handler: boolean): Promise<boolean> {
    let cmp: Comparison<unknown>;
    try {
      cmp = task.compare(await this.actual(task, results), this.facts);
    } catch (e) {
      return this.fail(role, task, (e as Error).message, handler);
    }
    if (cmp.status === 'ok') {
      this.report(role, task, 'ok', { reason: cmp.reason, warnings: cmp.warnings, handler });
      return false;
    }
    if (cmp.status === 'skip') {
      this.report(role, task, 'skipped', { reason: cmp.reason, handler });
      return false;
    }
    if (cmp.status === 'fail') return this.fail(role, task, cmp.reason, handler);
    if (this.opts.check) {
      if (cmp.status === 'depends') {
        if (!this.wouldChange) return this.fail(role, task, `${cmp.reason}, and no earlier task would change anything that could provide it`, handler);
        this.report(role, task, 'changed', { reason: `${cmp.reason}, after an earlier change`, handler, dependsOnEarlierChange: true });
        return true;
      }
      this.wouldChange = true;
      this.report(role, task, 'changed', { reason: cmp.reason, diffs: cmp.diffs, warnings: cmp.warnings, handler });
      return true;
    }
    // Read again right before acting: the batch read may be seconds old.
    let fresh: Comparison<unknown>;
    try {
      fresh = task.compare(await this.actual(task), this.facts);
    } catch (e) {
      // A cloud API that fails this read fails the task; a host that cannot answer its probes stays the host's failure.
      if (!task.readControl) throw e;
      return this.fail(role, task, (e as Error).message, handler);
    }
    if (fresh.status === 'depends') return this.fail(role, task, `${fresh.reason}: nothing earlier in the run provided it`, handler);
    if (fresh.status !== 'change') {
      this.report(role, task, fresh.status === 'fail' ? 'failed' : fresh.status === 'skip' ? 'skipped' : 'ok', { reason: fresh.reason, handler });
      if (fresh.status === 'fail') throw new TaskFailed(fresh.reason);
      return false;
    }
    try {
      const outcome = await task.apply(this.conn, fresh.plan, this.facts, this.opts.env);
      const changed = outcome?.changed ?? true;
      const warnings = [...(fresh.warnings ?? []), ...(outcome?.warnings ?? [])];
      this.dirty ||= changed;
      this.report(role, task, changed ? 'changed' : 'ok', { reason: outcome?.reason ?? fresh.reason, diffs: changed ? fresh.diffs : undefined, warnings, handler });
      return changed;
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      return this.fail(role, task, (e as Error).message, handler);
    }
  }

  /** The task's actual state: from the results of its probes (read now when not given), or from the control side. */
  private async actual(task: AnyTask, results?: ExecResult[]): Promise<unknown> {
    if (task.readControl) return task.readControl(this.facts);
    return task.parse(results ?? (await runProbes(this.conn, task.probes(this.facts))), this.facts);
  }

  private fail(role: string, task: AnyTask, reason: string, handler: boolean): never {
    this.report(role, task, 'failed', { reason, handler });
    throw new TaskFailed(reason);
  }

  private report(
    role: string,
    task: AnyTask,
    status: TaskStatus,
    extra: { reason?: string; diffs?: FileDiff[]; warnings?: string[]; handler?: boolean; dependsOnEarlierChange?: boolean },
  ): void {
    this.stats[status === 'ok' ? 'ok' : status]++;
    this.opts.sink.emit({
      type: 'task',
      host: this.plan.host,
      role,
      task: task.name,
      module: task.module,
      status,
      check: this.opts.check,
      ...(extra.reason ? { reason: extra.reason } : {}),
      ...(extra.diffs?.length ? { diffs: extra.diffs } : {}),
      ...(extra.warnings?.length ? { warnings: extra.warnings } : {}),
      ...(extra.handler ? { handler: true } : {}),
      ...(extra.dependsOnEarlierChange ? { dependsOnEarlierChange: true } : {}),
    });
  }
}
