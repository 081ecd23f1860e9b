import { managementDefaults, networkDefaults, vipDefaults } from 'ts-play';

export const defaults = {
  ...networkDefaults,
  /** node_exporter listens on the management address: the window waits for it there. */
  ...managementDefaults,
  /** How the VIPs move: the handover watches the ones keepalived moves by ARP. */
  ...vipDefaults,
  /** all, security (Debian's security archive only), or a comma-separated list of packages. */
  maintenance_upgrade: 'all',
  /** needed (a newer kernel, /run/reboot-required, a library replaced under a running daemon), always, never. */
  maintenance_reboot: 'needed' as 'needed' | 'always' | 'never',
  /** Seconds for a rebooting node to come back with a new boot id. */
  maintenance_reboot_timeout: 600,
  /** Seconds for keepalived, conntrackd, the ruleset and node_exporter to be back after the node is. */
  maintenance_back_timeout: 180,
  /** Seconds the package lists count as fresh; 0 refreshes them in every window. */
  maintenance_cache_valid_time: 3600,
  /** Nodes already done in an earlier run of this window (comma-separated): the resume command sets it. */
  maintenance_done: '',
  /** What the window checks is back: the conntrackd config, the ruleset's table, node_exporter's port. */
  conntrackd_config: '/etc/conntrackd/conntrackd.conf',
  nftables_table: 'natgw',
  exporters_listen_port: 9100,
};

export type MaintenanceVars = typeof defaults;
