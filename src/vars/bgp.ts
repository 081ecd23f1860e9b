import { isIpv6 } from './ip.ts';
import { vipDefaults } from './network.ts';

/**
 * Linode IP Sharing over BGP, as the roles that take part in it read it: the bgp role announces
 * the shared address to the route servers, the nftables role opens BGP and BFD to them alone,
 * conntrackd keeps the sessions out of its sync. Linode's route servers are reached over IPv6,
 * `2600:3c0f:<data centre id>:34::1` to `::4` (its FRR guide); a lab or another provider names
 * its own in bgp_route_servers.
 */
export const bgpPeerDefaults = {
  keepalived_vip_mode: vipDefaults.keepalived_vip_mode,
  /** Linode's data centre id (the number in its IP Sharing availability table). */
  bgp_dc_id: 0,
  /** The route servers (IPv6 addresses); empty: Linode's four for bgp_dc_id. */
  bgp_route_servers: [] as string[],
  /** The speaker: FRR from Debian (bgpd, bfdd), or Linode's lelastic (a binary you install; not in Debian). */
  bgp_speaker: 'frr' as 'frr' | 'lelastic',
  /** This node's own IPv6 address the sessions leave from (plain), when it has one to name. */
  bgp_source_address: '',
};

export type BgpPeerVars = typeof bgpPeerDefaults;

/** The route servers this node peers with: the list given, else Linode's for the data centre. */
export function routeServers(v: Pick<BgpPeerVars, 'bgp_dc_id' | 'bgp_route_servers'>): string[] {
  if (v.bgp_route_servers.length) return v.bgp_route_servers;
  if (Number.isInteger(v.bgp_dc_id) && v.bgp_dc_id > 0) return [1, 2, 3, 4].map((i) => `2600:3c0f:${v.bgp_dc_id}:34::${i}`);
  return [];
}

/**
 * Problems with the peering variables, each naming the variable. A value given is checked in
 * arp mode too (it ends up in files one day); only bgp mode needs the route servers at all.
 */
export function bgpPeerProblems(v: BgpPeerVars): string[] {
  const errors: string[] = [];
  if (!Array.isArray(v.bgp_route_servers)) return [`bgp_route_servers must be a list of IPv6 addresses, got ${JSON.stringify(v.bgp_route_servers)}`];
  for (const a of v.bgp_route_servers) if (typeof a !== 'string' || !isIpv6(a)) errors.push(`bgp_route_servers: ${JSON.stringify(a)} is not an IPv6 address`);
  if (v.bgp_source_address !== '' && !isIpv6(v.bgp_source_address)) errors.push(`bgp_source_address must be an IPv6 address, got ${JSON.stringify(v.bgp_source_address)}`);
  if (v.bgp_speaker !== 'frr' && v.bgp_speaker !== 'lelastic') errors.push(`bgp_speaker must be frr or lelastic, got ${JSON.stringify(v.bgp_speaker)}`);
  if (!Number.isInteger(v.bgp_dc_id) || v.bgp_dc_id < 0) errors.push(`bgp_dc_id must be Linode's data centre id (a whole number), got ${JSON.stringify(v.bgp_dc_id)}`);
  if (v.keepalived_vip_mode === 'bgp' && !v.bgp_route_servers.length && !(Number.isInteger(v.bgp_dc_id) && v.bgp_dc_id > 0)) {
    errors.push('bgp mode needs the route servers: set bgp_dc_id (Linode\'s data centre id) or list bgp_route_servers');
  }
  return errors;
}
