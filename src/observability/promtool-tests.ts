import { stringify } from 'yaml';
import { alertDefs, expandLabels, runbookUrl, type AlertDef } from './alerts.ts';
import { ALERT_NAMES, durationSeconds, formatDuration, type ObservabilityConfig } from './config.ts';
import { scenarios, STEP, type Scenario } from './alert-scenarios.ts';

interface ExpAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpAlert[];
}

function expected(c: ObservabilityConfig, d: AlertDef, labels: Record<string, string>): ExpAlert {
  const all = { ...labels, severity: d.severity };
  return {
    exp_labels: all,
    exp_annotations: {
      summary: expandLabels(d.summary, all),
      description: expandLabels(d.description, all),
      runbook_url: runbookUrl(c, d),
    },
  };
}

/** Evaluation times and expected alerts for one scenario. */
export function checksFor(c: ObservabilityConfig, d: AlertDef, s: Scenario): { at: number; fires: Record<string, string>[] }[] {
  const checks: { at: number; fires: Record<string, string>[] }[] = [];
  if (s.onset === undefined) {
    // Silent scenarios: checked from the start to well past any `for`.
    const last = s.series.length ? Math.ceil((durationSeconds(d.for) + 8 * 60) / STEP) * STEP : 0;
    for (const at of [0, Math.round(last / 3 / STEP) * STEP, Math.round((2 * last) / 3 / STEP) * STEP, last]) checks.push({ at, fires: [] });
  } else {
    const forS = Math.ceil(durationSeconds(d.for) / STEP) * STEP;
    // Just before the `for` has elapsed (or just before onset when `for` is 0): still silent.
    const before = forS > 0 ? s.onset + forS - STEP : s.onset - STEP;
    checks.push({ at: before, fires: [] });
    checks.push({ at: s.onset + (s.slack ?? 0) + forS, fires: s.fires ?? [] });
  }
  for (const e of s.extra ?? []) checks.push(e);
  return checks.sort((a, b) => a.at - b.at);
}

/** The promtool test document for a configuration; ruleFile is relative to the test file's folder. */
export function promtoolTests(c: ObservabilityConfig, ruleFile: string): string {
  const defs = new Map(alertDefs(c).map((d) => [d.name, d]));
  const list = scenarios(c);
  for (const name of ALERT_NAMES) {
    const mine = list.filter((s) => s.alert === name);
    if (!mine.some((s) => s.onset !== undefined) || !mine.some((s) => s.onset === undefined)) {
      throw new Error(`alert ${name} needs a firing and a silent promtool scenario in alert-scenarios.ts`);
    }
  }
  const tests = list.map((s) => {
    const d = defs.get(s.alert)!;
    const alert_rule_test: AlertRuleTest[] = checksFor(c, d, s).map((ch) => ({
      eval_time: formatDuration(ch.at),
      alertname: s.alert,
      exp_alerts: ch.fires.map((l) => expected(c, d, l)),
    }));
    return { name: `${s.alert}: ${s.name}`, interval: `${STEP}s`, input_series: s.series, alert_rule_test };
  });
  const doc = { rule_files: [ruleFile], evaluation_interval: `${STEP}s`, tests };
  return '# Generated from src/observability/alert-scenarios.ts: `npm run generate` rewrites it.\n' + stringify(doc, { lineWidth: 0 });
}
