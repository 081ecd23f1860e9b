import { spawn } from 'node:child_process';
import { runProcess } from '../../src/base/process.ts';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const LAB_INVENTORY = join(ROOT, 'inventory/lab.yml');
/**
 * Leaves the lynis audits out of a lab run. An audit takes about 2.5 min a gateway on a 2-core
 * machine and is redone after any change to a path it watches, so every changing run of a test
 * would pay it twice; only the tests about the audit keep it (site.test from bare gateways,
 * crash-safety's audit kill point).
 */
export const SKIP_AUDIT = ['--skip-tags', 'lynis'];
export const LAB_VAULT_ARGS = ['--vault-password-file', join(ROOT, 'vault/lab-password.txt')];

/**
 * The environment every test's ts-play runs with: the engine from src/ (TSPLAY_ENGINE=source,
 * bin/engine.js), the code the tests import, whatever state dist/ is in.
 */
export const CLI_ENV = { NO_COLOR: '1', TSPLAY_ENGINE: 'source' };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs ts-play as a user would (bin/ts-play.js), from the project root, without a TTY. */
export async function tsplay(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const r = await runProcess([process.execPath, join(ROOT, 'bin/ts-play.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...CLI_ENV, ...opts.env },
    timeoutMs: opts.timeoutMs ?? 300_000,
  });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command inside a lab host (all its namespaces) and returns its output. */
export function labExec(host: string, argv: string[]): Promise<CliResult> {
  return tsplay(['lab', 'exec', host, '--', ...argv]);
}

/** The recap line of one host, parsed. */
export function recap(stdout: string, host: string): Record<string, number> | undefined {
  const m = new RegExp(`^${host} : (.*)$`, 'm').exec(stdout);
  if (!m) return undefined;
  return Object.fromEntries(m[1]!.split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k!, Number(v)]));
}

/** Runs ts-play like tsplay(), handing each stdout line to `onLine` as it comes (to act mid-run). */
export function tsplayLines(args: string[], onLine: (line: string) => void = () => {}, timeoutMs = 900_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/ts-play.js'), ...args], {
      cwd: ROOT, env: { ...process.env, ...CLI_ENV }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      partial += b.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const l of lines) onLine(l);
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
