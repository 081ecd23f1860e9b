import { stringify } from 'yaml';
import { alertDefs, runbookUrl } from './alerts.ts';
import type { ObservabilityConfig } from './config.ts';

export const RULE_GROUP = 'nat-ha';
export const RULE_FILE_NAME = 'nat-ha.rules.yml';

export interface PromRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function promRules(c: ObservabilityConfig): PromRule[] {
  return alertDefs(c).map((d) => ({
    alert: d.name,
    expr: d.expr,
    for: d.for,
    labels: { severity: d.severity },
    annotations: { summary: d.summary, description: d.description, runbook_url: runbookUrl(c, d) },
  }));
}

const HEADER = (source: string) =>
  `# Generated from src/observability (${source}): edit the TypeScript source, then \`npm run generate\`.\n`;

/** The Prometheus rule file for a configuration (defaults: the checked-in file; the monitoring role: inventory's). */
export function renderRules(c: ObservabilityConfig, source = 'defaults'): string {
  const doc = { groups: [{ name: RULE_GROUP, rules: promRules(c) }] };
  return HEADER(source) + stringify(doc, { lineWidth: 0 });
}
