/** TCP (iperf3, echo session) and UDP stream probes: argv builders and result parsers. */

export interface IperfResult {
  ok: boolean;
  error?: string;
  /** 1 when the stream ended with a reset or a broken connection. */
  resets: number;
  bytes: number;
  /** Intervals with no data at all: a stall (kept or lost, the error says). */
  zeroIntervals: number;
  longestStallS: number;
  retransmits: number;
}

export function iperfArgv(server: string, seconds: number, mbit = 20): string[] {
  return ['iperf3', '-c', server, '-t', String(seconds), '-b', `${mbit}M`, '-i', '0.5', '-J', '--connect-timeout', '3000'];
}

interface IperfJson {
  error?: string;
  intervals?: { sum?: { bytes?: number; seconds?: number } }[];
  end?: { sum_sent?: { bytes?: number; retransmits?: number } };
}

export function parseIperf(out: string): IperfResult {
  let j: IperfJson;
  try {
    j = JSON.parse(out) as IperfJson;
  } catch {
    const error = out.trim().split('\n').pop() || 'no output';
    return { ok: false, error, resets: /reset|broken pipe/i.test(out) ? 1 : 0, bytes: 0, zeroIntervals: 0, longestStallS: 0, retransmits: 0 };
  }
  let zero = 0;
  let stall = 0;
  let longest = 0;
  for (const iv of j.intervals ?? []) {
    if ((iv.sum?.bytes ?? 0) === 0) {
      zero++;
      stall += iv.sum?.seconds ?? 0;
      longest = Math.max(longest, stall);
    } else stall = 0;
  }
  const error = j.error;
  return {
    ok: !error,
    ...(error ? { error } : {}),
    resets: error && /reset|broken pipe|connection refused/i.test(error) ? 1 : 0,
    bytes: j.end?.sum_sent?.bytes ?? 0,
    zeroIntervals: zero,
    longestStallS: Math.round(longest * 100) / 100,
    retransmits: j.end?.sum_sent?.retransmits ?? 0,
  };
}

export interface EchoResult {
  connected: boolean;
  sent: number;
  echoed: number;
  resets: number;
  closed: boolean;
  longestGapMs: number;
  error: string | null;
}

/** Datagrams missing in a row, between two received ones sent at startMs and endMs (sender's clock). */
export interface UdpHole {
  startMs: number;
  endMs: number;
  lost: number;
}

export interface UdpResult {
  sent: number;
  received: number;
  lost: number;
  lossPct: number;
  longestGapMs: number;
  /** The sender's interval: a hole of N datagrams is N x this much outage. */
  intervalMs: number;
  holes: UdpHole[];
}

export interface UdpReceiver {
  received: number;
  longestGapMs: number;
  holes?: Array<[number, number, number]>;
}

export function udpResult(sender: { sent: number } | undefined, receiver: UdpReceiver | undefined, pps: number): UdpResult | undefined {
  if (!sender || !receiver) return undefined;
  const lost = Math.max(0, sender.sent - receiver.received);
  return {
    sent: sender.sent, received: receiver.received, lost,
    lossPct: sender.sent > 0 ? Math.round((10000 * lost) / sender.sent) / 100 : 0,
    longestGapMs: receiver.longestGapMs,
    intervalMs: 1000 / pps,
    holes: (receiver.holes ?? []).map(([startMs, endMs, n]) => ({ startMs, endMs, lost: n })),
  };
}

/**
 * The datagrams a fault cost: the holes that end after it and begin within slackMs. The sender
 * keeps its schedule (it catches up after a stall of its own), so a hole of N is N intervals of
 * outage, however late the client's ping or the receiver ran. The slack is short (an outage
 * begins with its fault): series of switches a few seconds apart must not count the next one's.
 */
export function udpLostAfter(u: UdpResult, faultMs: number, slackMs = 1500): { lost: number; outageMs: number } {
  const lost = u.holes.filter((h) => h.endMs > faultMs && h.startMs <= faultMs + slackMs).reduce((s, h) => s + h.lost, 0);
  return { lost, outageMs: Math.round(lost * u.intervalMs * 10) / 10 };
}
