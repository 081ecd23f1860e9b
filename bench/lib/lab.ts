/**
 * Lab states the benchmark starts from. Bare gateways are fresh overlays, as
 * test/integration/site.test.ts gets with `down` + `up`, but for gw1 and gw2 only: the other
 * hosts (and whoever else uses them) keep running. Callers hold /tmp/tsplay-lab.lock.
 */
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { labKill, labUp } from '../../src/lab/cli.ts';
import { withLabLock } from '../../src/lab/lock.ts';
import { removeOverlay } from '../../src/lab/overlay.ts';
import { LIGHT_INVENTORY } from '../../src/lab/paths.ts';
import { lightHost, mgmtIp } from '../../src/lab/topology.ts';
import { LAB_KEY, LAB_KNOWN_HOSTS, timed } from './tools.ts';

export { LIGHT_INVENTORY };

export async function bareGateways(): Promise<void> {
  for (const gw of ['gw1', 'gw2']) await labKill(gw);
  await withLabLock(async () => {
    for (const gw of ['gw1', 'gw2']) await removeOverlay(gw);
  });
  await labUp();
}

/** Exactly n light hosts; from 0 first when `fresh`, so each one is a new overlay. */
export async function lightHosts(n: number, fresh = false): Promise<void> {
  if (fresh) await labUp({ light: 0 });
  await labUp({ light: n });
}

export function lightAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => mgmtIp(lightHost(i + 1)));
}

/** The light hosts the inventory `up` wrote lists (a check that the lab is what the bench asked for). */
export function lightInventoryCount(): number {
  return (readFileSync(LIGHT_INVENTORY, 'utf8').match(/ansible_host:/g) ?? []).length;
}

/**
 * The SSH floor: one OpenSSH connection per host, each running `true`, all at once or at most
 * `concurrency` at a time (ts-play's --forks in the same round). Wall time from the first spawn
 * to the last exit; no connection sharing.
 */
export async function sshFloor(addresses: string[], concurrency = addresses.length): Promise<number> {
  const limit = pLimit(Math.max(1, concurrency));
  const t0 = process.hrtime.bigint();
  const rs = await Promise.all(addresses.map((a) => limit(() => timed('ssh', [
    '-i', LAB_KEY, '-o', `UserKnownHostsFile=${LAB_KNOWN_HOSTS}`, '-o', 'BatchMode=yes', '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none', '-l', 'root', a, 'true',
  ], {}, 60_000))));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const bad = rs.findIndex((r) => r.code !== 0);
  if (bad >= 0) throw new Error(`ssh floor: ssh to ${addresses[bad]} exited ${rs[bad]!.code}: ${rs[bad]!.stderr.trim()}`);
  return seconds;
}

/**
 * The floor of ts-play's own SSH stack: ssh2 through node-ssh, in this process, one connection
 * per host running `true`, at most `concurrency` at a time, no host key check. OpenSSH's floor
 * (sshFloor) forks a client per host, which a library client in one process does not pay: ts-play
 * can run under that floor, not under this one.
 */
export async function clientFloor(addresses: string[], concurrency = addresses.length): Promise<number> {
  const { NodeSSH } = await import('node-ssh');
  const privateKey = readFileSync(LAB_KEY, 'utf8');
  const limit = pLimit(Math.max(1, concurrency));
  const t0 = process.hrtime.bigint();
  await Promise.all(addresses.map((host) => limit(async () => {
    const ssh = new NodeSSH();
    try {
      await ssh.connect({ host, username: 'root', privateKey, readyTimeout: 60_000 });
      const r = await ssh.execCommand('true');
      if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim()}`);
    } catch (e) {
      throw new Error(`ssh2 floor: ${host}: ${(e as Error).message}`);
    } finally {
      ssh.dispose();
    }
  })));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
