import { spawn } from 'node:child_process';
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

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const [cmd, ...args] = argv;
    if (!cmd) return Promise.reject(new Error('empty command'));
    this.roundTrips++;
    return new Promise((resolve) => {
      const child = spawn(cmd, args, { cwd: this.opts.cwd, env: this.opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      // A command that exits without reading its stdin makes the write fail with EPIPE: not an error here.
      child.stdin.on('error', () => {});
      child.on('error', (e) => resolve({ stdout: '', stderr: `${cmd}: ${e.message}`, code: 127 }));
      child.on('close', (code, signal) =>
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          code: code ?? (signal ? 128 : 255),
        }),
      );
      child.stdin.end(opts.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}
