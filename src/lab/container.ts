import { spawn } from 'node:child_process';
import { runProcess } from '../base/process.ts';
import { openSync, closeSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT, RUN_DIR, hostRoot, logFile, pidFile } from './paths.ts';
import { alive, kill, leaderPid, nspawnPid, removePidFile, supervisorPid, waitGone } from './procs.ts';
import { LabError } from './run.ts';
import { type HostSpec, LAB, mgmtIp, nsName } from './topology.ts';

/**
 * Restarts nspawn when the container asks for a reboot (exit 133), after the
 * reboot hook has given the host a fresh network stack; any other exit ends it.
 */
const SUPERVISE = `node=$1 hook=$2 host=$3; shift 3
while :; do
  "$@"; rc=$?
  [ "$rc" -eq 133 ] || exit "$rc"
  "$node" --import tsx "$hook" "$host" || exit 1
done`;

/**
 * A light host runs sshd alone under nspawn's stub init instead of booting
 * systemd: every systemd holds several inotify instances, and root may hold
 * only fs.inotify.max_user_instances (128) in all, a global knob the lab must not turn.
 */
const LIGHT_CMD = ['/bin/sh', '-c', 'mkdir -p -m 0755 /run/sshd && exec /usr/sbin/sshd -D -e'];

export function nspawnArgs(host: string, light = false): string[] {
  return [
    'systemd-nspawn', '-q', '-D', hostRoot(host), `--machine=${host}`, '--register=no', '--keep-unit',
    `--network-namespace-path=/run/netns/${nsName(host)}`, '--capability=CAP_NET_ADMIN,CAP_NET_RAW,CAP_IPC_LOCK',
    '--resolv-conf=off', '--timezone=off', '--console=read-only',
    ...(light ? ['--as-pid2', ...LIGHT_CMD] : ['-b']),
  ];
}

export interface Running {
  supervisor: number;
  nspawn?: number;
  leader?: number;
}

export async function running(host: string): Promise<Running | undefined> {
  const supervisor = await supervisorPid(host);
  if (!supervisor) return undefined;
  const nspawn = nspawnPid(supervisor);
  return { supervisor, nspawn, leader: nspawn ? leaderPid(nspawn) : undefined };
}

/** Starts the host's container detached, under its supervisor; the pid file names the supervisor. */
export async function startContainer(host: string, light = false): Promise<void> {
  await mkdir(RUN_DIR, { recursive: true });
  const out = openSync(logFile(host), 'a');
  const hook = join(PROJECT_ROOT, 'src/lab/reboot-hook.ts');
  const child = spawn(
    'sh',
    ['-c', SUPERVISE, `tsp-lab-${host}`, process.execPath, hook, host, ...nspawnArgs(host, light)],
    {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ['ignore', out, out],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network' },
    },
  );
  closeSync(out);
  if (!child.pid) throw new LabError(`${host}: could not start systemd-nspawn`);
  child.unref();
  await writeFile(pidFile(host), `${child.pid}\n`);
}

/** Power loss: the supervisor, then the container's init (its whole pid namespace dies), then nspawn. */
export async function killContainer(host: string): Promise<void> {
  const r = await running(host);
  if (r) {
    kill(r.supervisor);
    kill(r.leader);
    kill(r.nspawn);
    if (!(await waitGone([r.supervisor, r.leader, r.nspawn]))) {
      throw new LabError(`${host}: container processes did not exit after SIGKILL`);
    }
  }
  await removePidFile(host);
}

/** The last lines of a host's console log, without terminal colours: what a failed boot said. */
export async function consoleTail(host: string, lines = 15): Promise<string> {
  const text = await readFile(logFile(host), 'utf8').catch(() => '');
  const clean = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split('\n').filter((l) => l.trim() !== '');
  return clean.slice(-lines).map((l) => `  | ${l}`).join('\n');
}

/**
 * Resolves once the host's init is a different process than `before` (a reboot happened).
 * A supervisor that ends (its reboot hook failed, nspawn refused to start) fails at once;
 * either failure quotes the console log, which is the only witness of a shutdown or boot.
 */
export async function waitNewLeader(host: string, before: number | undefined, ms: number): Promise<number> {
  const end = Date.now() + ms;
  let goneSince: number | undefined;
  while (Date.now() < end) {
    const r = await running(host);
    if (r?.leader && r.leader !== before && alive(r.leader)) return r.leader;
    goneSince = r ? undefined : (goneSince ?? Date.now());
    if (goneSince !== undefined && Date.now() - goneSince > 2000) {
      throw new LabError(`${host}: the container's supervisor ended during the reboot; console log ${logFile(host)}:\n${await consoleTail(host)}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  const state = before && alive(before) ? 'the old init is still shutting down' : 'no new init started';
  throw new LabError(
    `${host}: the container did not come back within ${ms / 1000} s (${state}); console log ${logFile(host)}:\n${await consoleTail(host)}`,
  );
}

/** True once sshd on the host's mgmt address sends its banner. */
export function sshAnswers(ip: string, ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port: 22 });
    let buf = '';
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.startsWith('SSH-')) done(true);
    });
    s.on('error', () => done(false));
    s.on('close', () => done(buf.startsWith('SSH-')));
  });
}

export async function waitSsh(h: HostSpec, since: number, ms = LAB.sshTimeoutMs): Promise<void> {
  const ip = mgmtIp(h);
  while (Date.now() - since < ms) {
    if (await sshAnswers(ip, 500)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new LabError(
    `${h.name}: sshd on ${ip}:22 did not answer within ${ms / 1000} s of boot (console log: ${logFile(h.name)})`,
  );
}

/** Runs argv inside every namespace of the host's init, stdio passed through; resolves to its exit code. */
export async function execIn(host: string, argv: string[], stdio: 'inherit' | 'pipe' = 'inherit'): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await running(host);
  if (!r?.leader) throw new LabError(`${host}: not running (run \`lab up\`)`);
  const p = await runProcess(['nsenter', '-t', String(r.leader), '-a', '--', ...argv], {
    stdio,
    ...(stdio === 'pipe' ? { input: '' } : {}),
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8', TERM: process.env.TERM ?? 'dumb' },
  });
  return { code: p.code, stdout: p.stdout, stderr: p.stderr };
}
