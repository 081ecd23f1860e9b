/**
 * ICMP probe: `ping -D -O` at 100 pps from the client through the gateways.
 * Timestamps come from the kernel clock the whole lab shares, so they compare
 * directly with the moment a fault was injected (Date.now() on the control side).
 */

export interface PingGap {
  /** Last reply before the gap and first reply after it (epoch ms). */
  startMs: number;
  endMs: number;
  lostSeqs: number;
}

export interface PingResult {
  sent: number;
  received: number;
  lost: number;
  lossPct: number;
  /** Longest time between two consecutive replies (ms). */
  longestGapMs: number;
  /** Every interval between replies longer than 2.5 x the send interval. */
  gaps: PingGap[];
  /** Reply times, epoch ms (for the gap timeline chart). */
  replies: number[];
  intervalMs: number;
}

export function pingArgv(target: string, seconds: number, intervalMs = 10): string[] {
  const count = Math.max(1, Math.round((seconds * 1000) / intervalMs));
  // -w bounds the run even if replies stop; -W 0.1 keeps -O's "no answer" lines prompt.
  return ['ping', '-n', '-D', '-O', '-i', String(intervalMs / 1000), '-W', '0.1', '-c', String(count),
    '-w', String(Math.ceil(seconds) + 2), target];
}

const REPLY = /^\[(\d+\.\d+)\]\s+\d+ bytes from [^:]+: icmp_seq=(\d+)/;
const SUMMARY = /(\d+) packets transmitted, (\d+) received/;

export function parsePing(output: string, intervalMs = 10): PingResult {
  const seen = new Set<number>();
  const replies: { seq: number; t: number }[] = [];
  let sent: number | undefined;
  let received: number | undefined;
  let maxSeq = 0;
  for (const line of output.split('\n')) {
    const m = REPLY.exec(line);
    if (m) {
      const seq = Number(m[2]);
      maxSeq = Math.max(maxSeq, seq);
      if (line.includes('(DUP!)') || seen.has(seq)) continue;
      seen.add(seq);
      replies.push({ seq, t: Number(m[1]) * 1000 });
      continue;
    }
    const noAns = /icmp_seq=(\d+)/.exec(line);
    if (noAns) maxSeq = Math.max(maxSeq, Number(noAns[1]));
    const s = SUMMARY.exec(line);
    if (s) {
      sent = Number(s[1]);
      received = Number(s[2]);
    }
  }
  replies.sort((a, b) => a.t - b.t);
  sent ??= maxSeq;
  received ??= replies.length;
  const gaps: PingGap[] = [];
  let longestGapMs = 0;
  for (let i = 1; i < replies.length; i++) {
    const a = replies[i - 1]!;
    const b = replies[i]!;
    const d = b.t - a.t;
    longestGapMs = Math.max(longestGapMs, d);
    if (d > 2.5 * intervalMs) gaps.push({ startMs: a.t, endMs: b.t, lostSeqs: Math.max(0, b.seq - a.seq - 1) });
  }
  const lost = Math.max(0, sent - received);
  return {
    sent, received, lost, lossPct: sent > 0 ? (100 * lost) / sent : 0,
    longestGapMs: round1(longestGapMs), gaps, replies: replies.map((r) => r.t), intervalMs,
  };
}

/**
 * The outage a fault caused: the gap that spans the fault time or begins
 * within `slackMs` after it, and no later than `startBy` when that is known
 * (the VIPs' arrival on the new master: a gap that begins after the switch
 * is over is a stall of the client's, not this switch's outage: in the 6 Dec
 * tcp drill, stalls 1.3-2.6 s after switches that cost one ping were reported
 * as their "traffic restored"). Zero when traffic never
 * stopped. `lostSeqs` is the pings a steady 100 pps stream loses in that gap.
 */
export function outageAfter(r: PingResult, faultMs: number, { slackMs = 3000, startBy = Infinity }: { slackMs?: number; startBy?: number } = {}): { gapMs: number; lostSeqs: number; seqsMissing: number; restoredMs: number } {
  const g = r.gaps.find((x) => x.endMs > faultMs && x.startMs <= Math.min(faultMs + slackMs, startBy));
  if (!g) return { gapMs: 0, lostSeqs: 0, seqsMissing: 0, restoredMs: 0 };
  // ping slows its sending while replies are missing, so the sequence gap undercounts an
  // outage: count what a steady 100 pps stream would have lost, whichever is larger.
  const steady = Math.max(0, Math.round((g.endMs - g.startMs) / r.intervalMs) - 1);
  return { gapMs: round1(g.endMs - g.startMs), lostSeqs: Math.max(g.lostSeqs, steady), seqsMissing: g.lostSeqs, restoredMs: round1(Math.max(0, g.endMs - faultMs)) };
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;
