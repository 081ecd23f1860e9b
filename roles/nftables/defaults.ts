import { bgpPeerDefaults, networkDefaults } from 'ts-play';

export const nftablesDefaults = {
  ...networkDefaults,
  /** bgp mode: BGP (TCP 179) and multihop BFD are accepted from these route servers alone. */
  ...bgpPeerDefaults,
  /**
   * The project's own table (family inet). The ruleset replaces only this table, so tables
   * other software owns (keepalived, a cloud agent) survive every reload.
   */
  nftables_table: 'natgw',
  /** conntrackd's UDP sync port: the conntrackd role's own variable, read here to open it. */
  conntrackd_port: 3780,
  nftables_ssh_port: 22,
  /** node_exporter's port, allowed from metrics_allow only. */
  nftables_metrics_port: 9100,
  /** ICMP echo requests accepted per second (burst on top), so a ping flood cannot cost CPU. */
  nftables_icmp_rate: 10,
  nftables_icmp_burst: 20,
  /** Log lines per minute per chain before a drop (burst on top): enough to see, too few to flood the journal. */
  nftables_log_rate: 5,
  nftables_log_burst: 10,
  /** Prefix of the kernel log lines; the chain name follows ("natgw input drop: "). */
  nftables_log_prefix: 'natgw',
  /**
   * Seconds a new ruleset has to be confirmed by a fresh SSH connection from the control side
   * before the host restores the previous one by itself. 0 turns the guard off (plain write and
   * reload through the handler).
   */
  nftables_confirm_timeout: 30,
  /**
   * Seconds a forwarding hold may last on the node that forwards before ha-hold-guard.timer
   * releases it: a hold nobody released (a killed run or notify script) must not keep dropping
   * the pair's traffic. A conntrackd commit takes well under a second.
   */
  nftables_hold_max: 15,
  /** Seconds between two runs of the guard. */
  nftables_hold_guard_interval: 5,
};

export type NftablesVars = typeof nftablesDefaults;

/** Where the hold script lives: the keepalived notify script calls it too. */
export const HA_HOLD_PATH = '/usr/local/sbin/ha-hold';
export const RULESET_PATH = '/etc/nftables.conf';
export const UNIT_DROPIN_DIR = '/etc/systemd/system/nftables.service.d';
export const UNIT_DROPIN_PATH = `${UNIT_DROPIN_DIR}/50-ts-play.conf`;
export const HOLD_GUARD_UNIT = 'ha-hold-guard';
