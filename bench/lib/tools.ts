/**
 * One timed run of each tool, as a user would start it: ts-play through bin/ts-play.js, Ansible
 * through ansible-playbook. Wall time is measured around the whole process.
 */
import { runProcess } from '../../src/base/process.ts';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KEY_FILE as LAB_KEY, KNOWN_HOSTS as LAB_KNOWN_HOSTS, PROJECT_ROOT as ROOT } from '../../src/lab/paths.ts';

export { LAB_KEY, LAB_KNOWN_HOSTS, ROOT };

export interface RunResult {
  seconds: number;
  code: number;
  stdout: string;
  stderr: string;
  /** Per host, from the recap: ok, changed, failed, (ts-play -v) roundtrips. */
  recap: Map<string, Record<string, number>>;
  /** ts-play only: what its process used (bench/lib/usage-hook.js). */
  usage?: Usage;
}

/** CPU seconds and peak resident memory of one process, from its own process.resourceUsage(). */
export interface Usage { userCpuS: number; systemCpuS: number; maxRssMiB: number }

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

const USAGE_HOOK = pathToFileURL(join(ROOT, 'bench/lib/usage-hook.js')).href;

/** ts-play as users start it, with what its process used (CPU, peak memory) read back afterwards. */
export async function tsplay(playbook: string, inventory: string, extra: string[]): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-bench-usage-'));
  try {
    const file = join(dir, 'usage.json');
    const r = await timed(process.execPath, ['--import', USAGE_HOOK, join(ROOT, 'bin/ts-play.js'), playbook, '-i', inventory, '-v', ...extra], { ...TSPLAY_ENV, TSPLAY_BENCH_USAGE: file });
    return existsSync(file) ? { ...r, usage: JSON.parse(readFileSync(file, 'utf8')) as Usage } : r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type AnsibleMode = 'defaults' | 'pipelined' | 'mitogen';

/** Where Debian's ansible-mitogen puts its strategy plugins (mitogen_linear among them). */
export const MITOGEN_STRATEGIES = '/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy';

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
  // Mitogen keeps one SSH connection and one Python interpreter per host for the whole run and
  // sends module code over it: no per-task process, so pipelining has nothing left to do. An
  // unknown strategy is an error, so a Mitogen that does not load fails the run, not silently.
  if (mode === 'mitogen') {
    env.ANSIBLE_STRATEGY_PLUGINS = MITOGEN_STRATEGIES;
    env.ANSIBLE_STRATEGY = 'mitogen_linear';
  }
  const args = ['-i', inventory, playbook, '-e', `tsplay_rendered=${rendered}`, '-e', `ansible_ssh_private_key_file=${LAB_KEY}`];
  if (mode === 'mitogen') args.push('-e', 'tsplay_mitogen=true');
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
