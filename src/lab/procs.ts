import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { hostRoot, pidFile } from './paths.ts';

function children(pid: number): number[] {
  try {
    const out: number[] = [];
    for (const t of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) {
      if (t) out.push(Number(t));
    }
    return out;
  } catch {
    return [];
  }
}

function pidNs(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/**
 * The supervisor of a host, from its pid file, only if that pid still is our
 * supervisor for that host's root (a stale file may name a recycled pid).
 */
export async function supervisorPid(host: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile(host), 'utf8')).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !existsSync(`/proc/${pid}`)) return undefined;
  const cl = cmdline(pid);
  return cl.includes(`tsp-lab-${host}`) && cl.includes(hostRoot(host)) ? pid : undefined;
}

/** The systemd-nspawn process the supervisor is running now. */
export function nspawnPid(supervisor: number): number | undefined {
  return children(supervisor).find((c) => cmdline(c)[0]?.endsWith('systemd-nspawn'));
}

/** The container's init: the first descendant of nspawn in another pid namespace. */
export function leaderPid(nspawn: number): number | undefined {
  const own = pidNs(nspawn);
  let level = children(nspawn);
  while (level.length) {
    const hit = level.find((p) => { const ns = pidNs(p); return ns !== undefined && ns !== own; });
    if (hit) return hit;
    level = level.flatMap(children);
  }
  return undefined;
}

export function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(safeStatus(pid));
}

function safeStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

export function kill(pid: number | undefined, sig: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export async function waitGone(pids: (number | undefined)[], ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pids.every((p) => !p || !alive(p))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function removePidFile(host: string): Promise<void> {
  await rm(pidFile(host), { force: true });
}
