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

export interface UdpResult {
  sent: number;
  received: number;
  lost: number;
  lossPct: number;
  longestGapMs: number;
}

export function udpResult(sender: { sent: number } | undefined, receiver: { received: number; longestGapMs: number } | undefined): UdpResult | undefined {
  if (!sender || !receiver) return undefined;
  const lost = Math.max(0, sender.sent - receiver.received);
  return {
    sent: sender.sent, received: receiver.received, lost,
    lossPct: sender.sent > 0 ? Math.round((10000 * lost) / sender.sent) / 100 : 0,
    longestGapMs: receiver.longestGapMs,
  };
}
