import type { Connection, ExecResult } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import type { Probe } from '../connection/batch.ts';

export type { Probe };

/** Before/after text of one file, for --diff. Secrets are scrubbed by the output layer, not here. */
export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

/** The answer of compare(): the only place a module decides whether the host differs from what is wanted. */
export type Comparison<P> =
  | { status: 'ok'; reason?: string; warnings?: string[] }
  | { status: 'change'; reason: string; plan: P; diffs?: FileDiff[]; warnings?: string[] }
  | { status: 'skip'; reason: string }
  | { status: 'fail'; reason: string }
  /**
   * What the task acts on is not there yet and an earlier task of the run is expected to
   * provide it (a service whose package an earlier task installs). The engine, not the module,
   * decides: in check mode it is reported as a change that depends on an earlier one; in apply
   * mode the task is read again when its turn comes, and fails if it is still missing then.
   */
  | { status: 'depends'; reason: string };

/**
 * What apply() found out while acting. `changed: false` is for a change the host refused
 * without it being an error (a sysctl the kernel keeps read-only in this namespace).
 */
export interface ApplyOutcome<R = unknown> {
  changed: boolean;
  warnings?: string[];
  /** What apply found, when it says more than compare's reason (an audit's result). */
  reason?: string;
  /** What later tasks and gates may read of this run of the task (see Results). */
  result?: R;
  /**
   * The host is no longer what was read before this task (a reboot, new package lists): the
   * engine reads every later task of the role again at its turn instead of trusting the batch.
   */
  stale?: boolean;
}

export type TaskStatus = 'ok' | 'changed' | 'skipped' | 'failed';

/** What one task did on one host, as later tasks and gates see it (Ansible's `register`). */
export interface TaskRecord<R = unknown> {
  status: TaskStatus;
  /** Changed the host, or in check mode would have. */
  changed: boolean;
  reason?: string;
  /** The task's typed result: from apply, or in check mode and when ok from what it read. */
  result?: R;
}

/**
 * The results of the tasks a host has run so far in this run. A task is its own handle:
 * `results.of(upgrade)?.result` is typed by the task, so no string template is involved.
 */
export interface Results {
  of<R>(task: Task<any, any, R>): TaskRecord<R> | undefined;
}

/** A `when` that reads earlier results must not fail before they exist: this one has none. */
export const noResults: Results = { of: () => undefined };

/** What the engine lends a task while it applies. */
export interface ApplyEnv {
  /**
   * Opens a brand-new connection to the same host (a new TCP connection and SSH handshake) and
   * closes it again: proof that a new firewall ruleset or sshd configuration still lets the
   * control side in. Guarded activations confirm with it, or let the host revert by itself.
   */
  probeFreshLogin(): Promise<void>;
  /**
   * Drops the host's connection and opens a new one (one attempt; throws UnreachableError when
   * the host does not answer yet). The engine uses the new connection for the rest of the run:
   * later tasks, handlers and gates. For a task that takes the host down and back (a reboot).
   */
  reconnect?(): Promise<Connection>;
}

/**
 * The one contract every module implements. The engine runs probes -> parse -> compare,
 * and in apply mode, for a task that differs, reads the state again right before calling
 * apply with the fresh plan. Check mode is the engine stopping after compare: modules never
 * look at it.
 */
export interface Task<S = unknown, P = unknown, R = unknown> extends RendersFile {
  /** Module name (file, package, service, ...), shown in --list-tasks and --json. */
  readonly module: string;
  readonly name: string;
  tags?: string[];
  /** Handler names queued when this task changes something. */
  notify?: string[];
  /**
   * false or a string (the reason) skips the task on this host. Asked when the task's turn
   * comes, with the results of the tasks before it (and once up front, with none yet). The
   * engine always passes results; they are optional here only so that a caller outside a run
   * (a test, the bench's Ansible twin) can ask with facts alone.
   */
  when?(facts: Facts, results?: Results): boolean | string;
  /** Attempts after the first when the task fails or `until` says no (Ansible's retries). */
  retries?: number;
  /** Seconds between attempts (default 5). */
  delay?: number;
  /** The task is done when this says so of its record; otherwise it is tried again. */
  until?: (record: TaskRecord<R>) => boolean;
  probes(facts: Facts): Probe[];
  /** results[i] answers probes(facts)[i]. */
  parse(results: ExecResult[], facts: Facts): S;
  compare(actual: S, facts: Facts): Comparison<P>;
  apply(conn: Connection, plan: P, facts: Facts, env?: ApplyEnv): Promise<ApplyOutcome<R> | void>;
  /** The result when apply did not run (ok, or check mode): what the task read. */
  result?(actual: S): R;
  /**
   * Only on tasks that act from the control machine (a cloud provider's API) rather than on the
   * host: the engine reads their state here, where it would run their probes over the host's
   * connection (they have none), and their apply() leaves that connection alone. Everything
   * else is the contract above: compare, check mode stopping after it, the fresh read before
   * apply, diffs, events. `controlTask()` builds one.
   */
  readControl?(facts: Facts): Promise<S>;
}

export type AnyTask = Task<any, any, any>;

/** A file a task would install, exposed so `ts-play render` can write it out for review without a host. */
export interface RenderedFile {
  path: string;
  content: string;
  owner: string;
  group: string;
  mode: string;
}

/** Tasks that install files (file, template, sysctl) carry what they would write. */
export interface RendersFile {
  renders?: RenderedFile;
}
