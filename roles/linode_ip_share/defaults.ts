import type { LinodePairVars } from 'ts-play';

export type LinodeIpShareVars = LinodePairVars;

export const defaults: LinodeIpShareVars = {
  /** Off by default, so the role can sit in a playbook that also serves the lab or another cloud: turn it on for Linode pairs. */
  linode_ip_share: false,
  /** The API token, from your vault; empty: $LINODE_TOKEN. Needs ips:read_write and linodes:read_write (docs/linode.md). */
  linode_token: '',
  linode_api_url: 'https://api.linode.com',
  /** This instance's id and its pair peer's: the Linode inventory sets both (pair groups). */
  linode_id: 0,
  linode_peer_id: 0,
  /** The pair's shared public IPv4; empty: the address of wan_vip. */
  linode_shared_ipv4: '',
  wan_vip: '',
  /** true: the share request lists only the pair's address, unsharing anything else shared with the instance. */
  linode_share_exclusive: false,
  /** Fail the host when its instance has no active VLAN interface (named linode_vlan_label, when set). */
  linode_require_vlan: true,
  linode_vlan_label: '',
  /** Seconds one API request may take. */
  linode_api_timeout: 30,
};
