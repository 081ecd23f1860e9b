// The lab's gateway pair as the rollout tests drive it: site.ts through the CLI, and who holds
// the VIPs. The suite owns the lab while it runs (test/run.ts holds it), so nothing here retries:
// a run that fails is a failure to explain, not to hide.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LAB_INVENTORY, labExec, ROOT, type CliResult } from './cli.ts';

export const VIPS = ['198.18.1.1/24', '198.19.0.1/24'];

/** site.ts on the gateways through the CLI, with each output line handed to `onLine` as it comes. */
export function site(args: string[], onLine: (line: string) => void = () => {}, inventory = LAB_INVENTORY): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/ts-play.js'), 'playbooks/site.ts', '-i', inventory, '--limit', 'gateways', ...args], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
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
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** The gateways that hold every VIP right now. */
export async function holders(vips = VIPS): Promise<string[]> {
  const out: string[] = [];
  for (const gw of ['gw1', 'gw2']) {
    const r = await labExec(gw, ['ip', '-o', '-4', 'addr', 'show']);
    if (vips.every((v) => r.stdout.includes(` ${v} `))) out.push(gw);
  }
  return out;
}

export const tail = (r: CliResult): string => r.stdout.slice(-3000) + r.stderr.slice(-1000);
