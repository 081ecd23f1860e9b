import { runProcess } from '../base/process.ts';
import type { Connection, ExecOptions, ExecResult } from './types.ts';
import { sessionBound } from './session-bound.ts';

/**
 * Runs argv on this machine with child_process.spawn and no shell: the same argv a remote
 * host would get, so module scripts can be proven on a real sh without SSH.
 */
export class LocalConnection implements Connection {
  roundTrips = 0;
  constructor(
    readonly host = 'localhost',
    private readonly opts: {
      cwd?: string;
      env?: NodeJS.ProcessEnv;
      /** Run each command bound to this process's life, as SSH runs it (session-bound.ts). */
      bound?: boolean;
    } = {},
  ) {}

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('empty command');
    this.roundTrips++;
    const { bound, ...run } = this.opts;
    const r = await runProcess(bound ? sessionBound(argv) : argv, { ...run, input: opts.stdin ?? '' });
    return { stdout: r.stdout, stderr: r.stderr, code: r.code, ...(r.signal ? { signal: r.signal } : {}) };
  }

  async close(): Promise<void> {}
}
