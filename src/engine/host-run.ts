import type { Connection, ExecResult } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import type { EventSink, HostStats, TaskStatus } from './events.ts';
import type { AnyTask, ApplyEnv, FileDiff } from '../task/task.ts';
import type { HostPlan, PlannedRole } from './plan.ts';
import { runProbes, type Probe } from '../connection/batch.ts';
import { TsPlayError, EXIT_FAILED } from '../base/errors.ts';
import { ResultStore } from './results.ts';
import { isBlock, isFlush, isTask, type Block, type Step } from './steps.ts';
import { recordOf, TaskRun, type Attempt } from './task-run.ts';

export interface HostRunOptions {
  check: boolean;
  sink: EventSink;
  env: ApplyEnv;
  /** Where this host's task results go; the runner keeps it for the play's gates. */
  results?: ResultStore;
  /** Aborted on an interrupt: no further task or handler starts on this host. */
  signal?: AbortSignal;
}

export type HostOutcome = 'ok' | 'failed' | 'unreachable' | 'interrupted' | 'gate-closed';

/** The batch's gate failed before this host changed anything: the runner reports the gate. */
export class GateClosed extends Error {}

/** An interrupt reached this host between two tasks: not a failure of the host. */
class Interrupted extends Error {}

/** Where a host's run failed: for a stop message that says where to look and how to go on. */
export interface HostFailure {
  role?: string;
  task?: string;
  reason: string;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, roundTrips: 0 };
}

class TaskFailed extends TsPlayError {
  constructor(reason: string) {
    super(reason, { exitCode: EXIT_FAILED });
  }
}

/** The probes a host's first read sends (HostRun.readAhead), as they would be under these facts. */
export function upFrontProbes(plan: HostPlan, facts: Facts, results: ResultStore): Probe[] {
  const tasks = plan.roles.flatMap((r) => runnable(r.steps ?? r.tasks, (s) => applies(s, facts, results)));
  return tasks.flatMap((t) => t.probes(facts));
}

/** A first read done ahead (with the run lock): the probes it sent and what they answered. */
export interface PrefetchedRead {
  probes: Probe[];
  results: ExecResult[];
}

function sameProbes(a: readonly Probe[], b: readonly Probe[]): boolean {
  return a.length === b.length && a.every((p, i) => p.argv.length === b[i]!.argv.length && p.argv.every((x, j) => x === b[i]!.argv[j]));
}

function applies(step: Pick<AnyTask, 'when'>, facts: Facts, results: ResultStore): true | string {
  const w = step.when?.(facts, results);
  if (w === undefined || w === true) return true;
  return typeof w === 'string' ? w : 'condition not met';
}

/** Tasks among steps that would run as things stand (a block whose `when` says no: none of its tasks). */
function runnable(steps: Step[], ok: (s: Step) => true | string): AnyTask[] {
  return steps.flatMap((s) => (isBlock(s) ? (ok(s) === true ? [...runnable(s.steps, ok), ...runnable(s.always, ok)] : []) : isTask(s) && ok(s) === true ? [s] : []));
}

/**
 * Applies one host's roles in order. State is read in as few round trips as possible: one
 * batch for every role up front; once anything has changed on the host that snapshot is
 * stale, so each later role reads its own state again in one batch. A task that differs is
 * read once more right before it is applied, so apply never acts on a stale plan. A task the
 * batch did not read (a rescue, a `when` that earlier results decide, anything after a reboot)
 * reads its own state when its turn comes.
 */
export class HostRun {
  private snapshot: Map<AnyTask, ExecResult[]> | null = null;
  private state = new Map<AnyTask, ExecResult[]>();
  private readonly tasks: TaskRun;
  readonly results: ResultStore;
  failure?: HostFailure;

  constructor(
    private readonly plan: HostPlan,
    conn: Connection,
    private readonly facts: Facts,
    private readonly stats: HostStats,
    private readonly opts: HostRunOptions,
  ) {
    this.results = opts.results ?? new ResultStore();
    // A task that reconnects (a reboot) hands the engine the new connection for everything after it.
    const env: ApplyEnv = {
      probeFreshLogin: () => opts.env.probeFreshLogin(),
      reconnect: async () => {
        if (!opts.env.reconnect) throw new Error('this run cannot reconnect to the host');
        return (this.tasks.conn = await opts.env.reconnect());
      },
    };
    this.tasks = new TaskRun(conn, facts, opts.check, env, async () => this.beforeChange?.());
  }

