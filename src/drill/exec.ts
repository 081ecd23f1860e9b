import { runProcess } from '../base/process.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { running } from '../lab/container.ts';
import { labExec } from '../lab/lab.ts';
import type { RunResult } from '../lab/run.ts';
import { TsPlayError } from '../base/errors.ts';

/** Runs a command on a lab host; every command is bounded by `timeout` inside the host. */
export interface HostExec {
  (host: string, argv: string[], timeoutS?: number): Promise<RunResult>;
}

export const bounded = (argv: string[], timeoutS: number): string[] =>
  ['timeout', '-k', '2', String(Math.ceil(timeoutS)), ...argv];

/** The lab's own `exec` verb (nsenter into the container): no SSH key or firewall rule in the way. */
export const labHostExec: HostExec = async (host, argv, timeoutS = 20) => {
  try {
    return await labExec(host, bounded(argv, timeoutS), 'pipe');
  } catch (e) {
    return { code: 255, stdout: '', stderr: (e as Error).message };
  }
};

export class DrillError extends TsPlayError {}

/** Like labHostExec, but throws a DrillError naming host, command, exit code and stderr. */
export async function must(exec: HostExec, host: string, argv: string[], timeoutS = 20): Promise<string> {
  const r = await exec(host, argv, timeoutS);
  if (r.code !== 0) {
    const err = (r.stderr || r.stdout).trim().slice(-400);
    throw new DrillError(`${host}: ${argv.join(' ')} failed (exit ${r.code})${err ? `: ${err}` : ''}`);
  }
  return r.stdout;
}

/**
 * A long-running command inside a lab host whose stdout lines arrive as they
 * are printed (the stress agent reports its phases this way).
 */
export async function streamIn(host: string, argv: string[], timeoutS: number, onLine: (l: string) => void): Promise<RunResult> {
  const r = await running(host);
  if (!r?.leader) return { code: 255, stdout: '', stderr: `${host}: not running` };
  const p = await runProcess(['nsenter', '-t', String(r.leader), '-a', '--', ...bounded(argv, timeoutS)], {
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' },
    onLine,
  });
  return { code: p.code, stdout: p.stdout, stderr: p.stderr };
}

const AGENTS = join(import.meta.dirname, 'agents');
export const agentScript = (name: 'client' | 'server'): string => readFileSync(join(AGENTS, `${name}_agent.py`), 'utf8');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a value or `ms` passes (then undefined). */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, ms: number, everyMs = 100): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() >= end) return undefined;
    await sleep(everyMs);
  }
}

/** Last JSON object printed on stdout (agents print their result last). */
export function lastJson<T>(stdout: string): T | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      return JSON.parse(l) as T;
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}
