import type { ExecResult } from './types.ts';
import { quoteArgv } from './quote.ts';

const STDERR_LIMIT = 2000;

/** Keeps the end of stderr, where the cause usually is, and bounds what reaches the terminal. */
export function trimStderr(stderr: string): string {
  const s = stderr.trim();
  return s.length <= STDERR_LIMIT ? s : `…${s.slice(-STDERR_LIMIT)}`;
}

/** A command that exited non-zero: carries the command, its exit code and trimmed stderr. */
export class CommandError extends Error {
  readonly command: string;
  constructor(readonly host: string, readonly argv: readonly string[], readonly result: ExecResult) {
    const command = quoteArgv(argv);
    const err = trimStderr(result.stderr) || trimStderr(result.stdout);
    super(`${host}: \`${command}\` exited ${result.code}${err ? `: ${err}` : ''}`);
    this.name = 'CommandError';
    this.command = command;
  }
}

/** Runs argv and throws CommandError unless it exits 0. */
export async function check(
  conn: { host: string; exec(argv: readonly string[], opts?: { stdin?: string | Buffer }): Promise<ExecResult> },
  argv: readonly string[],
  opts?: { stdin?: string | Buffer },
): Promise<ExecResult> {
  const r = await conn.exec(argv, opts);
  if (r.code !== 0) throw new CommandError(conn.host, argv, r);
  return r;
}
