import { durationSeconds, type AlertName, type ObservabilityConfig } from './config.ts';
import { DROP_COUNTERS, M } from './metrics.ts';

export type Severity = 'critical' | 'warning';

export interface AlertDef {
  name: AlertName;
  severity: Severity;
  expr: string;
  for: string;
  /** Labels the alert carries besides alertname and severity (documented, and checked by promtool tests). */
  labels: string[];
  /** Annotation templates: only {{ $labels.NAME }} substitutions, so tests can expand them exactly. */
  summary: string;
  description: string;
  /** Anchor in the runbook (docs/runbook-failover.md#anchor). */
  anchor: string;
  /** The condition in words, for the docs table. */
  when: string;
}

const NODE = ['instance', 'job', 'node'];

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`;
}

/** The alert definitions for one configuration: the single source the rule file and docs come from. */
export function alertDefs(c: ObservabilityConfig): AlertDef[] {
  const job = `job=${JSON.stringify(c.gateway_job)}`;
  const t = c.thresholds;
  const drops = DROP_COUNTERS.join('|');
  const defs: Omit<AlertDef, 'for'>[] = [
    {
      name: 'VrrpPreferredNotMaster',
      severity: 'critical',
      // min over the node's instances: one instance left behind counts; INIT (keepalived down) counts.
      expr: `${M.preferredMaster}{${job}} == 1 unless on (instance) (min by (instance) (${M.vrrpState}{${job}}) == 2)`,
      labels: NODE,
      summary: 'Preferred gateway {{ $labels.node }} is not VRRP MASTER',
      description: 'Inventory prefers {{ $labels.node }} ({{ $labels.instance }}) as master, but at least one of its VRRP instances is not MASTER (or keepalived is not running). Traffic runs through the backup.',
      anchor: 'preferred-node-not-master',
      when: 'the preferred node has a VRRP instance not in MASTER (INIT when keepalived is down)',
    },
    {
      name: 'VrrpSplitBrain',
      severity: 'critical',
      expr: `count by (iname, vrid) (${M.vrrpState}{${job}} == 2) > 1`,
      labels: ['iname', 'vrid'],
      summary: 'Split brain: both gateways are MASTER for {{ $labels.iname }}',
      description: 'More than one node reports MASTER for VRRP instance {{ $labels.iname }} (VRID {{ $labels.vrid }}): both hold the VIP. Check the VRRP path between the nodes.',
      anchor: 'split-brain',
      when: 'more than one node is MASTER for the same VRRP instance',
    },
    {
      name: 'VrrpNoMaster',
      severity: 'critical',
      expr: `count by (iname, vrid) (${M.vrrpState}{${job}}) unless count by (iname, vrid) (${M.vrrpState}{${job}} == 2)`,
      labels: ['iname', 'vrid'],
      summary: 'No gateway is MASTER for {{ $labels.iname }}',
      description: 'No node reports MASTER for VRRP instance {{ $labels.iname }} (VRID {{ $labels.vrid }}): nobody holds the VIP and traffic through it stops.',
      anchor: 'no-master',
      when: 'nodes report the VRRP instance, none of them as MASTER',
    },
    {
      name: 'ConntrackTableNearlyFull',
      severity: 'warning',
      expr: `${M.ctEntries}{${job}} / ${M.ctLimit}{${job}} > ${t.conntrack_usage_ratio}`,
      labels: NODE,
      summary: 'Conntrack table on {{ $labels.node }} above ' + pct(t.conntrack_usage_ratio),
      description: `Conntrack entries on {{ $labels.node }} ({{ $labels.instance }}) exceed ${pct(t.conntrack_usage_ratio)} of nf_conntrack_max; when it is full new flows are dropped.`,
      anchor: 'conntrack-table-full',
      when: `node_nf_conntrack_entries / node_nf_conntrack_entries_limit > ${t.conntrack_usage_ratio}`,
    },
    {
      name: 'NatDropRateHigh',
      severity: 'warning',
      expr: `sum by (instance, job, node) (rate(${M.nftPackets}{${job}, name=~"${drops}"}[${t.drop_rate_window}])) > ${t.drop_rate_pps}`,
      labels: NODE,
      summary: 'Firewall on {{ $labels.node }} drops more than ' + `${t.drop_rate_pps} packets/s`,
      description: `The nftables drop counters (${DROP_COUNTERS.join(', ')}) on {{ $labels.node }} ({{ $labels.instance }}) together exceed ${t.drop_rate_pps} packets/s over ${t.drop_rate_window}.`,
      anchor: 'drop-rate-high',
      when: `drop counters (${DROP_COUNTERS.join(', ')}) > ${t.drop_rate_pps} packets/s over ${t.drop_rate_window}; ha_hold_drops excluded (deliberate hold)`,
    },
    {
      name: 'HealthCheckFailing',
      severity: 'critical',
      expr: `increase(${M.checkFailures}{${job}}[${t.healthcheck_window}]) >= ${t.healthcheck_failures}`,
      labels: NODE,
      summary: 'Health check failing on {{ $labels.node }}',
      description: `The HA health check on {{ $labels.node }} ({{ $labels.instance }}) failed ${t.healthcheck_failures} or more times within ${t.healthcheck_window}; keepalived lowers its priority.`,
      anchor: 'health-check-failing',
      when: `increase(ha_check_failures_total[${t.healthcheck_window}]) >= ${t.healthcheck_failures}`,
    },
    {
      name: 'ConntrackdSyncErrors',
      severity: 'warning',
      expr:
        `(sum by (instance, job, node) (increase(${M.conntrackdErrors}{${job}}[${t.conntrackd_window}])) > 0)` +
        ` or (sum by (instance, job, node) (increase(${M.conntrackdLost}{${job}}[${t.conntrackd_window}])) > 0)`,
      labels: NODE,
      summary: 'conntrackd sync errors or lost messages on {{ $labels.node }}',
      description: `conntrackd on {{ $labels.node }} ({{ $labels.instance }}) counted sync send/receive errors or lost messages within ${t.conntrackd_window}: the peer's flow table may be incomplete, so a failover can break connections.`,
      anchor: 'conntrackd-sync-errors',
      when: `conntrackd_sync_errors_total or conntrackd_sync_lost_messages_total increased within ${t.conntrackd_window}`,
    },
    {
      name: 'ConntrackdSyncStalled',
      severity: 'critical',
      // On a backup: messages keep getting lost while nothing from the peer lands in the external
      // cache (conntrackd's silent stall, cured only by restarting conntrackd on the peer).
      expr:
        `(sum by (instance, job, node) (increase(${M.conntrackdLost}{${job}}[${t.conntrackd_window}])) > 0)` +
        ` and on (instance) (sum by (instance) (increase(${M.conntrackdEvents}{${job}, cache="external", event=~"created|updated"}[${t.conntrackd_window}])) == 0)` +
        ` and on (instance) (max by (instance) (${M.vrrpState}{${job}}) == 1)`,
      labels: NODE,
      summary: 'conntrackd sync stalled on backup {{ $labels.node }}',
      description: `conntrackd on the backup {{ $labels.node }} ({{ $labels.instance }}) keeps losing sync messages while its external cache took in nothing from the peer within ${t.conntrackd_window}: flows the master opened since are not on this node, and a failover now breaks them. Restart conntrackd on the peer, then resync.`,
      anchor: 'conntrackd-sync-stalled',
      when: `on a BACKUP node, conntrackd_sync_lost_messages_total rose while conntrackd_cache_events_total{cache="external",event=~"created|updated"} did not, within ${t.conntrackd_window}`,
    },
    {
      name: 'ConntrackdPeerSilent',
      severity: 'critical',
      // FTFW sends alive messages every second: nothing received means the sync link is cut or
      // the peer's conntrackd is gone, and a failover now loses every flow opened since.
      expr: `(sum by (instance, job, node) (increase(${M.conntrackdPackets}{${job}, direction="received"}[${t.conntrackd_window}])) == 0) and on (instance) (${M.conntrackdUp}{${job}} == 1)`,
      labels: NODE,
      summary: 'conntrackd on {{ $labels.node }} hears nothing from its peer',
      description: `conntrackd on {{ $labels.node }} ({{ $labels.instance }}) received no sync packet within ${t.conntrackd_window} although the peer sends one every second: the sync link is cut or the peer's conntrackd is down. Flow state is not replicated.`,
      anchor: 'conntrackd-peer-silent',
      when: `conntrackd answers but conntrackd_sync_packets_total{direction="received"} did not rise within ${t.conntrackd_window}`,
    },
    {
      name: 'ConntrackdDown',
      severity: 'warning',
      expr: `${M.conntrackdUp}{${job}} == 0`,
      labels: NODE,
      summary: 'conntrackd not answering on {{ $labels.node }}',
      description: 'conntrackd on {{ $labels.node }} ({{ $labels.instance }}) did not answer `conntrackd -s`: flow state is not synchronised.',
      anchor: 'conntrackd-down',
      when: 'conntrackd_up == 0',
    },
    {
      name: 'TextfileMetricsStale',
      severity: 'warning',
      expr: `time() - ${M.textfileMtime}{${job}} > ${t.textfile_stale_seconds}`,
      labels: ['file', ...NODE],
      summary: 'Stale textfile metrics on {{ $labels.node }}',
      description: `{{ $labels.file }} on {{ $labels.node }} ({{ $labels.instance }}) was not rewritten for more than ${t.textfile_stale_seconds} s: the HA metrics from it (VRRP state, counters, health check) are out of date.`,
      anchor: 'textfile-stale',
      when: `time() - node_textfile_mtime_seconds > ${t.textfile_stale_seconds}`,
    },
    {
      name: 'GatewayDown',
      severity: 'critical',
      expr: `${M.up}{${job}} == 0`,
      labels: NODE,
      summary: 'Gateway {{ $labels.node }} cannot be scraped',
      description: 'Prometheus cannot scrape node_exporter on {{ $labels.node }} ({{ $labels.instance }}): the node is down, unreachable on its management address, or node_exporter stopped.',
      anchor: 'gateway-down',
      when: `up{job="${c.gateway_job}"} == 0`,
    },
  ];
  return defs.map((d) => ({ ...d, for: c.for[d.name] }));
}

/** Fills {{ $labels.NAME }}; refuses any other template syntax so expected annotations stay exact. */
export function expandLabels(template: string, labels: Record<string, string>): string {
  const out = template.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, name: string) => {
    const v = labels[name];
    if (v === undefined) throw new Error(`annotation uses $labels.${name}, which the alert does not carry: ${template}`);
    return v;
  });
  if (out.includes('{{')) throw new Error(`annotation has template syntax other than {{ $labels.NAME }}: ${template}`);
  return out;
}

export function runbookUrl(c: ObservabilityConfig, d: AlertDef): string {
  return `${c.runbook_base}#${d.anchor}`;
}

export function forSeconds(d: AlertDef): number {
  return durationSeconds(d.for);
}
