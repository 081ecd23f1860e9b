import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOverrides, configWith, DEFAULT_CONFIG, durationSeconds, formatDuration } from '../../src/observability/config.ts';
import { fillDoc } from '../../src/observability/docs.ts';
import { ROOT, staleFiles } from '../../src/observability/generate.ts';
import { DROP_COUNTERS, LOG_COUNTERS, METRICS } from '../../src/observability/metrics.ts';
import { renderRules } from '../../src/observability/rules.ts';
import { NFT_COUNTERS } from '../../roles/nftables/index.ts';

test('checked-in generated files match the TypeScript source (run `npm run generate`)', (t) => {
  t.deepEqual(staleFiles(), []);
});

test('every textfile metric the rules and dashboard read is written by the gateway scripts', (t) => {
  const scripts: Record<string, string> = {
    'textfile: ha-textfile.sh': readFileSync(join(ROOT, 'roles/exporters/files/ha-textfile.sh'), 'utf8'),
    'textfile: ha-check.sh': readFileSync(join(ROOT, 'roles/healthcheck/files/ha-check.sh'), 'utf8'),
  };
  for (const m of METRICS.filter((x) => x.source.startsWith('textfile'))) {
    t.true(scripts[m.source]!.includes(`# TYPE ${m.name} ${m.type}`), `${m.name} (${m.type}) declared in ${m.source}`);
    for (const l of m.labels) t.true(scripts[m.source]!.includes(`${l}=`), `${m.name} label ${l} written by ${m.source}`);
  }
});

test('drop and log counters are counters the nftables role declares', (t) => {
  for (const c of [...DROP_COUNTERS, ...LOG_COUNTERS]) t.true((NFT_COUNTERS as readonly string[]).includes(c), c);
  t.false((DROP_COUNTERS as readonly string[]).includes('ha_hold_drops'), 'deliberate hold drops must not raise the drop alert');
});

test('durations parse and print back', (t) => {
  t.is(durationSeconds('90s'), 90);
  t.is(durationSeconds('1m30s'), 90);
  t.is(durationSeconds('2h'), 7200);
  t.true(Number.isNaN(durationSeconds('1.5m')));
  t.true(Number.isNaN(durationSeconds('')));
  t.is(formatDuration(90), '1m30s');
  t.is(formatDuration(0), '0s');
});

test('overrides are checked and named by variable and key', (t) => {
  const errors = checkOverrides('monitoring_alert_for', { VrrpPreferedNotMaster: '10s', GatewayDown: 'soon' }, 'monitoring_thresholds', {
    conntrack_usage_ratio: 80, drop_rate_window: 5, nope: 1,
  });
  t.deepEqual(errors.map((e) => e.split(':')[0]), [
    'monitoring_alert_for.VrrpPreferedNotMaster', 'monitoring_alert_for.GatewayDown',
    'monitoring_thresholds.conntrack_usage_ratio', 'monitoring_thresholds.drop_rate_window', 'monitoring_thresholds.nope',
  ]);
  t.deepEqual(checkOverrides('f', { GatewayDown: '15s' }, 'th', { drop_rate_pps: 10 }), []);
});

test('overrides reach the rule file; defaults stay for the rest', (t) => {
  const text = renderRules(configWith({ for: { VrrpPreferredNotMaster: '15s' }, thresholds: { conntrack_usage_ratio: 0.7 } }));
  t.regex(text, /alert: VrrpPreferredNotMaster\n\s+expr: .*\n\s+for: 15s/);
  t.regex(text, /node_nf_conntrack_entries_limit\{job="nat-gateways"\} > 0.7/);
  t.regex(text, /alert: GatewayDown\n\s+expr: .*\n\s+for: 1m/);
  t.is(DEFAULT_CONFIG.for.VrrpPreferredNotMaster, '60s');
});

test('a doc without a generated block marker is refused, naming the block', (t) => {
  t.throws(() => fillDoc('no markers', { alerts: 'x' }), { message: /"alerts"/ });
  t.is(fillDoc('a\n<!-- BEGIN GENERATED: k -->\nold\n<!-- END GENERATED: k -->\n', { k: 'new' }), 'a\n<!-- BEGIN GENERATED: k -->\nnew\n<!-- END GENERATED: k -->\n');
});
