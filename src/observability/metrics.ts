/**
 * Every metric the rules and the dashboard read, with where it comes from. The textfile names
 * are the ones roles/exporters/files/ha-textfile.sh and roles/healthcheck/files/ha-check.sh write;
 * a unit test reads those scripts and fails when a name here is not in them.
 */

export type MetricSource = 'node_exporter' | 'textfile: ha-textfile.sh' | 'textfile: ha-check.sh' | 'prometheus';

export interface MetricDef {
  name: string;
  type: 'gauge' | 'counter';
  labels: string[];
  source: MetricSource;
  help: string;
}

function m(name: string, type: MetricDef['type'], labels: string[], source: MetricSource, help: string): MetricDef {
  return { name, type, labels, source, help };
}

/** Names used in expressions, so a rename is one edit. */
export const M = {
  up: 'up',
  vrrpState: 'keepalived_vrrp_state',
  keepalivedUp: 'keepalived_up',
  vipPresent: 'keepalived_vip_present',
  preferredMaster: 'gateway_preferred_master',
  nftBytes: 'nftables_counter_bytes',
  nftPackets: 'nftables_counter_packets',
  conntrackdUp: 'conntrackd_up',
  conntrackdCache: 'conntrackd_cache_entries',
  conntrackdEvents: 'conntrackd_cache_events_total',
  conntrackdBytes: 'conntrackd_sync_bytes_total',
  conntrackdPackets: 'conntrackd_sync_packets_total',
  conntrackdErrors: 'conntrackd_sync_errors_total',
  conntrackdMalformed: 'conntrackd_sync_malformed_messages_total',
  conntrackdLost: 'conntrackd_sync_lost_messages_total',
  checkUp: 'ha_check_up',
  checkFailures: 'ha_check_failures_total',
  checkLastRun: 'ha_check_last_run_timestamp_seconds',
  ctEntries: 'node_nf_conntrack_entries',
  ctLimit: 'node_nf_conntrack_entries_limit',
  ctInsert: 'node_nf_conntrack_stat_insert',
  ctInsertFailed: 'node_nf_conntrack_stat_insert_failed',
  ctDrop: 'node_nf_conntrack_stat_drop',
  netRx: 'node_network_receive_bytes_total',
  netTx: 'node_network_transmit_bytes_total',
  textfileMtime: 'node_textfile_mtime_seconds',
  textfileError: 'node_textfile_scrape_error',
} as const;

/** nftables named counters (roles/nftables NFT_COUNTERS) whose packets are dropped traffic. */
export const DROP_COUNTERS = ['input_drops', 'forward_drops', 'invalid', 'vrrp_foreign'] as const;
/** Counters in front of the rate-limited log statements: logged drops. */
export const LOG_COUNTERS = ['log_input', 'log_forward', 'log_vrrp'] as const;

export const VRRP_STATES = ['INIT', 'BACKUP', 'MASTER', 'FAULT'] as const;

const TF = 'textfile: ha-textfile.sh' as const;
const HC = 'textfile: ha-check.sh' as const;
const NE = 'node_exporter' as const;

export const METRICS: MetricDef[] = [
  m(M.up, 'gauge', ['instance', 'node', 'job'], 'prometheus', '1 when the last scrape of the target succeeded.'),
  m(M.vrrpState, 'gauge', ['iname', 'intf', 'vrid', 'ip_address'], TF, 'VRRP state per instance: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (0 while keepalived is not running).'),
  m(M.keepalivedUp, 'gauge', [], TF, '1 while a keepalived process runs.'),
  m(M.vipPresent, 'gauge', ['ip_address', 'intf'], TF, '1 when the VIP is configured on its interface on this node.'),
  m(M.preferredMaster, 'gauge', [], TF, '1 when inventory prefers this node as master (node_role_preferred).'),
  m(M.nftBytes, 'counter', ['name', 'table', 'family'], TF, 'Bytes of an nftables named counter (reset by a ruleset reload).'),
  m(M.nftPackets, 'counter', ['name', 'table', 'family'], TF, 'Packets of an nftables named counter (reset by a ruleset reload).'),
  m(M.conntrackdUp, 'gauge', [], TF, '1 when conntrackd answered `conntrackd -s`.'),
  m(M.conntrackdCache, 'gauge', ['cache'], TF, 'Entries in the internal (own flows) and external (peer flows) cache.'),
  m(M.conntrackdEvents, 'counter', ['cache', 'event'], TF, 'Entries a cache created, updated and destroyed (external: applied from the peer\'s messages): flat on a backup while the master\'s flows change means sync stalled.'),
  m(M.conntrackdBytes, 'counter', ['direction'], TF, 'Bytes sent/received on the sync channel.'),
  m(M.conntrackdPackets, 'counter', ['direction'], TF, 'Packets sent/received on the sync channel.'),
  m(M.conntrackdErrors, 'counter', ['direction'], TF, 'Send/receive errors on the sync channel.'),
  m(M.conntrackdMalformed, 'counter', [], TF, 'Malformed sync messages received.'),
  m(M.conntrackdLost, 'counter', [], TF, 'Sync messages lost (FTFW sequence gaps).'),
  m(M.checkUp, 'gauge', [], HC, '1 when the last health-check run found the node healthy.'),
  m(M.checkFailures, 'counter', [], HC, 'Health-check runs that found the node unhealthy.'),
  m(M.checkLastRun, 'gauge', [], HC, 'Unix time of the last health-check run.'),
  m(M.ctEntries, 'gauge', [], NE, 'Conntrack entries in use (conntrack collector).'),
  m(M.ctLimit, 'gauge', [], NE, 'nf_conntrack_max (conntrack collector).'),
  m(M.ctInsert, 'gauge', [], NE, 'Conntrack entries inserted (monotonic, per CPU summed): rate() = new flows/s.'),
  m(M.ctInsertFailed, 'gauge', [], NE, 'Conntrack inserts that failed (monotonic).'),
  m(M.ctDrop, 'gauge', [], NE, 'Packets dropped because conntrack was full (monotonic).'),
  m(M.netRx, 'counter', ['device'], NE, 'Bytes received per interface (WAN: NAT throughput in).'),
  m(M.netTx, 'counter', ['device'], NE, 'Bytes sent per interface (WAN: NAT throughput out).'),
  m(M.textfileMtime, 'gauge', ['file'], NE, 'Modification time of each textfile-collector file.'),
  m(M.textfileError, 'gauge', [], NE, '1 when the textfile collector could not read a file.'),
];
