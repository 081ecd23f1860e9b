import type { Metrics, ScenarioResult } from '../scenarios/types.ts';

export type Op = '<' | '<=' | '>=' | '==';

export interface Criterion {
  op: Op;
  value: number;
  text: string;
}

export interface TargetRow {
  scenario: string;
  metric: keyof Metrics;
  label: string;
  unit: string;
  design?: Criterion;
  issue?: Criterion;
  /** Shown only when a run measured it (a bgp-mode figure). */
  optional?: boolean;
}

/** The design document's Phase 5 criteria and the issue's tighter targets, per scenario figure. */
export const TARGETS: readonly TargetRow[] = [
  { scenario: 'soft', metric: 'vipMoveMs', label: 'VIP move time', unit: 'ms', design: { op: '<', value: 3000, text: '< 3 s' }, issue: { op: '<', value: 300, text: '< 0.3 s' } },
  { scenario: 'soft', metric: 'pingLost', label: 'pings lost per switch (100 pps)', unit: '', design: { op: '<=', value: 3, text: '<= 3' }, issue: { op: '<=', value: 1, text: '<= 1' } },
  { scenario: 'soft', metric: 'tcpResets', label: 'TCP resets', unit: '', design: { op: '==', value: 0, text: 'sessions survive' }, issue: { op: '==', value: 0, text: '0' } },
  { scenario: 'soft', metric: 'udpLossPct', label: 'UDP loss (1000 pps)', unit: '%', design: { op: '<', value: 2, text: '< 2 %' }, issue: { op: '<', value: 0.5, text: '< 0.5 %' } },
  { scenario: 'hard', metric: 'vipMoveMs', label: 'VIP move time (worst fault)', unit: 'ms', design: { op: '<', value: 10000, text: 'backup takes the VIP by itself' } },
  { scenario: 'hard', metric: 'restoredMs', label: 'traffic restored through the peer (worst fault)', unit: 'ms', issue: { op: '<', value: 300, text: '< 0.3 s' } },
  { scenario: 'hard', metric: 'pingLost', label: 'pings lost (worst fault)', unit: '' },
  { scenario: 'hard', metric: 'tcpResets', label: 'TCP resets', unit: '', design: { op: '==', value: 0, text: 'sessions survive' }, issue: { op: '==', value: 0, text: '0' } },
  { scenario: 'hard', metric: 'udpLossPct', label: 'UDP loss', unit: '%', design: { op: '<', value: 2, text: '< 2 %' }, issue: { op: '<', value: 0.5, text: '< 0.5 %' } },
  // bgp mode only (rows without a figure are left out): where the route servers sent the shared
  // IP, seen on the router in front of the server, and the new master's announcement.
  { scenario: 'soft', metric: 'routeMovedMs', label: 'BGP best path at the new primary (bgp)', unit: 'ms', optional: true },
  { scenario: 'soft', metric: 'announceMs', label: 'MASTER -> announced as primary (bgp)', unit: 'ms', optional: true },
  { scenario: 'hard', metric: 'routeMovedMs', label: 'BGP best path at the new primary (bgp)', unit: 'ms', optional: true },
  { scenario: 'tcp', metric: 'switches', label: 'consecutive failovers', unit: '', issue: { op: '>=', value: 20, text: '>= 20' } },
  { scenario: 'tcp', metric: 'tcpResets', label: 'TCP resets (iperf3 + interactive session)', unit: '', design: { op: '==', value: 0, text: 'sessions survive' }, issue: { op: '==', value: 0, text: '0' } },
  { scenario: 'tcp', metric: 'tcpDropped', label: 'TCP sessions dropped', unit: '', design: { op: '==', value: 0, text: 'sessions survive' }, issue: { op: '==', value: 0, text: '0' } },
  { scenario: 'tcp', metric: 'vipMoveMs', label: 'VIP move time (worst switch)', unit: 'ms', design: { op: '<', value: 3000, text: '< 3 s' }, issue: { op: '<', value: 300, text: '< 0.3 s' } },
  { scenario: 'tcp', metric: 'udpLossPct', label: 'UDP loss', unit: '%', design: { op: '<', value: 2, text: '< 2 %' }, issue: { op: '<', value: 0.5, text: '< 0.5 %' } },
  { scenario: 'udp', metric: 'udpLossPct', label: 'UDP loss (1000 pps)', unit: '%', design: { op: '<', value: 2, text: '< 2 %' }, issue: { op: '<', value: 0.5, text: '< 0.5 %' } },
  { scenario: 'reboot', metric: 'rolesBackS', label: 'both roles back after sshd answers', unit: 's', design: { op: '<', value: 300, text: 'roles recover by themselves' }, issue: { op: '<', value: 30, text: '< 30 s' } },
  { scenario: 'reboot', metric: 'preferredMasterS', label: 'preferred node MASTER again after sshd', unit: 's' },
  { scenario: 'reboot', metric: 'pingLostTotal', label: 'pings lost over both reboots', unit: '' },
  { scenario: 'flap', metric: 'failovers', label: 'failovers under loss/jitter', unit: '', issue: { op: '==', value: 0, text: '0' } },
  { scenario: 'flap', metric: 'vrrpTransitions', label: 'VRRP state changes under loss/jitter', unit: '', issue: { op: '==', value: 0, text: '0' } },
  { scenario: 'soak', metric: 'failovers', label: 'failovers (advert loss, both CPUs loaded)', unit: '', issue: { op: '==', value: 0, text: '0' } },
  { scenario: 'soak', metric: 'vrrpTransitions', label: 'VRRP state changes (advert loss, both CPUs loaded)', unit: '', issue: { op: '==', value: 0, text: '0' } },
  { scenario: 'soak', metric: 'checkFailures', label: 'cause: health-check runs failed or timed out', unit: '' },
  { scenario: 'soak', metric: 'forcedElections', label: 'cause: elections forced while the master lived (adverts late or lost)', unit: '' },
  { scenario: 'stress', metric: 'connections', label: 'concurrent NAT connections', unit: '', design: { op: '>=', value: 10000, text: '>= 10k' }, issue: { op: '>=', value: 10000, text: '>= 10,000' } },
  { scenario: 'stress', metric: 'parityWithin2sPct', label: 'backup parity within 2 s of creation', unit: '%', issue: { op: '>=', value: 99.9, text: '>= 99.9 %' } },
  { scenario: 'stress', metric: 'syncLatencyP99Ms', label: 'sync latency p99', unit: 'ms' },
  { scenario: 'stress', metric: 'tcpDropped', label: 'connections not alive after failover', unit: '', issue: { op: '==', value: 0, text: '0 (all alive)' } },
  { scenario: 'reconcile', metric: 'syncParityPct', label: 'internal vs external cache parity', unit: '%', design: { op: '>=', value: 0, text: 'drift logged' }, issue: { op: '>=', value: 99.9, text: '>= 99.9 % (ours)' } },
];

