import { bgpPeerDefaults, networkDefaults } from 'ts-play';

export const defaults = {
  ...networkDefaults,
  ...bgpPeerDefaults,
  /** Where ha-notify records the VRRP group's state: `ha-bgp sync` announces from it. */
  keepalived_state_dir: '/run/ha-notify',
  /** This pair's AS (Linode's guide: 65001, private); the route servers' is taken as it comes (remote-as external). */
  bgp_local_as: 65001,
  /**
   * Seconds. Linode's guide sets no timers: FRR's defaults (keepalive 60, hold 180) leave a dead
   * primary's route in the route servers for three minutes. 1/3 drops it 3 s after the last
   * keepalive; lelastic hard-codes 3/9.
   */
  bgp_keepalive: 1,
  bgp_hold: 3,
  /**
   * Seconds a route server that helps graceful restart keeps this node's routes after its session
   * ends (the restart time FRR announces; FRR's default 120 kept a killed primary's route for two
   * minutes in the lab). The pair has a peer for that: with 0 the routes leave with the session,
   * while the capability stays announced (docs/roles/bgp.md says why not none at all).
   */
  bgp_restart_time: 0,
  /** BFD with the route servers (multihop, as the sessions are). Linode does not say whether its route servers answer BFD. */
  bgp_bfd: false,
  bgp_bfd_interval_ms: 100,
  bgp_bfd_multiplier: 3,
  /** Linode's route servers prefer 65000:1 (primary) over 65000:2 (secondary). */
  bgp_community_primary: '65000:1',
  bgp_community_secondary: '65000:2',
  /** lelastic only: where its binary is (it is not packaged by Debian). */
  bgp_lelastic_binary: '/usr/local/bin/lelastic',
};

export type BgpVars = typeof defaults;

export const HA_BGP_PATH = '/usr/local/sbin/ha-bgp';
export const FRR_CONF = '/etc/frr/frr.conf';
