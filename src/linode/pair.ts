// What the IP Sharing task and the Linode gate read from a gateway's variables.
import { LinodeClient, LINODE_API_URL } from './client.ts';
import { findToken, TOKEN_ENV } from './token.ts';

/** The role's variables (roles/linode_ip_share/defaults.ts declares them with these defaults). */
export interface LinodePairVars {
  /** The switch: nothing is read, checked or changed for a host without it. */
  linode_ip_share: boolean;
  linode_token: string;
  linode_api_url: string;
  linode_id: number;
  linode_peer_id: number;
  linode_shared_ipv4: string;
  wan_vip: string;
  linode_share_exclusive: boolean;
  linode_require_vlan: boolean;
  linode_vlan_label: string;
  linode_api_timeout: number;
}

export interface LinodePair {
  client: LinodeClient;
  /** The pair's public IPv4 that both instances must be able to announce. */
  ip: string;
  self: { id: number; name: string };
  peer: { id: number; name: string };
  exclusive: boolean;
  requireVlan: boolean;
  vlanLabel: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The pair's shared address: linode_shared_ipv4, else the WAN VIP (bgp mode shares it). */
export function sharedAddress(v: Pick<LinodePairVars, 'linode_shared_ipv4' | 'wan_vip'>): string {
  return (v.linode_shared_ipv4 || v.wan_vip || '').split('/')[0]!.trim();
}

/** Problems with the variables, each naming the variable; empty when the pair can be worked on (or is not to be). */
export function pairProblems(v: LinodePairVars): string[] {
  const out: string[] = [];
  if (v.linode_ip_share !== true) return out;
  if (!findToken(v.linode_token, 'variable linode_token')) out.push(`linode_token is empty and ${TOKEN_ENV} is not set: the Linode API needs a token (docs/linode.md)`);
  for (const k of ['linode_id', 'linode_peer_id'] as const) {
    if (!Number.isInteger(v[k]) || v[k] <= 0) out.push(`${k} must be a Linode instance id (a positive whole number), got ${JSON.stringify(v[k]) ?? 'nothing'}`);
  }
  if (Number.isInteger(v.linode_id) && v.linode_id === v.linode_peer_id) out.push(`linode_peer_id is this instance's own id (${v.linode_id}): it must name the other instance of the pair`);
  const ip = sharedAddress(v);
  if (!IPV4.test(ip)) out.push(`linode_shared_ipv4 (or wan_vip) must give the pair's shared public IPv4, got ${JSON.stringify(v.linode_shared_ipv4 || v.wan_vip)}`);
  return out;
}

/** Settings from variables already checked by pairProblems(). */
export function linodePair(host: string, v: LinodePairVars & { linode_peer_label?: unknown }): LinodePair {
  const token = findToken(v.linode_token, 'variable linode_token')!;
  const client = new LinodeClient({ token, apiUrl: v.linode_api_url || LINODE_API_URL, timeoutMs: v.linode_api_timeout * 1000 });
  const peerName = typeof v.linode_peer_label === 'string' && v.linode_peer_label ? v.linode_peer_label : `linode ${v.linode_peer_id}`;
  return {
    client,
    ip: sharedAddress(v),
    self: { id: v.linode_id, name: host },
    peer: { id: v.linode_peer_id, name: peerName },
    exclusive: v.linode_share_exclusive,
    requireVlan: v.linode_require_vlan,
    vlanLabel: v.linode_vlan_label,
  };
}
