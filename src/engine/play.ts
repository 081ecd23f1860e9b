import type { RoleUse } from './role.ts';
import type { Connection } from '../connection/types.ts';
import type { Results } from '../task/task.ts';

/** What a batch hook sees: the hosts of this batch and of the whole play, with live connections. */
export interface BatchContext {
  play: Play;
  batch: string[];
  allHosts: string[];
  /** Index of the batch in the play (0-based) and the number of batches. */
  index: number;
  total: number;
  check: boolean;
  /** After the batch ran (afterBatch only): the hosts of the batch that changed something. */
  changed?: string[];
  connect(host: string): Promise<Connection>;
  vars(host: string): Record<string, unknown>;
  log(message: string): void;
  /** What a host's tasks have done so far in this run (`results(h).of(task)`), for gates that decide on it. */
  results?(host: string): Results;
}

/** What a play's `onStop` learns when the play stops early. */
export interface StopContext extends Omit<BatchContext, 'batch' | 'index' | 'total'> {
  /** The runner's reason (a gate, too many failures). */
  reason: string;
  /** Hosts of the batches that went through, gates included, in order. */
  done: string[];
  /** Hosts that failed or were unreachable, with where and why. */
  failed: Array<{ host: string; role?: string; task?: string; reason: string }>;
  /** Hosts of the stopped batch whose tasks ran to the end, when a gate after them or a failed batch-mate stopped the play. */
  touched: string[];
  /** Hosts of the play not reached: neither done, failed nor touched. */
  remaining: string[];
  /** The command line that ran, when the caller gave it (to print the command that resumes). */
  commandLine?: string;
}

/** A gate: throw GateError (or any Error) to stop the rollout before the next batch. */
export type BatchHook = (ctx: BatchContext) => Promise<void>;

export interface Play {
  name: string;
  /** Host pattern: hosts, groups, globs, `!exclusions`, joined with `:` or `,`. */
  hosts: string;
  roles: RoleUse[];
  /** Hosts per batch: a number, a percentage ("50%"), or a list whose last entry repeats. */
  serial?: number | string | Array<number | string>;
  /** Percentage of a batch's hosts that may fail before the play stops. Default 0: any failure stops it. */
  maxFailPercentage?: number;
  vars?: Record<string, unknown>;
  tags?: string[];
  /** Reorders the play's hosts before batching (e.g. the VIP holder last). */
  order?(hosts: string[], ctx: Omit<BatchContext, 'batch' | 'index' | 'total'>): Promise<string[]>;
  beforeBatch?: BatchHook;
  afterBatch?: BatchHook;
  /**
   * Called once when the play stops early; what it returns is added to the stop reason: where
   * the pair stands now and the command that resumes. It may read hosts; it must not change them.
   */
  onStop?(ctx: StopContext): Promise<string | undefined>;
}

export interface Playbook {
  plays: Play[];
}

export function definePlaybook(plays: Play[]): Playbook {
  return { plays };
}
