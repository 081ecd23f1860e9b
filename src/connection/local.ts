import { runProcess } from '../base/process.ts';
import type { Connection, ExecOptions, ExecResult } from './types.ts';

/**
 * Runs argv on this machine with child_process.spawn and no shell: the same argv a remote
 * host would get, so module scripts can be proven on a real sh without SSH.
 */
export class LocalConnection implements Connection {
  roundTrips = 0;
  constructor(
    readonly host = 'localhost',
    private readonly opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {}

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('empty command');
    this.roundTrips++;
    const r = await runProcess(argv, { ...this.opts, input: opts.stdin ?? '' });
    return { stdout: r.stdout, stderr: r.stderr, code: r.code, ...(r.signal ? { signal: r.signal } : {}) };
  }

  async close(): Promise<void> {}
}
