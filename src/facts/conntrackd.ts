import type { Probe } from '../connection/batch.ts';

/** `conntrackd -s`: the caches' sizes and the sync traffic, as the daemon reports them. */
export function conntrackdStatsProbe(config: string): Probe {
  return { argv: ['conntrackd', '-C', config, '-s'] };
}

export interface ConntrackdStats {
  /** "current active connections" of the internal cache (this node's flows) and the external one (the peer's). */
  internal?: number;
  external?: number;
  /** Sync packets received from the peer (FTFW sends alive messages every second). */
  packetsReceived?: number;
}

export function parseConntrackdStats(out: string): ConntrackdStats {
  const r: ConntrackdStats = {};
  let cache: 'internal' | 'external' | undefined;
  for (const line of out.split('\n')) {
    if (/^cache internal:/.test(line)) cache = 'internal';
    else if (/^cache external:/.test(line)) cache = 'external';
    else if (/^\S.*(traffic|tracking)/.test(line)) cache = undefined;
    else {
      const m = /^\s*current active connections:\s+(\d+)/.exec(line);
      if (m && cache) r[cache] = Number(m[1]);
    }
    const recv = /(\d+) Pckts recv/.exec(line);
    if (recv) r.packetsReceived = Number(recv[1]);
  }
  return r;
}
