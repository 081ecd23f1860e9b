/**
 * VIP owner timeline from `ip -ts -o monitor address` in each gateway's network
 * namespace (kernel events, microsecond timestamps), seeded with an `ip -o addr`
 * snapshot. Parsing is pure; the watcher that runs the commands is in vip-watch.ts.
 */

export interface VipEvent {
  t: number;
  host: string;
  vip: string;
  present: boolean;
}

const MON = /^\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?\]\s+(Deleted\s+)?\d+:\s+\S+\s+inet\s+([\d.]+)\//;

/** One monitor line (run with TZ=UTC: `ip -ts` prints local time without a zone). */
export function parseMonitorLine(line: string, host: string, vips: readonly string[]): VipEvent | undefined {
  const m = MON.exec(line.trim());
  if (!m || !vips.includes(m[9]!)) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + (m[7] ? Number(m[7]) * 1000 : 0);
  return { t, host, vip: m[9]!, present: !m[8] };
}

export interface OwnerSegment {
  vip: string;
  from: number;
  to: number;
  /** Holders during the segment: none (nobody answers), one, or two (split brain). */
  owners: string[];
}

/** Per-VIP segments of constant ownership between `start` and `end`. */
export function ownerTimeline(events: readonly VipEvent[], vips: readonly string[], start: number, end: number): OwnerSegment[] {
  const out: OwnerSegment[] = [];
  for (const vip of vips) {
    const evs = events.filter((e) => e.vip === vip).sort((a, b) => a.t - b.t);
    const holders = new Set<string>();
    let from = start;
    for (const e of evs) {
      if (e.t > start && e.t > from) {
        out.push({ vip, from, to: Math.min(e.t, end), owners: [...holders].sort() });
        from = e.t;
      }
      if (e.present) holders.add(e.host);
      else holders.delete(e.host);
    }
    if (from < end) out.push({ vip, from, to: end, owners: [...holders].sort() });
  }
  return out.filter((s) => s.to > s.from);
}

/** Holder of a VIP at time t (the last event at or before t wins). */
export function ownersAt(events: readonly VipEvent[], vip: string, t: number): string[] {
  const holders = new Set<string>();
  for (const e of [...events].filter((x) => x.vip === vip && x.t <= t).sort((a, b) => a.t - b.t)) {
    if (e.present) holders.add(e.host);
    else holders.delete(e.host);
  }
  return [...holders].sort();
}

/**
 * Milliseconds from `faultMs` until every VIP is held by `to` (the last of them
 * to arrive); undefined if that never happened within the events.
 */
export function vipMoveMs(events: readonly VipEvent[], vips: readonly string[], to: string, faultMs: number): number | undefined {
  let worst = 0;
  for (const vip of vips) {
    const arrive = events
      .filter((e) => e.vip === vip && e.host === to && e.present && e.t >= faultMs - 5)
      .sort((a, b) => a.t - b.t)[0];
    if (!arrive) {
      // Already there before the fault (nothing moved) counts as not moved.
      return undefined;
    }
    worst = Math.max(worst, arrive.t - faultMs);
  }
  return Math.round(Math.max(0, worst) * 10) / 10;
}

/** Number of ownership changes (a VIP arriving on a host) inside [from, to]. */
export function vipMoves(events: readonly VipEvent[], from: number, to: number): number {
  return events.filter((e) => e.present && e.t >= from && e.t <= to).length;
}
