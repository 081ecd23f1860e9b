/**
 * Thresholds and `for` durations of the NAT-HA alerts: the knobs an operator (or the lab) turns.
 * Everything generated (rules, promtool tests, dashboard thresholds, docs) reads them from here,
 * and the monitoring role merges inventory overrides onto these defaults.
 */

export const ALERT_NAMES = [
  'VrrpPreferredNotMaster',
  'VrrpSplitBrain',
  'VrrpNoMaster',
  'ConntrackTableNearlyFull',
  'NatDropRateHigh',
  'HealthCheckFailing',
  'ConntrackdSyncErrors',
  'ConntrackdSyncStalled',
  'ConntrackdPeerSilent',
  'ConntrackdDown',
  'TextfileMetricsStale',
  'GatewayDown',
] as const;

export type AlertName = (typeof ALERT_NAMES)[number];

export interface Thresholds {
  /** Conntrack entries / limit above which the table counts as nearly full (0..1). */
  conntrack_usage_ratio: number;
  /** Packets per second dropped by the firewall's drop counters, summed per node. */
  drop_rate_pps: number;
  /** Window of the drop rate (a Prometheus duration). */
  drop_rate_window: string;
  /** Health-check failures within healthcheck_window that page. */
  healthcheck_failures: number;
  healthcheck_window: string;
  /** Window in which any conntrackd sync error or lost message alerts. */
  conntrackd_window: string;
  /** Age in seconds after which a textfile-collector file counts as stale. */
  textfile_stale_seconds: number;
}

export interface ObservabilityConfig {
  /** The scrape job of the gateways' node_exporters: every alert selects on it. */
  gateway_job: string;
  thresholds: Thresholds;
  for: Record<AlertName, string>;
  /** Base of every runbook_url; an anchor per alert is appended. */
  runbook_base: string;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  conntrack_usage_ratio: 0.8,
  drop_rate_pps: 50,
  drop_rate_window: '2m',
  healthcheck_failures: 3,
  healthcheck_window: '2m',
  conntrackd_window: '5m',
  textfile_stale_seconds: 120,
};

export const DEFAULT_FOR: Record<AlertName, string> = {
  VrrpPreferredNotMaster: '60s',
  // A takeover can show both nodes MASTER for an advert or two; a scrape or two is not split brain.
  VrrpSplitBrain: '30s',
  VrrpNoMaster: '30s',
  ConntrackTableNearlyFull: '5m',
  NatDropRateHigh: '5m',
  HealthCheckFailing: '0s',
  ConntrackdSyncErrors: '1m',
  // Lost messages may come in bursts that FTFW recovers from; a stall keeps losing for minutes.
  ConntrackdSyncStalled: '2m',
  ConntrackdPeerSilent: '1m',
  ConntrackdDown: '1m',
  TextfileMetricsStale: '1m',
  GatewayDown: '1m',
};

export const DEFAULT_CONFIG: ObservabilityConfig = {
  gateway_job: 'nat-gateways',
  thresholds: DEFAULT_THRESHOLDS,
  for: DEFAULT_FOR,
  runbook_base: 'docs/runbook-failover.md',
};

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds in a Prometheus duration made of h/m/s parts ("90s", "1m30s", "0s"); NaN otherwise. */
export function durationSeconds(d: string): number {
  const m = DURATION.exec(d);
  if (!m || d === '') return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The shortest Prometheus spelling of whole seconds. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

/** Problems with overrides, each naming the variable and key; empty when usable. */
export function checkOverrides(
  forVar: string,
  forOverrides: Record<string, unknown>,
  thresholdsVar: string,
  thresholdOverrides: Record<string, unknown>,
): string[] {
  const errors: string[] = [];
  for (const [k, v] of Object.entries(forOverrides)) {
    if (!(ALERT_NAMES as readonly string[]).includes(k)) errors.push(`${forVar}.${k}: no such alert (known: ${ALERT_NAMES.join(', ')})`);
    else if (typeof v !== 'string' || Number.isNaN(durationSeconds(v))) errors.push(`${forVar}.${k}: must be a duration like "60s" or "5m", got ${JSON.stringify(v)}`);
  }
  for (const [k, v] of Object.entries(thresholdOverrides)) {
    if (!(k in DEFAULT_THRESHOLDS)) {
      errors.push(`${thresholdsVar}.${k}: no such threshold (known: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')})`);
      continue;
    }
    const want = typeof DEFAULT_THRESHOLDS[k as keyof Thresholds];
    if (want === 'string') {
      if (typeof v !== 'string' || !(durationSeconds(v) > 0)) errors.push(`${thresholdsVar}.${k}: must be a non-zero duration like "2m", got ${JSON.stringify(v)}`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      errors.push(`${thresholdsVar}.${k}: must be a positive number, got ${JSON.stringify(v)}`);
    } else if (k === 'conntrack_usage_ratio' && v >= 1) {
      errors.push(`${thresholdsVar}.${k}: is a ratio of the limit, must be below 1, got ${v}`);
    }
  }
  return errors;
}

/** Defaults with overrides applied; call checkOverrides first. */
export function configWith(over: {
  for?: Partial<Record<AlertName, string>>;
  thresholds?: Partial<Thresholds>;
  gateway_job?: string;
  runbook_base?: string;
}): ObservabilityConfig {
  return {
    gateway_job: over.gateway_job ?? DEFAULT_CONFIG.gateway_job,
    runbook_base: over.runbook_base ?? DEFAULT_CONFIG.runbook_base,
    thresholds: { ...DEFAULT_THRESHOLDS, ...over.thresholds },
    for: { ...DEFAULT_FOR, ...over.for },
  };
}
