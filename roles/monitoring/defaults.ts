import { required } from 'ts-play';

export interface GatewayTarget {
  /** The `node` label (the gateway's inventory name). */
  node: string;
  /** host:port of its node_exporter on the management network. */
  address: string;
}

export const defaults = {
  /** The gateways' node_exporters; the monitor cannot read other hosts' inventory, so they are listed. */
  monitoring_gateway_targets: required.array<GatewayTarget>(),
  /** Job name of the gateways' scrape config: every alert selects on it. */
  monitoring_gateway_job: 'nat-gateways',
  monitoring_scrape_interval: '15s',
  monitoring_evaluation_interval: '15s',
  /** `for` per alert, overriding src/observability/config.ts (the lab shortens them). */
  monitoring_alert_for: {} as Record<string, string>,
  /** Thresholds overriding src/observability/config.ts (conntrack_usage_ratio, drop_rate_pps, ...). */
  monitoring_thresholds: {} as Record<string, number | string>,
  /** Base of each alert's runbook_url (an anchor is appended). */
  monitoring_runbook_base: 'docs/runbook-failover.md',
  monitoring_prometheus_port: 9090,
  monitoring_alertmanager_port: 9093,
  monitoring_alertmanager_group_wait: '30s',
  monitoring_alertmanager_group_interval: '5m',
  monitoring_alertmanager_repeat_interval: '4h',
  /** Where Alertmanager posts alerts (may hold a token: lives in the vault). */
  vault_alert_webhook_url: required.string(),
  /** Lab: install a tiny webhook receiver on this host that logs every payload. */
  monitoring_webhook_receiver: false,
  monitoring_webhook_port: 9099,
  monitoring_webhook_log: '/var/log/ts-play-alerts.jsonl',
};

export type MonitoringVars = typeof defaults;

export const PROMETHEUS_YML = '/etc/prometheus/prometheus.yml';
export const RULES_DIR = '/etc/prometheus/rules';
export const ALERTMANAGER_YML = '/etc/prometheus/alertmanager.yml';
export const ALERTMANAGER_DEFAULTS = '/etc/default/prometheus-alertmanager';
export const WEBHOOK_SCRIPT = '/usr/local/lib/ts-play/alert-webhook.py';
export const WEBHOOK_UNIT = 'tsp-alert-webhook.service';
