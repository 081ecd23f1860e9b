// site.ts on the lab through the CLI, left running so a test can watch its lines and kill it
// (integration tests only: these drive the shared lab).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CLI_ENV, LAB_INVENTORY, labExec, ROOT, type CliResult } from './cli.ts';

export interface SiteRun {
  child: ChildProcess;
  /** Resolves when the process is gone; a SIGKILL ends with code 137. */
  done: Promise<CliResult>;
}

export function startSite(args: string[], onLine: (line: string, run: SiteRun) => void = () => {}, env: NodeJS.ProcessEnv = {}): SiteRun {
  const child = spawn(process.execPath, [join(ROOT, 'bin/ts-play.js'), 'playbooks/site.ts', '-i', LAB_INVENTORY, '--limit', 'gateways', ...args], {
    cwd: ROOT, env: { ...process.env, ...CLI_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  const run = { child } as SiteRun;
  child.stdout!.on('data', (b: Buffer) => {
    stdout += b.toString();
    partial += b.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine(l, run);
  });
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
  run.done = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr });
    });
  });
  return run;
}

export const GATEWAYS = ['gw1', 'gw2'] as const;
const VIPS = ['198.18.1.1/24', '198.19.0.1/24'];

export async function holders(): Promise<string[]> {
  const out: string[] = [];
  for (const gw of GATEWAYS) {
    const r = await labExec(gw, ['ip', '-o', '-4', 'addr', 'show']);
    if (VIPS.every((v) => r.stdout.includes(` ${v} `))) out.push(gw);
  }
  return out;
}

/** Processes ts-play started on a gateway that still run (session-bound wrappers, their commands, lynis). */
export async function leftovers(gw: string): Promise<string[]> {
  // The brackets keep the pattern from matching this command's own line.
  const r = await labExec(gw, ['sh', '-c', 'ps -eo pid=,args= | grep -E "[t]sp-run|[l]ynis audit"; exit 0']);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

export const tail = (r: CliResult): string => r.stdout.slice(-3000) + r.stderr.slice(-1500);
