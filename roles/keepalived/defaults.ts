import { bgpPeerDefaults, networkDefaults, required, vipDefaults } from 'ts-play';

export const defaults = {
  ...networkDefaults,
  /**
   * This node's VRRP priority (1..254) and its peer's, from inventory (lab: gw1 254, gw2 250).
   * Keep both high: a backup waits (256 - priority) x advert_int / 256 after a priority-0
   * advert before it takes over, 4.7 ms at 250 but 122 ms at 100 (advert_int 0.2).
   */
  keepalived_priority: required.number(),
  keepalived_peer_priority: required.number(),
  keepalived_lan_vrid: 51,
  keepalived_wan_vrid: 52,
  /**
   * Seconds, VRRPv3 (10 ms steps), and how many adverts in a row a backup may miss before it
   * takes over (keepalived's down_timer_adverts; RFC 5798 says 3). A silent master is replaced
   * after down_timer_adverts x advert_int + skew: 5 x 0.1 = 0.5 s. Five adverts rather than
   * three: a false failover needs 5 lost in a row (at 5 % random loss one window in 3.2 million,
   * against one in 8000). 0.1 s is the shortest interval that went through the soak drill (5 %
   * advert loss, both CPUs loaded) without a state change on the lab, where keepalived cannot
   * run realtime: 0.04 s (0.2 s failover) had 16 false takeovers in 10 minutes, 0.06 s one in
   * 2 minutes (docs/advert-curve.md). Where keepalived runs realtime (vrrp_rt_priority, the
   * default on real hosts), run the soak on the pair before going below 0.1 s.
   */
  keepalived_advert_int: 0.1,
  keepalived_down_timer_adverts: 5,
  /** arp: VIPs on the interfaces, moved with GARP. bgp: Linode IP Sharing, VIPs on lo announced by a BGP speaker. */
  keepalived_vip_mode: vipDefaults.keepalived_vip_mode,
  /** Seconds a (re)started node waits before preempting, so conntrackd has resynced first (arp mode). */
  keepalived_preempt_delay: 30,
  /** Never take the VIPs back from a healthy master (forced in bgp mode, as Linode's guide does). */
  keepalived_nopreempt: false,
  /** vrrp_script chk_gateway -> ha-check.sh. Negative weight: a failing node drops below its peer. */
  keepalived_check_interval: 1,
  keepalived_check_timeout: 3,
  keepalived_check_rise: 2,
  keepalived_check_fall: 2,
  keepalived_check_weight: -60,
  /** GARP: a burst on promotion, a second burst after the delay, then a periodic refresh (seconds). */
  keepalived_garp_master_repeat: 5,
  keepalived_garp_master_delay: 1,
  keepalived_garp_master_refresh: 60,
  keepalived_garp_master_refresh_repeat: 2,
  /** Realtime priority of the VRRP process (0: not set) and locking it in memory: no missed adverts in host stalls. */
  keepalived_rt_priority: 50,
  keepalived_no_swap: true,
  keepalived_notify_fifo: '/run/keepalived-ha-notify.fifo',
  /** Where ha-notify records each instance's state for the exporters' textfile script. */
  keepalived_state_dir: vipDefaults.keepalived_state_dir,
  /** The hold script of the nftables role (issue 7): used when present on the host. */
  keepalived_hold_command: '/usr/local/sbin/ha-hold',
  /** The nftables role's table (its hold chain is released on a takeover) and conntrackd's socket: those roles' variables, read here. */
  nftables_table: 'natgw',
  conntrackd_socket: '/var/run/conntrackd.sock',
  /** bgp mode: the bgp role's switch, which the notify script and the BGP health check call. */
  keepalived_bgp_command: '/usr/local/sbin/ha-bgp',
  /** bgp mode: which speaker the BGP health check asks (its group may read FRR's vty sockets). */
  bgp_speaker: bgpPeerDefaults.bgp_speaker,
};

export type KeepalivedVars = typeof defaults;
