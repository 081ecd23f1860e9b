import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENV, ROOT } from './cli.ts';

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (128 + n for a signal) once the process is gone. */
  done: Promise<number>;
  /** Resolves once stdout or stderr has shown `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** ts-play started as a user starts it (bin/ts-play.js, no TTY), left running for signals. */
export function startTsplay(args: string[], env: NodeJS.ProcessEnv = {}, opts: { ownGroup?: boolean } = {}): Running {
  // ownGroup: a process group of its own, so a test can signal the group as a terminal does.
  const child = spawn(process.execPath, [join(ROOT, 'bin/ts-play.js'), ...args], { cwd: ROOT, env: { ...process.env, ...CLI_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.ownGroup ?? false });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  const done = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15))));
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000) => {
    const until = Date.now() + timeoutMs;
    while (!pattern.test(out + err)) {
      if (Date.now() > until) throw new Error(`no ${pattern} within ${timeoutMs} ms; stdout: ${out}\nstderr: ${err}`);
      if (child.exitCode !== null) throw new Error(`ts-play exited ${child.exitCode} before ${pattern}; stdout: ${out}\nstderr: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, stdout: () => out, stderr: () => err, done, waitFor };
}

/** An inventory of hosts that are this machine (ansible_connection: local), each with a folder. */
export function localInventory(names: string[], vars: Record<string, unknown> = {}): { dir: string; inventory: string; hostDir(h: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-cli-local-'));
  const lines = ['all:', '  hosts:'];
  for (const n of names) {
    const d = join(dir, n);
    mkdirSync(d);
    lines.push(`    ${n}:`, '      ansible_connection: local', `      step_dir: ${d}`, `      tsplay_lock_file: ${join(d, 'run.lock')}`);
    for (const [k, v] of Object.entries(vars)) lines.push(`      ${k}: ${JSON.stringify(v)}`);
  }
  const inventory = join(dir, 'hosts.yml');
  writeFileSync(inventory, `${lines.join('\n')}\n`);
  return { dir, inventory, hostDir: (h) => join(dir, h) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Running: a zombie left to a pid 1 that does not reap counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
