import type { Connection, ExecResult } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import type { AnyTask, ApplyEnv, Comparison, FileDiff, TaskRecord, TaskStatus } from '../task/task.ts';
import { runProbes } from '../connection/batch.ts';

/** One try of one task: what the engine reports, without having reported it yet. */
export interface Attempt {
  status: TaskStatus;
  reason?: string;
  diffs?: FileDiff[];
  warnings?: string[];
  dependsOnEarlierChange?: boolean;
  result?: unknown;
}

export function recordOf(a: Attempt): TaskRecord {
  return { status: a.status, changed: a.status === 'changed', ...(a.reason !== undefined ? { reason: a.reason } : {}), ...(a.result !== undefined ? { result: a.result } : {}) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs tasks on one host: read, compare, and in apply mode read again and apply. Holds what the
 * host run learns along the way: whether anything changed (later reads must not trust the
 * up-front batch), whether check mode saw a change a `depends` may wait for, and whether a task
 * made everything read so far stale (a reboot).
 */
export class TaskRun {
  dirty = false;
  wouldChange = false;
  /** Set by an apply that reports `stale`; the host run drops what it read for the role. */
  stale = false;

  constructor(
    public conn: Connection,
    private readonly facts: Facts,
    private readonly check: boolean,
    private readonly env: ApplyEnv,
    /** Awaited before the first change (a batch's rollout gate, read while the host was): throws to stop. */
    private readonly beforeChange?: () => Promise<void>,
  ) {}

  /**
   * Tries the task up to 1 + retries times, `delay` seconds apart, until it neither fails nor
   * has its `until` say no. Only the last try is returned (and so reported); `onRetry` hears
   * of the others.
   */
  async run(task: AnyTask, results: ExecResult[] | undefined, onRetry: (message: string) => void): Promise<Attempt> {
    const tries = 1 + Math.max(0, Math.floor(task.retries ?? 0));
    const delay = task.delay ?? 5;
    for (let n = 1; ; n++) {
      const a = await this.attempt(task, n === 1 ? results : undefined);
      const done = a.status !== 'failed' && (!task.until || task.until(recordOf(a) as never));
      if (done) return a;
      if (n < tries) {
        const why = a.status === 'failed' ? `failed: ${a.reason ?? ''}` : `not done yet (until): ${a.status}${a.reason ? `, ${a.reason}` : ''}`;
        onRetry(`attempt ${n} of ${tries} ${why}; trying again in ${delay}s`);
        await sleep(delay * 1000);
        continue;
      }
      if (a.status === 'failed') return tries > 1 ? { ...a, reason: `${a.reason ?? 'failed'} (after ${tries} attempts)` } : a;
      return { ...a, status: 'failed', reason: `until not met after ${tries} attempt${tries === 1 ? '' : 's'} (last: ${a.status}${a.reason ? `, ${a.reason}` : ''})` };
    }
  }

  /** One try. Reading the host may throw (unreachable, broken probe output): that is the host's failure. */
  async attempt(task: AnyTask, results?: ExecResult[]): Promise<Attempt> {
    const first = await this.compare(task, results);
    if ('failed' in first) return first.failed;
    const { cmp, actual } = first;
    if (cmp.status === 'ok') return { status: 'ok', reason: cmp.reason, warnings: cmp.warnings, result: this.resultOf(task, actual) };
    if (cmp.status === 'skip') return { status: 'skipped', reason: cmp.reason };
    if (cmp.status === 'fail') return { status: 'failed', reason: cmp.reason };
    if (this.check) {
      if (cmp.status === 'depends') {
        if (!this.wouldChange) return { status: 'failed', reason: `${cmp.reason}, and no earlier task would change anything that could provide it` };
        return { status: 'changed', reason: `${cmp.reason}, after an earlier change`, dependsOnEarlierChange: true };
      }
      this.wouldChange = true;
      return { status: 'changed', reason: cmp.reason, diffs: cmp.diffs, warnings: cmp.warnings, result: this.resultOf(task, actual) };
    }
    await this.beforeChange?.();
    // Read again right before acting: the batch read may be seconds old (and the gate took time).
    const again = await this.compare(task);
    if ('failed' in again) return again.failed;
    const fresh = again.cmp;
    if (fresh.status === 'depends') return { status: 'failed', reason: `${fresh.reason}: nothing earlier in the run provided it` };
    if (fresh.status !== 'change') {
      const status = fresh.status === 'fail' ? 'failed' : fresh.status === 'skip' ? 'skipped' : 'ok';
      return { status, reason: fresh.reason, ...(status === 'ok' ? { result: this.resultOf(task, again.actual) } : {}) };
    }
    try {
      const outcome = await task.apply(this.conn, fresh.plan, this.facts, this.env);
      const changed = outcome?.changed ?? true;
      this.dirty ||= changed || Boolean(outcome?.stale);
      if (outcome?.stale) this.stale = true;
      const warnings = [...(fresh.warnings ?? []), ...(outcome?.warnings ?? [])];
      const result = outcome?.result !== undefined ? outcome.result : this.resultOf(task, again.actual);
      return { status: changed ? 'changed' : 'ok', reason: outcome?.reason ?? fresh.reason, ...(changed && fresh.diffs ? { diffs: fresh.diffs } : {}), warnings, result };
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      return { status: 'failed', reason: (e as Error).message };
    }
  }

  /**
   * The task's actual state and comparison. The host's probes are read here when not given;
   * a failure to read them is thrown (the host's failure). A parser, comparison or control-side
   * read that throws fails the task.
   */
  private async compare(task: AnyTask, results?: ExecResult[]): Promise<{ cmp: Comparison<unknown>; actual: unknown } | { failed: Attempt }> {
    const raw = task.readControl ? undefined : (results ?? (await runProbes(this.conn, task.probes(this.facts))));
    try {
      const actual = task.readControl ? await task.readControl(this.facts) : task.parse(raw!, this.facts);
      return { cmp: task.compare(actual, this.facts), actual };
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      return { failed: { status: 'failed', reason: (e as Error).message } };
    }
  }

  private resultOf(task: AnyTask, actual: unknown): unknown {
    return task.result?.(actual);
  }
}
