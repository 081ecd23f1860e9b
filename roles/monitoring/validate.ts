import { absolutePath, checkOverrides, durationSeconds, portNumber } from 'ts-play';
import type { MonitoringVars } from './defaults.ts';

const NODE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const JOB = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

function duration(name: string, d: unknown, errors: string[]) {
  if (typeof d !== 'string' || !(durationSeconds(d) > 0)) errors.push(`${name} must be a non-zero duration like "15s" or "5m", got ${JSON.stringify(d)}`);
}

export function validateMonitoring(v: MonitoringVars): string[] {
  const errors: string[] = [];
  const targets = v.monitoring_gateway_targets;
  if (targets.length === 0) errors.push('monitoring_gateway_targets is empty: list each gateway as {node, address: "IP:9100"}');
  const nodes = new Set<string>();
  targets.forEach((t, i) => {
    const where = `monitoring_gateway_targets[${i}]`;
    if (typeof t !== 'object' || t === null) return errors.push(`${where} must be a mapping {node, address}`);
    if (typeof t.node !== 'string' || !NODE.test(t.node)) errors.push(`${where}.node must be a host name, got ${JSON.stringify(t.node)}`);
    if (typeof t.address !== 'string' || !ADDRESS.test(t.address)) errors.push(`${where}.address must be HOST:PORT, got ${JSON.stringify(t.address)}`);
    if (nodes.has(t.node)) errors.push(`${where}.node "${t.node}" is listed twice`);
    nodes.add(t.node);
  });
  if (!JOB.test(v.monitoring_gateway_job)) errors.push(`monitoring_gateway_job must be a job name ([a-zA-Z_][a-zA-Z0-9_-]*), got "${v.monitoring_gateway_job}"`);
  for (const k of ['monitoring_scrape_interval', 'monitoring_evaluation_interval', 'monitoring_alertmanager_group_wait', 'monitoring_alertmanager_group_interval', 'monitoring_alertmanager_repeat_interval'] as const) {
    duration(k, v[k], errors);
  }
  errors.push(...checkOverrides('monitoring_alert_for', v.monitoring_alert_for, 'monitoring_thresholds', v.monitoring_thresholds));
  errors.push(...portNumber('monitoring_prometheus_port', v.monitoring_prometheus_port));
  errors.push(...portNumber('monitoring_alertmanager_port', v.monitoring_alertmanager_port));
  errors.push(...portNumber('monitoring_webhook_port', v.monitoring_webhook_port));
  if (!/^https?:\/\/\S+$/.test(v.vault_alert_webhook_url)) errors.push('vault_alert_webhook_url must be an http(s) URL (value not shown: it comes from the vault)');
  errors.push(...absolutePath('monitoring_webhook_log', v.monitoring_webhook_log));
  return errors;
}
