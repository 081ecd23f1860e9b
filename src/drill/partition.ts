import { run } from '../lab/run.ts';
import { LAB, fabricPeer } from '../lab/topology.ts';
import { ownerTimeline, type VipEvent } from './probes/vip.ts';
import { DrillError } from './exec.ts';

const TABLE = 'tsp_drill_partition';
/** Absolute: under npm/npx, node_modules/.bin is first in PATH and holds an unrelated `nft`. */
const NFT = '/usr/sbin/nft';

export interface Cut {
  /** VRRP adverts (IP protocol 112) on both gateways' LAN and WAN cables, both ways. */
  vrrp: boolean;
  /** Everything on both gateways' sync cables (conntrackd's FTFW channel). */
  sync: boolean;
}

/**
 * The nftables ruleset of a partition, for the lab's fabric namespace: ingress chains on the
 * fabric-side ends of the gateways' cables, which see every packet a gateway sends. Counters
 * say what the cut dropped. The cables stay up (no carrier loss): a silent partition, as a
 * switch or a firewall between the nodes makes one.
 */
export function partitionRuleset(gateways: readonly string[], cut: Cut): string {
  const chains: string[] = [];
  for (const gw of gateways) {
    if (cut.vrrp) {
      for (const seg of ['lan', 'wan'] as const) {
        chains.push(`  chain ${gw}_${seg} {\n    type filter hook ingress device "${fabricPeer(gw, seg)}" priority 0; policy accept;\n    ip protocol 112 counter drop\n  }`);
      }
    }
    if (cut.sync) chains.push(`  chain ${gw}_sync {\n    type filter hook ingress device "${fabricPeer(gw, 'sync')}" priority 0; policy accept;\n    counter drop\n  }`);
  }
  if (chains.length === 0) throw new DrillError('a partition cuts VRRP, the sync link, or both');
  return `table netdev ${TABLE} {\n${chains.join('\n')}\n}\n`;
}

async function nft(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(['ip', 'netns', 'exec', LAB.fabricNs, NFT, ...args], input === undefined ? {} : { input });
}

/** Cuts the paths in the fabric namespace (replacing an earlier cut); returns what was cut. */
export async function cutPaths(gateways: readonly string[], cut: Cut): Promise<string> {
  await healPaths();
  const r = await nft(['-f', '-'], partitionRuleset(gateways, cut));
  if (r.code !== 0) throw new DrillError(`nft in ${LAB.fabricNs} failed (exit ${r.code}): ${r.stderr.trim()}`);
  const what = [cut.vrrp ? 'VRRP adverts on the LAN and WAN cables' : '', cut.sync ? 'all traffic on the sync cables' : ''].filter(Boolean).join(' and ');
  return `cut: ${what} of ${gateways.join(', ')} dropped in ${LAB.fabricNs} (nftables table netdev ${TABLE}; cables stay up)`;
}

/** Packets the cut dropped, per chain. */
export async function partitionDrops(): Promise<Record<string, number>> {
  const r = await nft(['list', 'table', 'netdev', TABLE]);
  return parseDrops(r.stdout);
}

export function parseDrops(listing: string): Record<string, number> {
  const out: Record<string, number> = {};
  let chain: string | undefined;
  for (const line of listing.split('\n')) {
    const c = /^\s*chain (\S+) \{/.exec(line);
    if (c) chain = c[1];
    const p = /counter packets (\d+)/.exec(line);
    if (p && chain) out[chain] = (out[chain] ?? 0) + Number(p[1]);
  }
  return out;
}

export async function healPaths(): Promise<void> {
  await nft(['delete', 'table', 'netdev', TABLE]);
}

export interface PartitionFigures {
  /** Time both gateways held the same VIP (summed over the VIPs' worst one), s. */
  splitBrainS: number;
  /** Cut -> the first moment a VIP was held twice, ms (absent when it never was). */
  splitBrainAfterMs?: number;
  /** Heal -> every VIP held by exactly one gateway again, ms (absent when it never was). */
  healedAfterMs?: number;
  /** VIP arrivals between the cut and the end of the window. */
  vipMoves: number;
}

/** What the VIP owner timeline says about a partition between `cutAt` and `healAt`. */
export function partitionFigures(events: readonly VipEvent[], vips: readonly string[], startMs: number, endMs: number, cutAt: number, healAt: number): PartitionFigures {
  const segs = ownerTimeline(events, vips, startMs, endMs);
  let worst = 0;
  let firstDual: number | undefined;
  let healedAt = healAt;
  let healed = true;
  for (const vip of vips) {
    const mine = segs.filter((s) => s.vip === vip);
    const dual = mine.filter((s) => s.owners.length > 1 && s.to > cutAt);
    worst = Math.max(worst, dual.reduce((sum, s) => sum + (s.to - Math.max(s.from, cutAt)), 0));
    if (dual[0]) firstDual = Math.min(firstDual ?? Infinity, Math.max(dual[0].from, cutAt));
    // From the first segment after the heal that has one holder up to the end of the window.
    const after = mine.filter((s) => s.to > healAt);
    const lastBad = after.findLastIndex((s) => s.owners.length !== 1);
    const settled = after[lastBad + 1];
    if (!settled) healed = false;
    else healedAt = Math.max(healedAt, settled.from);
  }
  const moves = events.filter((e) => e.present && e.t > cutAt && e.t <= endMs).length;
  return {
    splitBrainS: Math.round(worst / 100) / 10,
    ...(firstDual !== undefined ? { splitBrainAfterMs: Math.round(firstDual - cutAt) } : {}),
    ...(healed ? { healedAfterMs: Math.round(healedAt - healAt) } : {}),
    vipMoves: moves,
  };
}