export type Verdict = 'pass' | 'fail' | 'n/a';

export function check(value: number | undefined, c: Criterion | undefined): Verdict {
  if (!c || value === undefined || Number.isNaN(value)) return 'n/a';
  switch (c.op) {
    case '<': return value < c.value ? 'pass' : 'fail';
    case '<=': return value <= c.value ? 'pass' : 'fail';
    case '>=': return value >= c.value ? 'pass' : 'fail';
    case '==': return value === c.value ? 'pass' : 'fail';
  }
}

/** How far a figure is from a criterion: positive = margin left, negative = missed by. */
export function margin(value: number, c: Criterion): number {
  const d = c.op === '<' || c.op === '<=' ? c.value - value : c.op === '>=' ? value - c.value : -Math.abs(value - c.value);
  return Math.round(d * 100) / 100;
}

export interface ComparedRow extends TargetRow {
  value?: number;
  designVerdict: Verdict;
  issueVerdict: Verdict;
}

export function compare(results: readonly ScenarioResult[]): ComparedRow[] {
  const out: ComparedRow[] = [];
  for (const t of TARGETS) {
    const rs = results.filter((x) => x.name === t.scenario);
    if (!rs.length) continue;
    const value = worst(rs.map((r) => r.metrics[t.metric]).filter((v): v is number => v !== undefined), t.issue ?? t.design);
    if (t.optional && value === undefined) continue;
    out.push({ ...t, ...(value !== undefined ? { value } : {}), designVerdict: check(value, t.design), issueVerdict: check(value, t.issue) });
  }
  return out;
}

/** VRRPv3 takeover after a silent master: N x advert_int + skew (RFC 5798: N = 3; keepalived's down_timer_adverts), in ms. */
export function silentMasterTakeoverMs(advertIntS: number, backupPriority = 100, adverts = 3): number {
  return Math.round((adverts * advertIntS + ((256 - backupPriority) * advertIntS) / 256) * 1000);
}

/** Over repeated runs the table shows the worst figure for the criterion's direction. */
export function worst(values: readonly number[], c: Criterion | undefined): number | undefined {
  if (!values.length) return undefined;
  if (!c || c.op === '<' || c.op === '<=') return Math.max(...values);
  if (c.op === '>=') return Math.min(...values);
  return values.reduce((a, b) => (Math.abs(b - c.value) > Math.abs(a - c.value) ? b : a));
}
