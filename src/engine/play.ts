import type { RoleUse } from './role.ts';
import type { Connection } from '../connection/types.ts';

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
}

export interface Playbook {
  plays: Play[];
}

export function definePlaybook(plays: Play[]): Playbook {
  return { plays };
}
