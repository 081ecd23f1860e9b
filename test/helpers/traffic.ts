// Traffic through the lab's gateway pair while something happens to it: the client pings the
// server through the VIPs 100 times a second, and keeps one TCP connection through the NAT to a
// listener on the server, writing a numbered line every 100 ms. Processes are stopped by the pid
// files they write inside their own lab host.
import { labExec, type CliResult } from './cli.ts';
import { parsePing as parsePingReplies, pingArgv } from '../../src/drill/probes/ping.ts';

const SERVER = '198.19.0.100';
const PING_PID = '/run/tsp-rollout-ping.pid';
const TCP_PID = '/run/tsp-rollout-tcp.pid';
const LISTEN_PID = '/run/tsp-rollout-listen.pid';
const RECEIVED = '/run/tsp-rollout-tcp.log';

export interface TrafficResult {
  sent: number;
  received: number;
  /**
   * Pings lost: ping slows down while replies are missing, so besides sent - received each gap
   * between replies counts what a steady 100/s stream would have lost in it; the larger wins.
   */
  lost: number;
  /** Echo requests ping sent that got no reply (sent - received): the loss without the estimate. */
  missing: number;
  longestGapMs: number;
  /**
   * Gaps between replies longer than 25 ms: when (ISO time), how long, and how many sequence
   * numbers are missing in it (0: the pinger itself was not scheduled, nothing was lost).
   */
  gaps: string[];
  /** The TCP connection was still up when the traffic stopped, and the server got every line in order. */
  tcpSurvived: boolean;
  tcpLines: number;
  tcpDetail: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pingLoss(out: string): Pick<TrafficResult, 'sent' | 'received' | 'lost' | 'missing' | 'longestGapMs' | 'gaps'> {
  const r = parsePingReplies(out);
  const steady = r.gaps.reduce((n, g) => n + Math.max(g.lostSeqs, Math.round((g.endMs - g.startMs) / r.intervalMs) - 1), 0);
  const gaps = r.gaps.map((g) => `${new Date(g.startMs).toISOString().slice(11, 23)} ${Math.round(g.endMs - g.startMs)}ms/${g.lostSeqs} missing`);
  return { sent: r.sent, received: r.received, lost: Math.max(r.lost, steady), missing: r.lost, longestGapMs: r.longestGapMs, gaps };
}

async function received(): Promise<number[]> {
  const r = await labExec('server', ['sh', '-c', 'cat -- "$1" 2>/dev/null; exit 0', 'sh', RECEIVED]);
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

export class Traffic {
  private constructor(
    private readonly ping: Promise<CliResult>,
    private readonly listener: Promise<CliResult>,
    private readonly writer: Promise<CliResult>,
  ) {}

  static async start(port = 7101, maxSeconds = 900): Promise<Traffic> {
    const listener = labExec('server', ['sh', '-c', 'echo $$ >"$1"; exec socat -u "TCP-LISTEN:$2,bind=$3,reuseaddr" "OPEN:$4,creat,trunc"', 'sh', LISTEN_PID, String(port), SERVER, RECEIVED]);
    await sleep(500);
    const writer = labExec('client', ['sh', '-c',
      'echo $$ >"$1"; exec socat -u "SYSTEM:i=0; while true; do i=\\$((i+1)); echo \\$i || exit 0; sleep 0.1; done" "TCP:$2:$3"', 'sh', TCP_PID, SERVER, String(port)]);
    const ping = labExec('client', ['sh', '-c', 'echo $$ >"$1"; shift; exec "$@"', 'sh', PING_PID, ...pingArgv(SERVER, maxSeconds)]);
    const t = new Traffic(ping, listener, writer);
    const end = Date.now() + 10_000;
    while ((await received()).length < 3) {
      if (Date.now() > end) {
        await t.stop();
        throw new Error('the TCP connection through the NAT carried nothing within 10 s: is the pair serving?');
      }
      await sleep(300);
    }
    return t;
  }

  async stop(): Promise<TrafficResult> {
    const kill = (host: string, sig: string, pidFile: string) =>
      labExec(host, ['sh', '-c', '[ -f "$2" ] && kill -s "$1" "$(cat "$2")" 2>/dev/null; rm -f -- "$2"; exit 0', 'sh', sig, pidFile]);
    // Alive means: the writer still runs and the server still gets new lines.
    const alive = (await labExec('client', ['sh', '-c', 'kill -0 "$(cat "$1")" 2>/dev/null', 'sh', TCP_PID])).code === 0;
    const before = (await received()).length;
    await sleep(600);
    const lines = await received();
    const growing = lines.length > before;
    const inOrder = lines.every((n, i) => n === i + 1);
    await kill('client', 'INT', PING_PID);
    await kill('client', 'TERM', TCP_PID);
    const [ping, writer] = await Promise.all([this.ping, this.writer]);
    await kill('server', 'TERM', LISTEN_PID);
    await this.listener;
    const stats = pingLoss(ping.stdout);
    const reset = /reset|refused|broken pipe/i.test(writer.stderr);
    const tcpSurvived = alive && growing && inOrder && !reset;
    const tcpDetail = `${lines.length} lines, writer ${alive ? 'running' : 'gone'}, ${growing ? 'still flowing' : 'stalled'}, ${inOrder ? 'in order' : 'GAP'}${reset ? `, ${writer.stderr.trim()}` : ''}`;
    return { ...stats, tcpSurvived, tcpLines: lines.length, tcpDetail };
  }
}
