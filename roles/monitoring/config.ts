import { stringify } from 'yaml';
import { configWith, type AlertName, type ObservabilityConfig, type Thresholds } from 'ts-play';
import { RULES_DIR, type MonitoringVars } from './defaults.ts';

const HEADER = (what: string) => `# Managed by ts-play (role monitoring): ${what}. Local edits are overwritten.\n`;

/** The observability configuration this monitor's inventory asks for (validated by the role first). */
export function observabilityConfig(v: MonitoringVars): ObservabilityConfig {
  return configWith({
    gateway_job: v.monitoring_gateway_job,
    runbook_base: v.monitoring_runbook_base,
    for: v.monitoring_alert_for as Partial<Record<AlertName, string>>,
    thresholds: v.monitoring_thresholds as Partial<Thresholds>,
  });
}

export function prometheusYml(v: MonitoringVars, hostName: string): string {
  const doc = {
    global: {
      scrape_interval: v.monitoring_scrape_interval,
      evaluation_interval: v.monitoring_evaluation_interval,
      external_labels: { monitor: hostName },
    },
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`localhost:${v.monitoring_alertmanager_port}`] }] }] },
    // Absolute: promtool check config validates a temp copy elsewhere, and resolves relative paths from it.
    rule_files: [`${RULES_DIR}/*.rules.yml`],
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: [`localhost:${v.monitoring_prometheus_port}`] }] },
      {
        job_name: v.monitoring_gateway_job,
        static_configs: v.monitoring_gateway_targets.map((t) => ({ targets: [t.address], labels: { node: t.node } })),
      },
    ],
  };
  return HEADER('Prometheus scraping the NAT gateways') + stringify(doc, { lineWidth: 0 });
}

export function alertmanagerYml(v: MonitoringVars): string {
  const doc = {
    route: {
      receiver: 'webhook',
      group_by: ['alertname', 'node', 'iname'],
      group_wait: v.monitoring_alertmanager_group_wait,
      group_interval: v.monitoring_alertmanager_group_interval,
      repeat_interval: v.monitoring_alertmanager_repeat_interval,
    },
    receivers: [{ name: 'webhook', webhook_configs: [{ url: v.vault_alert_webhook_url, send_resolved: true }] }],
  };
  return HEADER('Alertmanager routing every alert to the webhook') + stringify(doc, { lineWidth: 0 });
}
