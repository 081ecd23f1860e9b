import { PassThrough, Readable } from 'node:stream';
import { vaultCommand } from '../../src/cli/vault.ts';

/** Runs `ts-play vault ...` in-process with captured output and no terminal. */
export async function runVault(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]);
  const code = await vaultCommand(argv, { stdin, stdout, stderr, env: opts.env ?? {} });
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() };
}
