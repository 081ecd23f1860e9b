/**
 * One timed run of each tool, as a user would start it: ts-play through bin/ts-play.js, Ansible
 * through ansible-playbook. Wall time is measured around the whole process.
 */
import { runProcess } from '../../src/base/process.ts';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FILE as LAB_KEY, KNOWN_HOSTS as LAB_KNOWN_HOSTS, PROJECT_ROOT as ROOT } from '../../src/lab/paths.ts';

export { LAB_KEY, LAB_KNOWN_HOSTS, ROOT };

export interface RunResult {
  seconds: number;
  code: number;
  stdout: string;
  stderr: string;
  /** Per host, from the recap: ok, changed, failed, (ts-play -v) roundtrips. */
  recap: Map<string, Record<string, number>>;
}

export async function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 1_800_000): Promise<RunResult> {
  const r = await runProcess([cmd, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, timeoutMs });
  return { seconds: r.durationMs / 1000, code: r.code, stdout: r.stdout, stderr: r.stderr, recap: parseRecap(r.stdout) };
}

/** `host : k=v k=v ...` lines, the recap format of both tools (Ansible pads with spaces). */
export function parseRecap(stdout: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const m of stdout.matchAll(/^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$/gm)) {
    const kv = Object.fromEntries(m[2]!.trim().split(/\s+/).map((p) => p.split('=')).map(([k, v]) => [k!, Number(v)]));
    out.set(m[1]!, kv);
  }
  return out;
}

/**
 * Builds the engine (bin/build.js, not timed). Every ts-play run of the bench then sets
 * TSPLAY_ENGINE=dist: a stale build refuses to start instead of falling back to src/, so the
 * bench always measures the start-up users get.
 */
export async function buildEngine(): Promise<void> {
  const r = await runProcess([process.execPath, join(ROOT, 'bin/build.js')], { cwd: ROOT });
  if (r.code !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
}

export const TSPLAY_ENV = { TSPLAY_ENGINE: 'dist' };

export function tsplay(playbook: string, inventory: string, extra: string[]): Promise<RunResult> {
  return timed(process.execPath, [join(ROOT, 'bin/ts-play.js'), playbook, '-i', inventory, '-v', ...extra], TSPLAY_ENV);
}

export type AnsibleMode = 'defaults' | 'pipelined';

/**
 * ansible-playbook with its defaults, or with pipelining and an explicit ControlPersist. Each run
 * gets a fresh ControlPath directory (and its masters are closed afterwards), so every run pays
 * for its own SSH handshakes as a ts-play run does.
 */
export async function ansible(mode: AnsibleMode, playbook: string, inventory: string, rendered: string, forks?: number, extraArgs: string[] = []): Promise<RunResult> {
  const cp = mkdtempSync(join(tmpdir(), 'tsp-bench-cp-'));
  const env: NodeJS.ProcessEnv = {
    ANSIBLE_SSH_CONTROL_PATH_DIR: cp,
    ANSIBLE_SSH_COMMON_ARGS: `-o UserKnownHostsFile=${LAB_KNOWN_HOSTS}`,
    ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
  };
  if (mode === 'pipelined') {
    env.ANSIBLE_PIPELINING = '1';
    env.ANSIBLE_SSH_ARGS = '-C -o ControlMaster=auto -o ControlPersist=60s';
  }
  const args = ['-i', inventory, playbook, '-e', `tsplay_rendered=${rendered}`, '-e', `ansible_ssh_private_key_file=${LAB_KEY}`];
  if (forks) args.push('--forks', String(forks));
  args.push(...extraArgs);
  try {
    return await timed('ansible-playbook', args, env);
  } finally {
    await closeMasters(cp);
    rmSync(cp, { recursive: true, force: true });
  }
}

async function closeMasters(dir: string): Promise<void> {
  const sockets = readdirSync(dir);
  await Promise.all(sockets.map((s) => timed('ssh', ['-o', `ControlPath=${join(dir, s)}`, '-O', 'exit', 'x'], {}, 10_000)));
}

/** Whether a run succeeded and, when asked, changed nothing on any host. */
export function problem(r: RunResult, want: { noChange?: boolean; hosts: number }): string | undefined {
  if (r.code !== 0) return `exit ${r.code}`;
  const hosts = [...r.recap.values()];
  if (hosts.length < want.hosts) return `recap has ${hosts.length} hosts, expected ${want.hosts}`;
  if (hosts.some((h) => (h.failed ?? 0) > 0 || (h.unreachable ?? 0) > 0)) return 'a host failed';
  if (want.noChange && hosts.some((h) => (h.changed ?? 0) > 0)) return 'not a no-change run';
  return undefined;
}
