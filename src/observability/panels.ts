import type { ObservabilityConfig } from './config.ts';
import { DROP_COUNTERS, LOG_COUNTERS, M } from './metrics.ts';

/**
 * The dashboard's content as data: rows, panels, queries. dashboard.ts turns it into Grafana JSON
 * with the foundation SDK; the lab test runs every query against the lab's Prometheus.
 */
export interface PanelQuery {
  refId: string;
  expr: string;
  legend: string;
}

export interface PanelSpec {
  title: string;
  kind: 'state-timeline' | 'timeseries';
  description: string;
  unit: string;
  queries: PanelQuery[];
  /** Value -> text/colour for state timelines. */
  states?: { value: number; text: string; color: string }[];
  /** A red threshold line (timeseries) at this value. */
  threshold?: number;
  /** Full width instead of half. */
  wide?: boolean;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

/** The dashboard variable holding the WAN interface name (device label of node_network_*). */
export const WAN_VAR = 'wan';
export const DATASOURCE_VAR = 'datasource';

function q(refId: string, expr: string, legend: string): PanelQuery {
  return { refId, expr, legend };
}

export function dashboardRows(c: ObservabilityConfig): RowSpec[] {
  const j = `job="${c.gateway_job}"`;
  const ri = '$__rate_interval';
  const t = c.thresholds;
  return [
    {
      title: 'VRRP',
      panels: [
        {
          title: 'VRRP state per node', kind: 'state-timeline', unit: 'none', wide: true,
          description: 'keepalived_vrrp_state per node and instance (INIT also while keepalived is down).',
          queries: [q('A', `${M.vrrpState}{${j}}`, '{{node}} {{iname}}')],
          states: [
            { value: 0, text: 'INIT', color: 'blue' }, { value: 1, text: 'BACKUP', color: 'yellow' },
            { value: 2, text: 'MASTER', color: 'green' }, { value: 3, text: 'FAULT', color: 'red' },
          ],
        },
        {
          title: 'VIP held', kind: 'state-timeline', unit: 'none',
          description: 'keepalived_vip_present: where each VIP is configured.',
          queries: [q('A', `${M.vipPresent}{${j}}`, '{{node}} {{ip_address}}')],
          states: [{ value: 0, text: 'absent', color: 'transparent' }, { value: 1, text: 'held', color: 'green' }],
        },
        {
          title: 'Scrape and health check', kind: 'state-timeline', unit: 'none',
          description: 'up (Prometheus reaches node_exporter) and ha_check_up (the HA health check passes).',
          queries: [q('A', `${M.up}{${j}}`, '{{node}} scrape'), q('B', `${M.checkUp}{${j}}`, '{{node}} health check')],
          states: [{ value: 0, text: 'down', color: 'red' }, { value: 1, text: 'up', color: 'green' }],
        },
      ],
    },
    {
      title: 'Conntrack',
      panels: [
        {
          title: 'Conntrack table usage', kind: 'timeseries', unit: 'percent', threshold: t.conntrack_usage_ratio * 100,
          description: 'node_nf_conntrack_entries / node_nf_conntrack_entries_limit; the line is the alert threshold.',
          queries: [q('A', `100 * ${M.ctEntries}{${j}} / ${M.ctLimit}{${j}}`, '{{node}}')],
        },
        {
          title: 'New flows/s', kind: 'timeseries', unit: 'ops',
          description: 'Conntrack inserts per second (node_nf_conntrack_stat_insert), and inserts that failed or were dropped.',
          queries: [
            q('A', `rate(${M.ctInsert}{${j}}[${ri}])`, '{{node}} new'),
            q('B', `rate(${M.ctInsertFailed}{${j}}[${ri}]) + rate(${M.ctDrop}{${j}}[${ri}])`, '{{node}} failed/dropped'),
          ],
        },
      ],
    },
    {
      title: 'Traffic and firewall',
      panels: [
        {
          title: 'NAT throughput (WAN)', kind: 'timeseries', unit: 'Bps', wide: true,
          description: `Bytes/s received and sent on the WAN interface ($${WAN_VAR}).`,
          queries: [
            q('A', `rate(${M.netRx}{${j}, device="$${WAN_VAR}"}[${ri}])`, '{{node}} rx'),
            q('B', `rate(${M.netTx}{${j}, device="$${WAN_VAR}"}[${ri}])`, '{{node}} tx'),
          ],
        },
        {
          title: 'Firewall drops', kind: 'timeseries', unit: 'pps', threshold: t.drop_rate_pps,
          description: `Packets/s through the drop counters (${DROP_COUNTERS.join(', ')}); the line is the alert threshold (summed per node).`,
          queries: [q('A', `sum by (node, name) (rate(${M.nftPackets}{${j}, name=~"${DROP_COUNTERS.join('|')}"}[${ri}]))`, '{{node}} {{name}}')],
        },
        {
          title: 'nftables log counters', kind: 'timeseries', unit: 'pps',
          description: `Packets/s reaching the rate-limited log statements (${LOG_COUNTERS.join(', ')}).`,
          queries: [q('A', `sum by (node, name) (rate(${M.nftPackets}{${j}, name=~"${LOG_COUNTERS.join('|')}"}[${ri}]))`, '{{node}} {{name}}')],
        },
      ],
    },
    {
      title: 'conntrackd sync',
      panels: [
        {
          title: 'conntrackd caches', kind: 'timeseries', unit: 'short',
          description: 'Entries in the internal (own flows) and external (peer flows) caches.',
          queries: [q('A', `${M.conntrackdCache}{${j}}`, '{{node}} {{cache}}')],
        },
        {
          title: 'Sync traffic', kind: 'timeseries', unit: 'pps',
          description: 'Packets/s on the sync channel by direction.',
          queries: [q('A', `rate(${M.conntrackdPackets}{${j}}[${ri}])`, '{{node}} {{direction}}')],
        },
        {
          title: 'Sync errors and lost messages', kind: 'timeseries', unit: 'short', wide: true,
          description: 'Sync errors and lost messages per rate interval: anything above 0 raises ConntrackdSyncErrors.',
          queries: [
            q('A', `sum by (node) (increase(${M.conntrackdErrors}{${j}}[${ri}]))`, '{{node}} errors'),
            q('B', `increase(${M.conntrackdLost}{${j}}[${ri}])`, '{{node}} lost'),
          ],
        },
      ],
    },
  ];
}
