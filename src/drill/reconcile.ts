import type { HostExec } from './exec.ts';
import { DrillError } from './exec.ts';
import { type CtEntry, type Drift, drift, parseEntries } from './probes/conntrack.ts';
import { parseIpv4Addresses } from '../facts/addresses.ts';

export interface ReconcileInput {
  gateways: [string, string];
  vips: readonly string[];
  conntrackdConfig: string;
  protocols?: readonly string[];
}

export interface ReconcileReport {
  at: string;
  master: string;
  backup: string;
  /** Master's kernel table (forwarded flows only) against its conntrackd internal cache. */
  kernelVsInternal: Drift;
  /** Master's internal cache against the backup's external cache: what a failover would keep. */
  internalVsExternal: Drift;
}

/** Flows conntrackd syncs: not to or from the gateway itself, of a synced protocol. */
export function forwardedOnly(entries: readonly CtEntry[], own: ReadonlySet<string>, protocols: readonly string[]): CtEntry[] {
  const protos = new Set(protocols.map((p) => p.toLowerCase()));
  return entries.filter((e) => protos.has(e.proto) && !own.has(e.src) && !own.has(e.dst));
}

/** "TIME_WAIT=7200,ESTABLISHED=3", the largest first; empty when nothing is missing. */
export function byState(counts: Record<string, number>): string {
  return Object.entries(counts).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([s, n]) => `${s}=${n}`).join(',');
}

export function summaryLine(r: ReconcileReport): string {
  const k = r.kernelVsInternal;
  const e = r.internalVsExternal;
  const states = (d: Drift) => (d.missing.length ? ` (${byState(d.missingByState)})` : '');
  return `reconcile master=${r.master} backup=${r.backup} kernel=${k.reference} internal=${k.compared} ` +
    `kernel_missing_internal=${k.missing.length}${states(k)} backup_external=${e.compared} parity=${e.parityPct}% ` +
    `missing_on_backup=${e.missing.length}${states(e)} stale_on_backup=${e.extra.length}`;
}

async function out(exec: HostExec, host: string, argv: string[]): Promise<string> {
  const r = await exec(host, argv, 30);
  if (r.code !== 0) throw new DrillError(`${host}: ${argv.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-300)}`);
  return r.stdout;
}

/**
 * Reads the master's kernel table and internal cache and the backup's external
 * cache, and reports the drift between them; the summary goes to both
 * gateways' syslog (tag ts-play-reconcile) so the log pipeline keeps it.
 */
export async function reconcile(exec: HostExec, input: ReconcileInput): Promise<ReconcileReport> {
  const [a, b] = input.gateways;
  const holds = async (h: string): Promise<boolean> => {
    const have = new Set(parseIpv4Addresses(await out(exec, h, ['ip', '-o', '-4', 'addr', 'show'])));
    return input.vips.every((v) => have.has(v));
  };
  const master = (await holds(a)) ? a : (await holds(b)) ? b : undefined;
  if (!master) throw new DrillError(`neither ${a} nor ${b} holds every VIP (${input.vips.join(', ')}): nothing to reconcile against`);
  const backup = master === a ? b : a;
  const cfg = ['-C', input.conntrackdConfig];
  const [addrs, kernel, internal, external] = await Promise.all([
    out(exec, master, ['ip', '-o', '-4', 'addr', 'show']),
    out(exec, master, ['conntrack', '-L']),
    out(exec, master, ['conntrackd', ...cfg, '-i']),
    out(exec, backup, ['conntrackd', ...cfg, '-e']),
  ]);
  const own = new Set([...parseIpv4Addresses(addrs), '127.0.0.1']);
  const protocols = input.protocols ?? ['TCP', 'SCTP', 'UDP', 'ICMP'];
  const internalEntries = parseEntries(internal);
  const report: ReconcileReport = {
    at: new Date().toISOString(),
    master, backup,
    kernelVsInternal: drift(forwardedOnly(parseEntries(kernel), own, protocols), internalEntries),
    internalVsExternal: drift(internalEntries, parseEntries(external)),
  };
  const line = summaryLine(report);
  await Promise.all([master, backup].map((h) => exec(h, ['logger', '-t', 'ts-play-reconcile', '--', line], 10)));
  return report;
}
