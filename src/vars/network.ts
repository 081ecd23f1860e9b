import { required } from '../inventory/required.ts';
import { interfaceName, portNumber } from './checks.ts';
import { inSubnet, ipOf, isCidr, isIpv4, networkOf } from './ip.ts';

/**
 * The gateway pair's addressing, shared by every HA role (nftables, keepalived, conntrackd,
 * healthcheck, exporters). Each role spreads these into its defaults, so the same variable has
 * the same name and type everywhere and a host missing one is refused before any change.
 * Addresses with a prefix are CIDR ("198.18.1.2/24"); peer addresses are plain IPs.
 */
export const networkDefaults = {
  lan_interface: required.string(),
  wan_interface: required.string(),
  sync_interface: required.string(),
  /** This node's own addresses (CIDR). */
  lan_address: required.string(),
  wan_address: required.string(),
  sync_address: required.string(),
  /** The virtual IPs keepalived moves (CIDR: the prefix is the subnet's). */
  lan_vip: required.string(),
  wan_vip: required.string(),
  /** The other node of the pair (plain IPs). */
  peer_lan_address: required.string(),
  peer_wan_address: required.string(),
  peer_sync_address: required.string(),
  /** Which node should hold the VIPs when both are healthy. */
  node_role_preferred: required.string() as 'master' | 'backup',
  /**
   * conntrackd has no authentication of its own. `wireguard` carries the sync link inside a
   * WireGuard tunnel with a vaulted preshared key (role synctunnel): sync_interface and the
   * sync addresses are then the tunnel's, and the underlay below is the physical link.
   * This machine's kernel has no WireGuard, so the lab runs `none` (dedicated link + allow-list).
   */
  sync_tunnel: 'none' as 'none' | 'wireguard',
  synctunnel_underlay_interface: '',
  /** The peer's address on the underlay link (plain IP) and the tunnel's UDP port. */
  synctunnel_peer_underlay_address: '',
  synctunnel_port: 51820,
  /** Networks allowed to reach SSH and the metrics port. */
  mgmt_allow: ['198.18.0.0/24'] as string[],
  metrics_allow: ['198.18.0.0/24'] as string[],
};

export type NetworkVars = typeof networkDefaults;

/**
 * How the VIPs move and where keepalived keeps its state: keepalived owns these, and the roles
 * that restart a daemon through a VIP handover (conntrackd, hardening) read the same ones.
 */
export const vipDefaults = {
  /** arp: keepalived moves both VIPs (GARP); bgp: the WAN VIP goes on the MASTER's lo and BGP moves it. */
  keepalived_vip_mode: 'arp' as 'arp' | 'bgp',
  keepalived_state_dir: '/run/ha-notify',
};

export type VipVars = typeof vipDefaults;

/**
 * The VIPs that move by ARP, each with the peer's address on its link: what a handover watches
 * to see the peer answer for them. In bgp mode the WAN VIP is on lo, where ARP says nothing of it.
 */
export function handoverVips(v: Pick<NetworkVars, 'lan_vip' | 'wan_vip' | 'peer_lan_address' | 'peer_wan_address'> & { keepalived_vip_mode?: string }) {
  const out = [{ vip: ipOf(v.lan_vip), peer: ipOf(v.peer_lan_address) }];
  if (v.keepalived_vip_mode !== 'bgp') out.push({ vip: ipOf(v.wan_vip), peer: ipOf(v.peer_wan_address) });
  return out;
}

/**
 * The pair's handover settings of a host whose roles do not declare the network variables
 * (hardening runs on every host): undefined unless the host is a gateway, i.e. its merged
 * variables give both VIPs and both peers.
 */
