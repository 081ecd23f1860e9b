import { TsPlayError, EXIT_UNREACHABLE } from '../base/errors.ts';

/** What a command left behind on the host. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; 255 is reserved by ssh for transport errors. */
  code: number;
  /** The signal that ended the command, when one did (then `code` is 128 + its number, as a shell says). */
  signal?: string;
}

export interface ExecOptions {
  /** Fed to the command's standard input (file contents travel this way, never on the command line). */
  stdin?: string | Buffer;
}

/**
 * One host, one long-lived session. Every call of `exec` is one round trip;
 * the engine counts them so that `-v` can show what a run cost.
 */
export interface Connection {
  readonly host: string;
  /** argv is quoted only here, when it is sent; callers never build shell strings. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  readonly roundTrips: number;
  close(): Promise<void>;
}

/** Raised when a host cannot be reached at all (as opposed to a command failing on it). */
export class UnreachableError extends TsPlayError {
  constructor(
    readonly host: string,
    /** The cause alone, for renderers that already show the host. */
    readonly reason: string,
  ) {
    super(`${host}: unreachable: ${reason}`, { exitCode: EXIT_UNREACHABLE });
  }
}
