import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ALERT_NAMES, configWith, DEFAULT_CONFIG } from '../../src/observability/config.ts';
import { PATHS, ROOT } from '../../src/observability/generate.ts';
import { promtoolTests } from '../../src/observability/promtool-tests.ts';
import { renderRules } from '../../src/observability/rules.ts';
import { run, tool } from '../helpers/promtool.ts';

const promtool = tool('promtool');

test('promtool check rules accepts the checked-in rule file', (t) => {
  const r = run(promtool, ['check', 'rules', join(ROOT, PATHS.rules)]);
  t.is(r.code, 0, r.out);
  t.regex(r.out, new RegExp(`SUCCESS: ${ALERT_NAMES.length} rules found`));
});

test('promtool test rules passes the checked-in scenarios for every alert', (t) => {
  const r = run(promtool, ['test', 'rules', join(ROOT, PATHS.promtoolTests)]);
  t.is(r.code, 0, r.out);
  const doc = parse(renderRules(DEFAULT_CONFIG)) as { groups: { rules: { alert: string }[] }[] };
  const tested = parse(promtoolTests(DEFAULT_CONFIG, 'x')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
  const checks = tested.tests.flatMap((x) => x.alert_rule_test);
  for (const rule of doc.groups[0]!.rules) {
    t.true(checks.some((c) => c.alertname === rule.alert && c.exp_alerts.length > 0), `${rule.alert} has a firing check`);
    t.true(checks.some((c) => c.alertname === rule.alert && c.exp_alerts.length === 0), `${rule.alert} has a silent check`);
  }
});

function inTemp(files: Record<string, string>, fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('shortened lab durations and other thresholds: rules and their scenarios still agree', (t) => {
  const lab = configWith({
    for: { VrrpPreferredNotMaster: '15s', VrrpSplitBrain: '15s', VrrpNoMaster: '15s', GatewayDown: '15s', ConntrackTableNearlyFull: '30s', HealthCheckFailing: '15s' },
    thresholds: { conntrack_usage_ratio: 0.6, drop_rate_pps: 200, healthcheck_failures: 4, textfile_stale_seconds: 60 },
  });
  inTemp({ 'r.yml': renderRules(lab), 't.yml': promtoolTests(lab, 'r.yml') }, (dir) => {
    const r = run(promtool, ['test', 'rules', 't.yml'], dir);
    t.is(r.code, 0, r.out);
  });
});

test('the scenarios catch a wrong threshold and a wrong for (the tests can fail)', (t) => {
  const wrongRules = renderRules(configWith({ thresholds: { conntrack_usage_ratio: 0.9 }, for: { VrrpPreferredNotMaster: '90s' } }));
  inTemp({ 'r.yml': wrongRules, 't.yml': promtoolTests(DEFAULT_CONFIG, 'r.yml') }, (dir) => {
    const r = run(promtool, ['test', 'rules', 't.yml'], dir);
    t.not(r.code, 0);
    t.regex(r.out, /alertname: ConntrackTableNearlyFull/);
    t.regex(r.out, /alertname: VrrpPreferredNotMaster/);
  });
});

test('a rule file promtool rejects is reported', (t) => {
  inTemp({ 'r.yml': renderRules(DEFAULT_CONFIG).replace('== 1 unless', '== == 1 unless') }, (dir) => {
    const r = run(promtool, ['check', 'rules', 'r.yml'], dir);
    t.not(r.code, 0);
    t.regex(r.out, /parse error/);
  });
});
