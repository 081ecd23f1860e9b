import { managementDefaults, networkDefaults } from 'ts-play';

export const defaults = {
  ...networkDefaults,
  /** node_exporter listens on the management address only. */
  ...managementDefaults,
  exporters_listen_port: 9100,
  /** Debian's default textfile-collector directory (the package's built-in flag default). */
  exporters_textfile_dir: '/var/lib/prometheus/node-exporter',
  /** Seconds between runs of the textfile script (ha-textfile.timer). */
  exporters_interval: 10,
  exporters_collect_vrrp: true,
  exporters_collect_nftables: true,
  exporters_collect_conntrackd: true,
  /** Written by ha-notify (keepalived role): per-instance metadata and state files. */
  exporters_vrrp_instances_file: '/etc/keepalived/vrrp-instances',
  exporters_vrrp_state_dir: '/run/ha-notify',
  /** .prom files other users write elsewhere, linked into the textfile directory (ha-check's, as keepalived_script). */
  exporters_textfile_links: ['/var/lib/ha-check/ha_check.prom'] as string[],
  /** Further node_exporter flags. */
  exporters_extra_args: [] as string[],
};

export type ExportersVars = typeof defaults;
