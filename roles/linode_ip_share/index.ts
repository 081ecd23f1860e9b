import { defineRole, linodePair, linodePairGate, linodePairTasks, pairProblems } from 'ts-play';
import { defaults, type LinodeIpShareVars } from './defaults.ts';

/**
 * Linode IP Sharing for a gateway pair in bgp mode: makes the pair's public IPv4 (assigned to
 * one instance) shared with the other (POST /networking/ips/share), and checks that this
 * instance has a VLAN interface. Both run on the control machine through the Linode API, not
 * over SSH. Put it before the BGP speaker roles: a shared address answers only where BGP
 * announces it. Does nothing on hosts without `linode_ip_share: true`.
 */
export const linodeIpShare = defineRole<LinodeIpShareVars>({
  name: 'linode_ip_share',
  dir: import.meta.dirname,
  tags: ['linode'],
  defaults,
  validate: (v) => pairProblems(v),
  // Planning builds tasks even after validate() objected (to report every problem at once).
  tasks: ({ vars, host }) => (!vars.linode_ip_share || pairProblems(vars).length ? [] : linodePairTasks(linodePair(host.name, { ...vars, linode_peer_label: host.vars.linode_peer_label }))),
});

/** The read-only gate for the same pair (see docs/linode.md for where to hook it). */
export const linodeIpShareGate = linodePairGate({ defaults });

export default linodeIpShare;
