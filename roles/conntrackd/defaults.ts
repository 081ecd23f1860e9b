import { bgpPeerDefaults, managementDefaults, networkDefaults, vipDefaults } from 'ts-play';

export const defaults = {
  ...networkDefaults,
  /** The management address is ignored by the sync filter like the other own addresses. */
  ...managementDefaults,
  /** keepalived's: a restart hands the VIPs over the way keepalived moves them. */
  ...vipDefaults,
  /** bgp mode: the sessions with the route servers are the node's own flows, never synced. */
  ...bgpPeerDefaults,
  /** UDP port of the FTFW sync channel on the dedicated link. */
  conntrackd_port: 3780,
  /** Must be >= 2 x the kernel's nf_conntrack_max (validated against the sysctl role's value). */
  conntrackd_hash_limit: 524288,
  conntrackd_hash_size: 65536,
  /** Kernel event socket: large enough for bursts of new flows without overruns. */
  conntrackd_netlink_buffer: 2097152,
  conntrackd_netlink_buffer_max: 8388608,
  /** UDP send/receive buffers of the sync socket. */
  conntrackd_sync_socket_buffer: 1249280,
  /** FTFW resend queue (messages kept for retransmission) and the ack window. */
  conntrackd_resend_queue_size: 131072,
  conntrackd_ack_window: 300,
  /** Protocols whose flows are synced; the upstream example leaves UDP and ICMP out. */
  conntrackd_protocols: ['TCP', 'SCTP', 'UDP', 'ICMP'] as string[],
  /** Further addresses whose flows are not synced (plain IPs). */
  conntrackd_ignore_extra: [] as string[],
  /** The kernel's nf_conntrack_max when no sysctl role variable says it (used for the HashLimit check). */
  conntrackd_nf_conntrack_max: 262144,
  conntrackd_config: '/etc/conntrackd/conntrackd.conf',
  conntrackd_lock_file: '/var/lock/conntrackd.lock',
  conntrackd_socket: '/var/run/conntrackd.sock',
};

export type ConntrackdVars = typeof defaults;