  private ahead?: Promise<Map<AnyTask, ExecResult[]>>;
  /**
   * The batch's gate, which runs while the host is read: awaited before the host's first task
   * (and again before each change, at no cost once passed). It throws GateClosed when the gate
   * failed; the host then stops with nothing run.
   */
  private beforeChange?: () => Promise<void>;

  /**
   * Starts the up-front read now, before the host's turn, for run() to use: read-only, so it can
   * run beside other batches and gates. The caller decides whether it is still true when the
   * turn comes (nothing changed anywhere in between) and else builds a new HostRun.
   */
  readAhead(prefetched?: PrefetchedRead): void {
    const tasks = this.plan.roles.flatMap((r) => this.upFront(r));
    // A read that came back with the run lock (first-read.ts) stands for this one when it asked
    // exactly these probes: the same commands, run after the lock was taken, before anything changed.
    if (prefetched && !this.ahead) {
      const probes = tasks.map((t) => t.probes(this.facts));
      if (sameProbes(prefetched.probes, probes.flat())) this.ahead = Promise.resolve(this.split(tasks, probes, prefetched.results));
    }
    this.ahead ??= this.read(tasks);
    // Awaited (and its failure handled) in run(), or dropped with this HostRun.
    this.ahead.catch(() => undefined);
  }

  async run(beforeChange?: () => Promise<void>): Promise<HostOutcome> {
    this.beforeChange = beforeChange;
    try {
      this.snapshot = await (this.ahead ?? this.read(this.plan.roles.flatMap((r) => this.upFront(r))));
      // The host's tasks start once its batch's gate passed, even those with nothing to change:
      // a closed gate leaves the host untouched and unreported, as if its turn never came.
      await beforeChange?.();
      for (const role of this.plan.roles) {
        this.stopIfInterrupted();
        await this.runRole(role);
      }
      return 'ok';
    } catch (e) {
      if (e instanceof Interrupted) return 'interrupted';
      if (e instanceof GateClosed) return 'gate-closed';
      if (e instanceof UnreachableError) {
        this.stats.unreachable++;
        this.failure ??= { reason: `unreachable: ${e.reason}` };
        this.opts.sink.emit({ type: 'unreachable', host: this.plan.host, reason: e.reason });
        return 'unreachable';
      }
      if (!(e instanceof TaskFailed)) {
        this.stats.failed++;
        this.failure ??= { reason: (e as Error).message };
        this.opts.sink.emit({ type: 'host-failed', host: this.plan.host, reason: (e as Error).message });
      }
      return 'failed';
    }
  }

  /** The tasks a role's batch read covers: those that run unless something fails. */
  private upFront(role: PlannedRole): AnyTask[] {
    return runnable(role.steps ?? role.tasks, (s) => this.applies(s));
  }

  private stopIfInterrupted(): void {
    if (this.opts.signal?.aborted) throw new Interrupted();
  }

  private applies(step: Pick<AnyTask, 'when'>): true | string {
    return applies(step, this.facts, this.results);
  }

  private async read(tasks: AnyTask[]): Promise<Map<AnyTask, ExecResult[]>> {
    const probes = tasks.map((t) => t.probes(this.facts));
    return this.split(tasks, probes, await runProbes(this.tasks.conn, probes.flat()));
  }

  private split(tasks: AnyTask[], probes: Probe[][], flat: ExecResult[]): Map<AnyTask, ExecResult[]> {
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
    this.state = this.tasks.dirty ? await this.read(this.upFront(role)) : this.snapshot!;
    const notified = new Set<string>();
    await this.runSteps(role, role.steps ?? role.tasks, notified);
    await this.flush(role, notified);
    // After an interrupt the role's notified handlers still ran (above): they complete what its
    // changes started (a reload that makes a written config live). Then nothing more starts.
    this.stopIfInterrupted();
  }

