import { outageAfter } from './probes/ping.ts';
import { udpLostAfter } from './probes/streams.ts';
import { vipMoveMs } from './probes/vip.ts';
import { routeMovedAt } from './probes/route-watch.ts';
import type { Metrics, ScenarioResult } from './scenarios/types.ts';
import type { Measured, ParitySample } from './window.ts';

type Switch = ScenarioResult['switches'][number];

/** One switch: the fault at `faultMs` should move every VIP to `to`. */
export function analyzeSwitch(m: Measured, what: string, faultMs: number, to: string, vips: readonly string[]): Switch {
  const move = vipMoveMs(m.vipEvents, vips, to, faultMs);
  // The outage begins by the time the VIPs are on the new master (a reply's interval of slack).
  const startBy = move !== undefined && m.ping ? faultMs + move + 2.5 * m.ping.intervalMs : Infinity;
  const o = m.ping ? outageAfter(m.ping, faultMs, { startBy }) : { gapMs: 0, lostSeqs: 0, seqsMissing: 0, restoredMs: 0 };
  const routed = m.routeEvents ? routeMovedAt(m.routeEvents, to, faultMs) : undefined;
  const u = m.udp ? udpLostAfter(m.udp, faultMs) : undefined;
  // Pings lost: with the 1000 pps stream beside it, what ping itself missed or what the outage
  // the stream saw costs a steady 100 pps, whichever is larger. A ping gap also holds the
  // client's own scheduling stalls (gaps of 30-46 ms with nothing missing are common on a loaded
  // 2-core lab), which the gap-based estimate alone would count as lost pings.
  const lost = u && m.ping ? Math.max(o.seqsMissing, Math.ceil(u.outageMs / m.ping.intervalMs - 1e-9)) : o.lostSeqs;
  return {
    what, to, ...(move !== undefined ? { vipMoveMs: move } : {}),
    ...(routed !== undefined ? { routeMs: Math.round(routed - faultMs) } : {}),
    ...(m.ping ? { restoredMs: o.restoredMs } : {}), lost, gapMs: o.gapMs,
    ...(u ? { udpLost: u.lost, udpOutageMs: u.outageMs } : {}),
  };
}

/** Parity at a sample: the peer's external cache against the holder's internal cache, in %. */
export function parityPct(s: ParitySample, master: string, backup: string): number | undefined {
  const internal = s.hosts[master]?.internal;
  const external = s.hosts[backup]?.external;
  if (internal === undefined || external === undefined) return undefined;
  if (internal === 0) return external === 0 ? 100 : 0;
  return Math.round((10000 * Math.min(external, internal)) / internal) / 100;
}

/** Worst-case figures over the switches and whole-window figures over the runs. */
export function summarize(runs: readonly Measured[], switches: readonly Switch[], master: string, backup: string): Metrics {
  const m: Metrics = {};
  const moves = switches.map((s) => s.vipMoveMs).filter((x): x is number => x !== undefined);
  if (switches.length) {
    m.switches = switches.length;
    if (moves.length) m.vipMoveMs = Math.max(...moves);
    const restored = switches.map((s) => s.restoredMs).filter((x): x is number => x !== undefined);
    if (restored.length) m.restoredMs = Math.max(...restored);
    m.pingLost = Math.max(...switches.map((s) => s.lost));
    const routed = switches.map((s) => s.routeMs).filter((x): x is number => x !== undefined);
    if (routed.length) m.routeMovedMs = Math.max(...routed);
    const announced = switches.map((s) => s.announceMs).filter((x): x is number => x !== undefined);
    if (announced.length) m.announceMs = Math.max(...announced);
  }
  const pings = runs.map((r) => r.ping).filter((p) => p !== undefined);
  if (pings.length) {
    m.pingLongestGapMs = Math.max(...pings.map((p) => p.longestGapMs));
    m.pingLostTotal = pings.reduce((s, p) => s + p.lost, 0);
  }
  const tcpRuns = runs.filter((r) => r.iperf || r.echo);
  if (tcpRuns.length) {
    m.tcpResets = tcpRuns.reduce((s, r) => s + (r.iperf?.resets ?? 0) + (r.echo?.resets ?? 0), 0);
    // A session that ended early (closed, errored, never connected) is a dropped session.
    m.tcpDropped = tcpRuns.reduce((s, r) => s + (r.iperf && !r.iperf.ok ? 1 : 0) + (r.echo && (r.echo.closed || r.echo.error || !r.echo.connected) ? 1 : 0), 0);
  }
  const udps = runs.map((r) => r.udp).filter((u) => u !== undefined);
  if (udps.length) {
    const sent = udps.reduce((s, u) => s + u.sent, 0);
    const lost = udps.reduce((s, u) => s + u.lost, 0);
    m.udpLossPct = sent ? Math.round((10000 * lost) / sent) / 100 : 0;
  }
  for (const r of runs) {
    const first = r.faults[0]?.t ?? r.endMs;
    const before = r.parity.filter((s) => s.t < first).map((s) => parityPct(s, master, backup)).filter((x) => x !== undefined);
    if (before.length) m.syncParityPct = Math.min(m.syncParityPct ?? 100, before[before.length - 1]!);
  }
  return m;
}

export function percentile(xs: readonly number[], p: number): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
