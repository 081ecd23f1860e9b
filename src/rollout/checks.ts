import type { NodeState } from './node-state.ts';
import type { PairSettings } from './settings.ts';
import { established } from '../facts/bgp.ts';

// Pure judgements on what readNode saw. Each problem is one sentence a network engineer can act
// on: which node, what is wrong, what it means for the pair.

const GROUP = /^group-/;

function groupState(n: NodeState): string | undefined {
  const k = Object.keys(n.vrrp).find((x) => GROUP.test(x));
  return k ? n.vrrp[k] : undefined;
}

function vrrpSummary(n: NodeState): string {
  const parts = Object.entries(n.vrrp).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : 'no VRRP state recorded';
}

/** The pair is serving at all: some node has a VIP or runs keepalived. Bare hosts are not. */
export function serving(nodes: NodeState[]): boolean {
  return nodes.some((n) => n.vips.length > 0 || n.keepalived === 'active');
}

const NO_SESSION = 'has no established session with a route server';
/** The problem of a node whose route-server sessions are all down (a route server may take minutes). */
export const isSessionProblem = (problem: string): boolean => problem.includes(NO_SESSION);

/** keepalived, conntrackd and ha-check on one node; `as` words it for the node or its peer. */
export function healthProblems(n: NodeState, s: PairSettings, as: 'peer' | 'node'): string[] {
  if (!n.reachable) return [`${n.host} is unreachable (${n.unreachableReason})`];
  const out: string[] = [];
  const role = as === 'peer' ? ' so it could not take over the VIPs' : '';
  if (n.keepalived !== 'active') out.push(`keepalived on ${n.host} is ${n.keepalived}${role}`);
  if (n.conntrackd !== 'active') out.push(`conntrackd on ${n.host} is ${n.conntrackd}: flows would not survive a takeover`);
  else if (!n.caches) out.push(`conntrackd on ${n.host} does not answer (${n.conntrackdError})`);
  if (n.check.status === 'failing') {
    out.push(`ha-check fails on ${n.host} when run as ${s.checkUser} (${n.check.detail}): keepalived lowers its priority`);
  } else if (n.check.status === 'absent') {
    out.push(`ha-check is not installed on ${n.host}`);
  }
  if (s.bgp && n.bgp) {
    if (!n.bgp.present) out.push(`${n.host} has no BGP speaker (vtysh): it could not announce the shared IP`);
    else if (established(n.bgp).length === 0) {
      const states = Object.entries(n.bgp.sessions).map(([p, st]) => `${p} ${st}`).join(', ') || 'bgpd does not answer';
      out.push(`${n.host} ${NO_SESSION} (${states})${as === 'peer' ? ': its announcement would reach nobody' : ''}`);
    }
  }
  if (n.keepalived === 'active') {
    const faulty = Object.entries(n.vrrp).filter(([, v]) => v === 'FAULT').map(([k]) => k);
    if (faulty.length) out.push(`${n.host} is in VRRP FAULT (${faulty.join(', ')}): it cannot hold the VIPs`);
    else if (!groupState(n)) out.push(`${n.host} records no VRRP group state in ${s.stateDir} (is ha-notify running under keepalived?)`);
  }
  return out;
}

/** Exactly one node holds every VIP. */
export function servingProblems(nodes: NodeState[], s: PairSettings): string[] {
  const full = nodes.filter((n) => s.vips.every((v) => n.vips.includes(v)));
  const partial = nodes.filter((n) => n.vips.length > 0 && !full.includes(n));
  if (partial.length) return partial.map((n) => `${n.host} holds only ${n.vips.join(', ')} of the VIPs ${s.vips.join(', ')}: the sync group is split`);
  if (full.length > 1) return [`both ${full.map((n) => n.host).join(' and ')} hold the VIPs (split brain): check the VRRP path between them`];
  if (full.length === 0) return [`no node holds the VIPs ${s.vips.join(', ')}: the pair is not serving`];
  return [];
}

/**
 * bgp mode: the VIP holder announces the shared IP as primary and every other node as
 * secondary; two primaries split the traffic, none leaves it to the secondary's held forwarding.
 */
export function announcementProblems(nodes: NodeState[], s: PairSettings): string[] {
  if (!s.bgp) return [];
  const master = holder(nodes, s);
  const out: string[] = [];
  for (const n of nodes) {
    if (!n.bgp?.present) continue;
    const want = n === master ? 'primary' : 'secondary';
    if (n.bgp.announces !== want) out.push(`${n.host} announces the shared IP as ${n.bgp.announces} but ${n === master ? 'holds the VIPs' : 'does not hold the VIPs'}: it should announce as ${want}`);
  }
  return out;
}

export function holder(nodes: NodeState[], s: PairSettings): NodeState | undefined {
  const full = nodes.filter((n) => s.vips.every((v) => n.vips.includes(v)));
  return full.length === 1 ? full[0] : undefined;
}

/** The backup's external cache mirrors the master's internal cache, within the margin. */
export function syncProblems(master: NodeState, backup: NodeState, s: PairSettings): string[] {
  if (backup.conntrackd === 'absent') return [];
  if (!master.caches) return [`cannot read ${master.host}'s conntrack caches (${master.conntrackdError ?? 'conntrackd not answering'})`];
  if (!backup.caches) return [`cannot read ${backup.host}'s conntrack caches (${backup.conntrackdError ?? 'conntrackd not answering'})`];
  const want = master.caches.internal;
  const have = backup.caches.external;
  const margin = Math.max(s.syncMargin, Math.ceil((want * s.syncMarginPercent) / 100));
  if (Math.abs(want - have) <= margin) return [];
  return [
    `conntrack sync is behind: ${backup.host}'s external cache has ${have} flows, ${master.host}'s internal cache ${want} ` +
      `(margin ${margin}); flows missing on ${backup.host} would be reset on takeover (check the sync link and \`conntrackd -s\` errors)`,
  ];
}

/** Is the node back in the role it should have (after its changes)? */
export function roleProblems(node: NodeState, peer: NodeState, s: PairSettings): string[] {
  const all = (n: NodeState) => s.vips.every((v) => n.vips.includes(v));
  const state = groupState(node) ?? 'unknown';
  if (s.nopreempt) return [];
  if (s.preferred === 'master') {
    if (all(node)) return [];
    const who = all(peer) ? `${peer.host} still holds them` : 'nobody holds them';
    return [`${node.host} is the preferred master but does not hold the VIPs (${who}; ${node.host} is ${state}, preempt_delay ${s.preemptDelay}s)`];
  }
  if (peer.keepalived !== 'active') {
    // The preferred master is absent (first rollout, or down): the backup serving alone is right.
    return all(node) ? [] : [`${node.host} should serve alone (${peer.host}'s keepalived is ${peer.keepalived}) but does not hold the VIPs`];
  }
  if (node.vips.length > 0) return [`${node.host} is the preferred backup but holds ${node.vips.join(', ')} (${vrrpSummary(node)})`];
  if (state !== 'BACKUP') return [`${node.host} should be BACKUP but its VRRP group is ${state}`];
  return [];
}
