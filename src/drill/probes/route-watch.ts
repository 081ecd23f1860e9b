import { type ChildProcess, spawn } from 'node:child_process';
import { run } from '../../lab/run.ts';

/**
 * bgp mode, seen from the server's side: where the router in front of the internet host (rs1)
 * sends the shared IP. `ip -ts -o monitor route` in its namespace reports each change of the
 * route its BGP daemon installs; a snapshot starts the timeline.
 */
export interface RouteEvent {
  t: number;
  /** The gateway the route points at (by its next hop), or undefined: no route. */
  via: string | undefined;
}

const MON = /^\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?\]\s+(Deleted\s+)?(\S+)(?:\s+via\s+(?:inet6\s+)?(\S+))?/;

/** One monitor line about `prefix`; `gateways` maps next hops (IPv6 or IPv4) to gateway names. */
export function parseRouteLine(line: string, prefix: string, gateways: Record<string, string>): RouteEvent | undefined {
  const m = MON.exec(line.trim());
  if (!m) return undefined;
  const dest = m[9]!.replace(/\/32$/, '');
  if (dest !== prefix.replace(/\/32$/, '')) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + (m[7] ? Number(m[7]) * 1000 : 0);
  return { t, via: m[8] ? undefined : (gateways[m[10] ?? ''] ?? m[10]) };
}

/** The first moment at or after `fromMs` the route points at `to` (and stays so until the next event). */
export function routeMovedAt(events: readonly RouteEvent[], to: string, fromMs: number): number | undefined {
  return events.find((e) => e.t >= fromMs - 5 && e.via === to)?.t;
}

export class RouteWatcher {
  readonly events: RouteEvent[] = [];
  private child?: ChildProcess;

  constructor(private readonly ns: string, private readonly prefix: string, private readonly gateways: Record<string, string>) {}

  async start(): Promise<void> {
    this.child = spawn('ip', ['-n', this.ns, '-ts', '-o', 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, TZ: 'UTC' } });
    let rest = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        const e = parseRouteLine(l, this.prefix, this.gateways);
        if (e) this.events.push(e);
      }
    });
    this.child.on('error', () => {});
    const now = Date.now();
    const r = await run(['ip', '-n', this.ns, '-o', 'route', 'show', this.prefix], { timeoutMs: 3000 });
    const via = /via (?:inet6 )?(\S+)/.exec(r.stdout)?.[1];
    this.events.push({ t: now, via: via ? (this.gateways[via] ?? via) : undefined });
  }

  stop(): RouteEvent[] {
    this.child?.kill('SIGTERM');
    return [...this.events].sort((a, b) => a.t - b.t);
  }
}
