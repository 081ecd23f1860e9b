import type { Connection } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import { check, trimStderr } from '../connection/errors.ts';
import { conntrackdStatsProbe, parseConntrackdStats } from '../facts/conntrackd.ts';
import { ModuleArgumentError } from './common.ts';
import { unitCommand } from './unit-state.ts';
import { FORGET_NEIGHBOURS, PEER_OWNS } from './handover-scripts.ts';

/** What handing the VIPs to the peer needs, shared by handoverRestart and handOver. */
export interface HandoverSteps {
  keepalived: string;
  vips: Array<{ vip: string; peer: string }>;
  conntrackdConfig: string;
  /** Seconds the peer gets to answer for every VIP once keepalived stopped here. */
  takeoverTimeout: number;
  /** Seconds to listen for the peer's conntrackd on the sync link; 0 skips. */
  peerAliveWindow: number;
  pollMs: number;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function seconds(module: string, name: string, v: number | undefined, dflt: number, min: number): number {
  const n = v ?? dflt;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > 600) throw new ModuleArgumentError(module, `${name} must be ${min}..600 seconds, got ${JSON.stringify(v)}`);
  return n;
}

export function checkVips(module: string, what: string, vips: unknown): Array<{ vip: string; peer: string }> {
  const list = vips as Array<{ vip?: string; peer?: string }>;
  if (!Array.isArray(list) || list.length === 0 || list.some((p) => !IPV4.test(p?.vip ?? '') || !IPV4.test(p?.peer ?? ''))) {
    throw new ModuleArgumentError(module, `${what}: vips must be a non-empty list of { vip, peer } plain IPv4 addresses, got ${JSON.stringify(vips)}`);
  }
  return list as Array<{ vip: string; peer: string }>;
}

/** Received sync packets, to tell a live peer from none (FTFW sends alive messages every second). */
async function syncReceived(conn: Connection, conf: string): Promise<number | undefined> {
  const r = await conn.exec(conntrackdStatsProbe(conf).argv);
  return r.code === 0 ? parseConntrackdStats(r.stdout).packetsReceived : undefined;
}

/** Re-runs `probe` every pollMs until it returns undefined (done) or the time is up; the last problem. */
export async function until(s: Pick<HandoverSteps, 'pollMs'>, timeoutSec: number, probe: () => Promise<string | undefined>): Promise<string | undefined> {
  const end = Date.now() + timeoutSec * 1000;
  let last: string | undefined;
  for (;;) {
    last = await probe();
    if (last === undefined || Date.now() >= end) return last;
    await sleep(s.pollMs);
  }
}

/**
 * False when the sync link carried nothing from a peer for the whole window: nobody is there to
 * take the VIPs (the first rollout, the peer not built yet). True when it did, or when it
 * cannot be told (conntrackd not answering): then the takeover wait below decides.
 */
export async function peerAlive(conn: Connection, s: HandoverSteps): Promise<boolean> {
  if (s.peerAliveWindow <= 0) return true;
  const before = await syncReceived(conn, s.conntrackdConfig);
  await sleep(s.peerAliveWindow * 1000);
  const after = await syncReceived(conn, s.conntrackdConfig);
  return !(before !== undefined && after !== undefined && after === before);
}

/**
 * Stops keepalived cleanly (its priority-0 advert makes the peer master after the skew time)
 * and waits until the peer answers for every VIP. If it never does, keepalived is started
 * again here so the pair keeps serving, and this throws, naming what it saw.
 */
export async function giveVipsAway(conn: Connection, facts: Facts, s: HandoverSteps, after: string): Promise<{ stoppedMs: number; tookMs: number }> {
  const started = Date.now();
  await unitCommand(conn, facts.init, s.keepalived, 'stop');
  const stoppedMs = Date.now() - started;
  await check(conn, ['sh', '-c', FORGET_NEIGHBOURS, 'sh', ...s.vips.map((p) => p.vip)]);
  const pairs = s.vips.flatMap((p) => [p.vip, p.peer]);
  const notTaken = await until(s, s.takeoverTimeout, async () => {
    const r = await conn.exec(['sh', '-c', PEER_OWNS, 'sh', ...pairs]);
    return r.code === 0 ? undefined : trimStderr(r.stdout || r.stderr) || `exit ${r.code}`;
  });
  if (notTaken !== undefined) {
    const restarted = await conn.exec(['systemctl', 'start', '--', s.keepalived]);
    const back = restarted.code === 0 ? `${s.keepalived} started again here` : `starting ${s.keepalived} again FAILED (exit ${restarted.code}: ${trimStderr(restarted.stderr)})`;
    throw new Error(`${conn.host}: the peer did not take over the VIPs within ${s.takeoverTimeout}s after ${s.keepalived} stopped (${notTaken.replace(/\n/g, '; ')}); ${back}, ${after}`);
  }
  return { stoppedMs, tookMs: Date.now() - started - stoppedMs };
}

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
