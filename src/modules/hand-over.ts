import type { Task } from '../task/task.ts';
import { ADDRESSES_PROBE, parseIpv4Addresses } from '../facts/addresses.ts';
import { parseUnitState, unitProbe, type UnitState } from '../facts/units.ts';
import { passThrough, type TaskOptions } from './common.ts';
import { checkVips, giveVipsAway, peerAlive, seconds, secs, type HandoverSteps } from './handover-steps.ts';
import { unitName } from './unit-state.ts';

export interface HandOverArgs extends TaskOptions {
  /** Each VIP (plain IP) with the peer's own address on the VIP's link, to see who answers for it. */
  vips: Array<{ vip: string; peer: string }>;
  keepalivedUnit?: string;
  conntrackdConfig?: string;
  takeoverTimeout?: number;
  peerAliveWindow?: number;
  pollMs?: number;
}

export interface HandOverState {
  holds: string[];
  keepalived: UnitState;
}

/**
 * Takes the node out of service for maintenance: if it holds the VIPs, keepalived is stopped
 * cleanly and the task waits until the peer answers for every VIP, leaving keepalived stopped
 * (a reboot or a later `service` task starts it again; preemption then brings the VIPs back).
 * The same steps as handoverRestart's, without the restart. A node without the VIPs is left
 * as it is. When no peer answers on the sync link there is nobody to take over, so nothing is
 * stopped and the task fails: a maintenance window must never take down the only node serving.
 */
export function handOver(args: HandOverArgs): Task<HandOverState, null> {
  const keepalived = unitName('handOver', args.keepalivedUnit ?? 'keepalived');
  const vips = checkVips('handOver', keepalived, args.vips);
  const steps: HandoverSteps = {
    keepalived, vips, conntrackdConfig: args.conntrackdConfig ?? '/etc/conntrackd/conntrackd.conf', pollMs: args.pollMs ?? 200,
    takeoverTimeout: seconds('handOver', 'takeoverTimeout', args.takeoverTimeout, 10, 1),
    peerAliveWindow: seconds('handOver', 'peerAliveWindow', args.peerAliveWindow, 2.5, 0),
  };
  const list = vips.map((p) => p.vip);
  return {
    module: 'handOver',
    ...passThrough(args, 'hand the VIPs to the peer'),
    probes: (facts) => [ADDRESSES_PROBE, unitProbe(keepalived, facts)],
    parse: ([addr, unit], facts) => {
      const have = new Set(parseIpv4Addresses(addr?.stdout ?? ''));
      return { holds: list.filter((v) => have.has(v)), keepalived: parseUnitState(keepalived, unit, facts) };
    },
    compare(s) {
      if ('error' in s.keepalived) return { status: 'fail', reason: s.keepalived.error };
      if (s.holds.length === 0) return { status: 'ok', reason: 'this node holds no VIP: nothing to hand over' };
      if (!s.keepalived.active) return { status: 'fail', reason: `this node holds ${s.holds.join(', ')} but ${keepalived} is ${s.keepalived.activeText}: stopping it would not move them` };
      return { status: 'change', reason: `hand ${s.holds.join(', ')} to the peer (${keepalived} stops here)`, plan: null };
    },
    async apply(conn, _plan, facts) {
      if (!(await peerAlive(conn, steps))) {
        throw new Error(`${conn.host}: no sync messages from a peer in ${steps.peerAliveWindow}s: nobody to hand the VIPs to; ${keepalived} left running`);
      }
      const { stoppedMs, tookMs } = await giveVipsAway(conn, facts, steps, 'the node stays in service');
      return { changed: true, reason: `VIPs ${list.join(', ')} handed to the peer: ${keepalived} stopped in ${secs(stoppedMs)}, the peer answered for them ${secs(tookMs)} later` };
    },
  };
}