export function gatewayHandover(vars: Record<string, unknown>): { vips: ReturnType<typeof handoverVips>; stateDir?: string; conntrackdConfig?: string } | undefined {
  const keys = ['lan_vip', 'wan_vip', 'peer_lan_address', 'peer_wan_address'] as const;
  if (!keys.every((k) => typeof vars[k] === 'string')) return undefined;
  const str = (k: string) => (typeof vars[k] === 'string' ? (vars[k] as string) : undefined);
  const stateDir = str('keepalived_state_dir');
  const conntrackdConfig = str('conntrackd_config');
  return {
    vips: handoverVips({ ...(vars as Record<(typeof keys)[number], string>), keepalived_vip_mode: str('keepalived_vip_mode') ?? vipDefaults.keepalived_vip_mode }),
    ...(stateDir ? { stateDir } : {}),
    ...(conntrackdConfig ? { conntrackdConfig } : {}),
  };
}

/** Interface names go into sysctl keys with dots written as slashes (eth0.100 -> eth0/100). */
export function ifaceKey(iface: string): string {
  return iface.replace(/\./g, '/');
}

/**
 * Checks shared by every HA role: well-formed addresses, VIPs and peers inside their subnets,
 * a VIP that is not a node address. Each message names the variable.
 */
export function validateNetwork(v: NetworkVars): string[] {
  const errors: string[] = [];
  // Interfaces are written into keepalived.conf, conntrackd.conf and the ruleset by several roles.
  for (const k of ['lan_interface', 'wan_interface', 'sync_interface'] as const) errors.push(...interfaceName(k, v[k]));
  if (v.sync_tunnel === 'wireguard' || v.synctunnel_underlay_interface !== '') errors.push(...interfaceName('synctunnel_underlay_interface', v.synctunnel_underlay_interface));
  const cidrs = ['lan_address', 'wan_address', 'sync_address', 'lan_vip', 'wan_vip'] as const;
  for (const k of cidrs) if (!isCidr(v[k])) errors.push(`${k} must be an IPv4 address with prefix (e.g. 198.18.1.2/24), got "${v[k]}"`);
  for (const k of ['peer_lan_address', 'peer_wan_address', 'peer_sync_address'] as const) {
    if (!isIpv4(v[k])) errors.push(`${k} must be an IPv4 address, got "${v[k]}"`);
  }
  if (errors.length) return errors;
  const pairs: Array<[string, string, string]> = [
    ['lan_vip', ipOf(v.lan_vip), v.lan_address],
    ['wan_vip', ipOf(v.wan_vip), v.wan_address],
    ['peer_lan_address', v.peer_lan_address, v.lan_address],
    ['peer_wan_address', v.peer_wan_address, v.wan_address],
    ['peer_sync_address', v.peer_sync_address, v.sync_address],
  ];
  for (const [name, ip, subnet] of pairs) {
    if (!inSubnet(ip, subnet)) errors.push(`${name} ${ip} is outside the subnet ${networkOf(subnet)} of this node's interface`);
  }
  if (ipOf(v.lan_vip) === ipOf(v.lan_address) || ipOf(v.wan_vip) === ipOf(v.wan_address)) errors.push('a VIP must not be a node address');
  if (v.peer_sync_address === ipOf(v.sync_address)) errors.push('peer_sync_address is this node\'s own sync address');
  if (v.sync_tunnel !== 'none' && v.sync_tunnel !== 'wireguard') errors.push(`sync_tunnel must be "none" or "wireguard", got "${v.sync_tunnel}"`);
  // Used only with wireguard, but a value given anyway is still checked: it reaches templates.
  if (v.sync_tunnel !== 'wireguard' && v.synctunnel_peer_underlay_address !== '' && !isIpv4(v.synctunnel_peer_underlay_address)) {
    errors.push(`synctunnel_peer_underlay_address must be an IPv4 address, got "${v.synctunnel_peer_underlay_address}"`);
  }
  if (v.sync_tunnel === 'wireguard') {
    if (!isIpv4(v.synctunnel_peer_underlay_address)) errors.push(`synctunnel_peer_underlay_address must be an IPv4 address with sync_tunnel: wireguard, got "${v.synctunnel_peer_underlay_address}"`);
    errors.push(...portNumber('synctunnel_port', v.synctunnel_port));
  }
  if (v.node_role_preferred !== 'master' && v.node_role_preferred !== 'backup') errors.push(`node_role_preferred must be "master" or "backup", got "${v.node_role_preferred}"`);
  return errors;
}
