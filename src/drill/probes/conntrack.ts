/**
 * Conntrack and conntrackd output parsers: `conntrack -C`, `conntrackd -s`,
 * and the entry lists of `conntrack -L`, `conntrackd -i` and `conntrackd -e`
 * (same line format: the original tuple comes first).
 */
import { parseConntrackdStats, type ConntrackdStats } from '../../facts/conntrackd.ts';

export type CtdStats = Pick<ConntrackdStats, 'internal' | 'external'>;

export function parseCount(out: string): number | undefined {
  const m = /^\s*(\d+)\s*$/m.exec(out);
  return m ? Number(m[1]) : undefined;
}

/** The caches' sizes from `conntrackd -s` (parsed once, in src/facts/conntrackd.ts), as drill windows record them. */
export function parseCtdStats(out: string): CtdStats {
  const { internal, external } = parseConntrackdStats(out);
  return { ...(internal !== undefined ? { internal } : {}), ...(external !== undefined ? { external } : {}) };
}

export interface CtEntry {
  proto: string;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  state?: string;
}

/** Entries of a conntrack-format listing; lines that are not entries (headers, summaries) are skipped. */
export function parseEntries(out: string): CtEntry[] {
  const r: CtEntry[] = [];
  for (const line of out.split('\n')) {
    const proto = /^\s*(?:ipv4\s+\d+\s+)?(tcp|udp|icmp|sctp|dccp|gre|unknown)\s+\d+\s/.exec(line)?.[1];
    if (!proto) continue;
    const src = /\bsrc=(\S+)/.exec(line)?.[1];
    const dst = /\bdst=(\S+)/.exec(line)?.[1];
    if (!src || !dst) continue;
    const sport = /\bsport=(\d+)/.exec(line)?.[1];
    const dport = /\bdport=(\d+)/.exec(line)?.[1];
    const state = /^\s*(?:ipv4\s+\d+\s+)?\w+\s+\d+\s+(?:\d+\s+)?([A-Z_]+)\s/.exec(line)?.[1];
    r.push({ proto, src, dst, ...(sport ? { sport: Number(sport) } : {}), ...(dport ? { dport: Number(dport) } : {}), ...(state ? { state } : {}) });
  }
  return r;
}

export const entryKey = (e: CtEntry): string => `${e.proto} ${e.src}:${e.sport ?? ''}>${e.dst}:${e.dport ?? ''}`;

export interface Drift {
  reference: number;
  compared: number;
  matched: number;
  /** In the reference, not in the compared set (would be lost on failover). */
  missing: string[];
  /** In the compared set only (stale on the peer). */
  extra: string[];
  /** The missing entries by their state in the reference ('-' without one, as UDP): closed TCP flows (TIME_WAIT) cost a failover nothing. */
  missingByState: Record<string, number>;
  parityPct: number;
}

/** Compares two entry sets by original tuple. An empty reference counts as 100 % parity. */
export function drift(reference: readonly CtEntry[], compared: readonly CtEntry[]): Drift {
  // Keyed once: the first entry of a key is the one whose state a missing flow is counted by.
  const a = new Map<string, CtEntry>();
  for (const e of reference) {
    const k = entryKey(e);
    if (!a.has(k)) a.set(k, e);
  }
  const b = new Set(compared.map(entryKey));
  const missing = [...a.keys()].filter((k) => !b.has(k));
  const extra = [...b].filter((k) => !a.has(k));
  const matched = a.size - missing.length;
  const missingByState: Record<string, number> = {};
  for (const k of missing) {
    const state = a.get(k)!.state ?? '-';
    missingByState[state] = (missingByState[state] ?? 0) + 1;
  }
  return {
    reference: a.size, compared: b.size, matched, missing, extra, missingByState,
    parityPct: a.size === 0 ? 100 : Math.round((10000 * matched) / a.size) / 100,
  };
}
