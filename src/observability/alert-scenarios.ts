import { durationSeconds, type AlertName, type ObservabilityConfig } from './config.ts';
import { M } from './metrics.ts';
import { ONSET, STEP, sel, type Labels, type Scenario, type Series } from './scenario-kit.ts';
import { peerSilentScenarios, stallScenarios } from './alert-scenarios-sync.ts';

/**
 * Promtool scenarios per alert, as data: input series on a 15 s grid, when the condition starts
 * holding, and which label sets must fire. promtool-tests.ts turns each into checks before the
 * `for` elapses (silent), once it has (firing, exact labels and annotations), and for silent
 * scenarios at several points (exp_alerts empty).
 */
export { STEP, ONSET, type Series, type Scenario } from './scenario-kit.ts';

/** Samples enough to cover any check of any scenario under this configuration. */
function sampleCount(c: ObservabilityConfig): number {
  const longestFor = Math.max(...Object.values(c.for).map(durationSeconds));
  const t = c.thresholds;
  const windows = [t.drop_rate_window, t.healthcheck_window, t.conntrackd_window].map(durationSeconds);
  const horizon = ONSET + Math.max(...windows, t.textfile_stale_seconds) + longestFor + 10 * STEP;
  return Math.ceil(horizon / STEP);
}

export function scenarios(c: ObservabilityConfig): Scenario[] {
  const N = sampleCount(c);
  const k = ONSET / STEP; // index of the first changed sample
  const steady = (v: number | string) => `${v}x${N}`;
  const stepTo = (before: number, after: number) => `${before}x${k - 1} ${after}x${N - k}`;
  const rampFrom = (base: number, inc: number) => `${base}x${k - 1} ${base + inc}+${inc}x${N - k}`;
  const job = c.gateway_job;
  const gw1: Labels = { instance: '198.18.0.11:9100', job, node: 'gw1' };
  const gw2: Labels = { instance: '198.18.0.12:9100', job, node: 'gw2' };
  const lan = { iname: 'VI_LAN', intf: 'lan', vrid: '51', ip_address: '198.18.1.1' };
  const wan = { iname: 'VI_WAN', intf: 'wan', vrid: '52', ip_address: '198.19.0.1' };
  const vrrp = (node: Labels, inst: Labels, values: string) => ({ series: sel(M.vrrpState, { ...inst, ...node }), values });
  const pref = (node: Labels, v: number) => ({ series: sel(M.preferredMaster, node), values: steady(v) });
  const healthyPair = (): Series[] => [
    pref(gw1, 1), pref(gw2, 0),
    vrrp(gw1, lan, steady(2)), vrrp(gw1, wan, steady(2)), vrrp(gw2, lan, steady(1)), vrrp(gw2, wan, steady(1)),
  ];
  const vrrpKeys = (i: typeof lan) => ({ iname: i.iname, vrid: i.vrid });
  const forS = (a: AlertName) => durationSeconds(c.for[a]);
  const t = c.thresholds;

  const list: Scenario[] = [
    {
      alert: 'VrrpPreferredNotMaster', name: 'preferred node loses one VRRP instance to the backup',
      series: [pref(gw1, 1), pref(gw2, 0), vrrp(gw1, lan, stepTo(2, 1)), vrrp(gw1, wan, steady(2)), vrrp(gw2, lan, stepTo(1, 2)), vrrp(gw2, wan, steady(1))],
      onset: ONSET, fires: [gw1],
    },
    {
      alert: 'VrrpPreferredNotMaster', name: 'keepalived stopped on the preferred node (INIT)',
      series: [pref(gw1, 1), pref(gw2, 0), vrrp(gw1, lan, stepTo(2, 0)), vrrp(gw1, wan, stepTo(2, 0)), vrrp(gw2, lan, stepTo(1, 2)), vrrp(gw2, wan, stepTo(1, 2))],
      onset: ONSET, fires: [gw1],
    },
    { alert: 'VrrpPreferredNotMaster', name: 'preferred node MASTER, backup BACKUP', series: healthyPair() },
    {
      alert: 'VrrpSplitBrain', name: 'backup also becomes MASTER for the LAN instance',
      series: [vrrp(gw1, lan, steady(2)), vrrp(gw1, wan, steady(2)), vrrp(gw2, lan, stepTo(1, 2)), vrrp(gw2, wan, steady(1))],
      onset: ONSET, fires: [vrrpKeys(lan)],
    },
    {
      alert: 'VrrpSplitBrain', name: 'clean takeover: MASTER moves from gw1 to gw2',
      series: [vrrp(gw1, lan, stepTo(2, 1)), vrrp(gw1, wan, stepTo(2, 1)), vrrp(gw2, lan, stepTo(1, 2)), vrrp(gw2, wan, stepTo(1, 2))],
    },
    {
      alert: 'VrrpNoMaster', name: 'the MASTER goes to FAULT and the backup stays BACKUP',
      series: [vrrp(gw1, lan, stepTo(2, 3)), vrrp(gw1, wan, steady(2)), vrrp(gw2, lan, steady(1)), vrrp(gw2, wan, steady(1))],
      onset: ONSET, fires: [vrrpKeys(lan)],
    },
    {
      alert: 'VrrpNoMaster', name: 'failover: one node stays MASTER for each instance',
      series: [vrrp(gw1, lan, stepTo(2, 1)), vrrp(gw1, wan, stepTo(2, 1)), vrrp(gw2, lan, stepTo(1, 2)), vrrp(gw2, wan, stepTo(1, 2))],
    },
    {
      alert: 'ConntrackTableNearlyFull', name: `conntrack usage rises above ${t.conntrack_usage_ratio}`,
      series: [
        { series: sel(M.ctEntries, gw1), values: stepTo(Math.round(t.conntrack_usage_ratio * 500), Math.round(t.conntrack_usage_ratio * 1000) + 50) },
        { series: sel(M.ctLimit, gw1), values: steady(1000) },
        { series: sel(M.ctEntries, gw2), values: steady(10) }, { series: sel(M.ctLimit, gw2), values: steady(1000) },
      ],
      onset: ONSET, fires: [gw1],
    },
    {
      alert: 'ConntrackTableNearlyFull', name: 'usage just below the threshold',
      series: [{ series: sel(M.ctEntries, gw1), values: steady(Math.round(t.conntrack_usage_ratio * 1000) - 10) }, { series: sel(M.ctLimit, gw1), values: steady(1000) }],
    },
    {
      alert: 'NatDropRateHigh', name: 'forward drops at twice the threshold',
      series: [
        { series: sel(M.nftPackets, { ...gw1, name: 'forward_drops', table: 'natgw', family: 'inet' }), values: rampFrom(500, 2 * t.drop_rate_pps * STEP) },
        { series: sel(M.nftPackets, { ...gw1, name: 'input_drops', table: 'natgw', family: 'inet' }), values: steady(7) },
      ],
      onset: ONSET, slack: durationSeconds(t.drop_rate_window), fires: [gw1],
    },
    {
      alert: 'NatDropRateHigh', name: 'drops below the threshold; ha_hold drops (deliberate) far above it',
      series: [
        { series: sel(M.nftPackets, { ...gw1, name: 'forward_drops', table: 'natgw', family: 'inet' }), values: `0+${Math.floor((t.drop_rate_pps * STEP) / 5)}x${N}` },
        { series: sel(M.nftPackets, { ...gw1, name: 'ha_hold_drops', table: 'natgw', family: 'inet' }), values: `0+${20 * t.drop_rate_pps * STEP}x${N}` },
      ],
    },
    {
      alert: 'HealthCheckFailing', name: `a failure every ${STEP} s: fires on the ${t.healthcheck_failures}th`,
      series: [{ series: sel(M.checkFailures, gw1), values: rampFrom(40, 1) }, { series: sel(M.checkFailures, gw2), values: steady(3) }],
      onset: ONSET, slack: (t.healthcheck_failures - 1) * STEP, fires: [gw1],
      extra: [{ at: ONSET + (t.healthcheck_failures - 2) * STEP, fires: [] }],
    },
    {
      alert: 'HealthCheckFailing', name: `${t.healthcheck_failures} failures spread wider than ${t.healthcheck_window}`,
      series: [{ series: sel(M.checkFailures, gw1), values: spread(N, k, durationSeconds(t.healthcheck_window) / STEP + 2, t.healthcheck_failures) }],
    },
    {
      alert: 'ConntrackdSyncErrors', name: 'one send error',
      series: [
        { series: sel(M.conntrackdErrors, { ...gw1, direction: 'sent' }), values: stepTo(2, 3) },
        { series: sel(M.conntrackdErrors, { ...gw1, direction: 'received' }), values: steady(0) },
        { series: sel(M.conntrackdLost, gw1), values: steady(0) },
      ],
      onset: ONSET, fires: [gw1],
    },
    {
      alert: 'ConntrackdSyncErrors', name: 'lost messages on the backup',
      series: [{ series: sel(M.conntrackdErrors, { ...gw2, direction: 'sent' }), values: steady(0) }, { series: sel(M.conntrackdLost, gw2), values: stepTo(0, 5) }],
      onset: ONSET, fires: [gw2],
    },
    {
      alert: 'ConntrackdSyncErrors', name: 'old errors, no new ones',
      series: [{ series: sel(M.conntrackdErrors, { ...gw1, direction: 'sent' }), values: steady(12) }, { series: sel(M.conntrackdLost, gw1), values: steady(4) }],
    },
    ...stallScenarios({ n: N, k, windowS: durationSeconds(t.conntrackd_window) }, gw1, gw2, { lan, wan }, steady, rampFrom, vrrp),
    ...peerSilentScenarios({ n: N, k, windowS: durationSeconds(t.conntrackd_window) }, gw1, gw2, steady),
    {
      alert: 'ConntrackdDown', name: 'conntrackd stops answering',
      series: [{ series: sel(M.conntrackdUp, gw1), values: stepTo(1, 0) }, { series: sel(M.conntrackdUp, gw2), values: steady(1) }],
      onset: ONSET, fires: [gw1],
    },
    { alert: 'ConntrackdDown', name: 'conntrackd answering on both', series: [{ series: sel(M.conntrackdUp, gw1), values: steady(1) }, { series: sel(M.conntrackdUp, gw2), values: steady(1) }] },
    staleScenario(c, N, k, gw1),
    {
      alert: 'TextfileMetricsStale', name: 'files rewritten every scrape',
      series: [{ series: sel(M.textfileMtime, { ...gw1, file: '/var/lib/prometheus/node-exporter/ha_vrrp.prom' }), values: `0+${STEP}x${N}` }],
    },
    {
      alert: 'GatewayDown', name: 'gw2 stops answering scrapes',
      series: [{ series: sel(M.up, gw1), values: steady(1) }, { series: sel(M.up, gw2), values: stepTo(1, 0) }],
      onset: ONSET, fires: [gw2],
    },
    {
      alert: 'GatewayDown', name: 'another job down is not a gateway down',
      series: [{ series: sel(M.up, gw1), values: steady(1) }, { series: sel(M.up, { instance: 'localhost:9090', job: 'prometheus' }), values: steady(0) }],
    },
  ];
  // A one-scrape overlap during a takeover must not page, unless `for` is shorter than a scrape.
  if (forS('VrrpSplitBrain') > STEP) {
    list.push({
      alert: 'VrrpSplitBrain', name: 'both MASTER for a single scrape during a takeover',
      // gw1 still MASTER at ONSET (sample k), BACKUP from the next scrape; gw2 MASTER from ONSET.
      series: [vrrp(gw1, lan, `2x${k} 1x${N - k - 1}`), vrrp(gw2, lan, stepTo(1, 2))],
    });
  }
  return list;
}

