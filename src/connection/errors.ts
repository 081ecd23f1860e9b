import type { ExecResult } from './types.ts';
import { quoteArgv } from './quote.ts';
import { TsPlayError } from '../base/errors.ts';
import { clip, redact } from '../base/redact.ts';

const STDERR_LIMIT = 2000;

/**
 * Keeps the end of stderr, where the cause usually is, and bounds what reaches the terminal.
 * Redacted before the cut: a secret split by the cut would no longer match at the sink.
 */
export function trimStderr(stderr: string): string {
  return clip(stderr.trim(), STDERR_LIMIT, 'end');
}

/**
 * A command that exited non-zero, as execa models it: the command, its exit status (or the
 * signal that ended it), stderr and how long it ran. `exitCode` (inherited) is what the CLI
 * would return; `code` is the command's own status.
 */
export class CommandError extends TsPlayError {
  readonly command: string;
  readonly code: number;
  readonly signal: string | undefined;
  readonly stderr: string;
  constructor(readonly host: string, readonly argv: readonly string[], readonly result: ExecResult, readonly durationMs?: number) {
    const command = quoteArgv(argv.map(redact));
    const err = trimStderr(result.stderr) || trimStderr(result.stdout);
    const how = result.signal ? `was killed by ${result.signal}` : `exited ${result.code}`;
    super(`${host}: \`${command}\` ${how}${err ? `: ${err}` : ''}`);
    this.command = command;
    this.code = result.code;
    this.signal = result.signal;
    this.stderr = result.stderr;
  }
}

/** Runs argv and throws CommandError unless it exits 0. */
export async function check(
  conn: { host: string; exec(argv: readonly string[], opts?: { stdin?: string | Buffer }): Promise<ExecResult> },
  argv: readonly string[],
  opts?: { stdin?: string | Buffer },
): Promise<ExecResult> {
  const t0 = performance.now();
  const r = await conn.exec(argv, opts);
  if (r.code !== 0) throw new CommandError(conn.host, argv, r, Math.round(performance.now() - t0));
  return r;
}