  /** Stops starting steps once interrupted: the running one finishes, handlers follow in runRole. */
  private async runSteps(role: PlannedRole, steps: Step[], notified: Set<string>): Promise<void> {
    for (const step of steps) {
      if (this.opts.signal?.aborted) return;
      const skip = this.applies(step);
      if (skip !== true) {
        this.report(role.name, { name: step.name, module: isBlock(step) ? 'block' : isFlush(step) ? 'flush_handlers' : step.module }, { status: 'skipped', reason: skip });
        continue;
      }
      if (isFlush(step)) await this.flush(role, notified);
      else if (isBlock(step)) await this.runBlock(role, step, notified);
      else if (await this.runTask(role.name, step, this.state.get(step), false)) step.notify?.forEach((h) => notified.add(h));
    }
  }

  private async runBlock(role: PlannedRole, b: Block, notified: Set<string>): Promise<void> {
    // A block whose `when` earlier results decided was left out of the role's batch: one read for it now.
    const unread = runnable(b.steps, (s) => this.applies(s)).filter((t) => !this.state.has(t));
    if (unread.length) for (const [t, r] of await this.read(unread)) this.state.set(t, r);
    try {
      await this.runSteps(role, b.steps, notified);
    } catch (e) {
      // An unreachable host gets no rescue (as in Ansible): there is nothing to run it on.
      if (!(e instanceof TaskFailed)) throw e;
      if (b.rescue.length) {
        this.opts.sink.emit({ type: 'info', host: this.plan.host, message: `${role.name}: block "${b.name}" failed (${e.message}): running its rescue` });
        try {
          await this.runSteps(role, b.rescue, notified);
        } catch (r) {
          // The rescue's own failure is reported as it happened; the block's failure is the one that stands.
          if (!(r instanceof TaskFailed)) throw r;
        }
      }
      await this.runSteps(role, b.always, notified);
      throw e;
    }
    await this.runSteps(role, b.always, notified);
  }

  /** Handlers run in the order the role declares them, once each per flush, only when notified. */
  private async flush(role: PlannedRole, notified: Set<string>): Promise<void> {
    for (const [name, tasks] of role.handlers) {
      if (!notified.has(name)) continue;
      notified.delete(name);
      // Handlers run even after an interrupt: they complete what this role's changes started
      // (a reload that makes a written config live); skipped, the next run would not know to.
      const fresh = await this.read(tasks);
      for (const task of tasks) await this.runTask(role.name, task, fresh.get(task)!, true);
    }
  }

  /** Returns whether the task changed (or, in check mode, would change) the host. */
  private async runTask(role: string, task: AnyTask, results: ExecResult[] | undefined, handler: boolean): Promise<boolean> {
    const a = await this.tasks.run(task, results, (message) =>
      this.opts.sink.emit({ type: 'info', host: this.plan.host, message: `${role} | ${task.name}: ${message}` }),
    );
    if (this.tasks.stale) {
      // Everything read before (the role's batch included) describes a host that is gone.
      this.tasks.stale = false;
      this.state = new Map();
    }
    this.results.set(task, recordOf(a));
    this.report(role, task, { ...a, handler });
    if (a.status === 'failed') throw new TaskFailed(a.reason ?? 'failed');
    return a.status === 'changed';
  }

  private report(role: string, task: { name: string; module: string }, a: Attempt & { handler?: boolean }): void {
    const status: TaskStatus = a.status;
    this.stats[status === 'ok' ? 'ok' : status]++;
    if (status === 'failed') this.failure ??= { role, task: task.name, reason: a.reason ?? 'failed' };
    const diffs: FileDiff[] | undefined = a.diffs;
    this.opts.sink.emit({
      type: 'task',
      host: this.plan.host,
      role,
      task: task.name,
      module: task.module,
      status,
      check: this.opts.check,
      ...(a.reason ? { reason: a.reason } : {}),
      ...(diffs?.length ? { diffs } : {}),
      ...(a.warnings?.length ? { warnings: a.warnings } : {}),
      ...(a.handler ? { handler: true } : {}),
      ...(a.dependsOnEarlierChange ? { dependsOnEarlierChange: true } : {}),
    });
  }
}