/** A counter that rises by one `count` times, `gap` samples apart, starting at sample k. */
function spread(n: number, k: number, gap: number, count: number): string {
  const parts: string[] = [];
  let value = 0;
  let i = 0;
  const push = (v: number, len: number) => {
    if (len > 0) parts.push(`${v}x${len - 1}`);
  };
  push(value, k);
  i = k;
  for (let j = 0; j < count; j++) {
    value += 1;
    const len = j === count - 1 ? n - i : gap;
    push(value, len);
    i += len;
  }
  return parts.join(' ');
}

/** ha_vrrp.prom stops being rewritten after ONSET - STEP; ha_check.prom keeps being rewritten. */
function staleScenario(c: ObservabilityConfig, n: number, k: number, gw1: Labels): Scenario {
  const last = (k - 1) * STEP;
  const limit = c.thresholds.textfile_stale_seconds;
  const onset = (Math.floor((last + limit) / STEP) + 1) * STEP; // first evaluation with age > limit
  const stale = { ...gw1, file: '/var/lib/prometheus/node-exporter/ha_vrrp.prom' };
  return {
    alert: 'TextfileMetricsStale', name: 'ha_vrrp.prom stops being rewritten',
    series: [
      { series: sel(M.textfileMtime, stale), values: `0+${STEP}x${k - 1} ${last}x${n - k}` },
      { series: sel(M.textfileMtime, { ...gw1, file: '/var/lib/prometheus/node-exporter/ha_check.prom' }), values: `0+${STEP}x${n}` },
    ],
    onset, fires: [stale],
  };
}

