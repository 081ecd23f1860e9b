import { alertDefs, runbookUrl } from './alerts.ts';
import type { ObservabilityConfig } from './config.ts';
import { METRICS } from './metrics.ts';
import { dashboardRows } from './panels.ts';

/** Generated parts of docs/observability.md, each between BEGIN/END markers named by key. */
export function docBlocks(c: ObservabilityConfig): Record<string, string> {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const metrics = [
    '| Metric | Type | Labels | Source | Meaning |',
    '|---|---|---|---|---|',
    ...METRICS.map((m) => `| \`${m.name}\` | ${m.type} | ${m.labels.map((l) => `\`${l}\``).join(', ') || '-'} | ${m.source} | ${cell(m.help)} |`),
  ].join('\n');
  const alerts = [
    '| Alert | Severity | Fires when | for | Labels | Runbook |',
    '|---|---|---|---|---|---|',
    ...alertDefs(c).map((d) =>
      `| \`${d.name}\` | ${d.severity} | ${cell(d.when)} | ${d.for} | ${d.labels.map((l) => `\`${l}\``).join(', ')} | [${d.anchor}](${runbookUrl(c, d).replace(/^docs\//, '')}) |`),
  ].join('\n');
  const exprs = alertDefs(c).map((d) => `- \`${d.name}\`: \`${d.expr}\``).join('\n');
  const panels = dashboardRows(c).flatMap((r) => [
    `- **${r.title}**`,
    ...r.panels.map((p) => `  - ${p.title} (${p.kind}, ${p.unit}): ${p.queries.map((q) => `${q.refId} \`${cell(q.expr)}\``).join('; ')}`),
  ]).join('\n');
  return { metrics, alerts, exprs, panels };
}

/** Replaces each `<!-- BEGIN GENERATED: key -->` ... `<!-- END GENERATED: key -->` block; refuses a missing marker. */
export function fillDoc(text: string, blocks: Record<string, string>, file = 'docs/observability.md'): string {
  let out = text;
  for (const [key, body] of Object.entries(blocks)) {
    const begin = `<!-- BEGIN GENERATED: ${key} -->`;
    const end = `<!-- END GENERATED: ${key} -->`;
    const a = out.indexOf(begin);
    const b = out.indexOf(end);
    if (a === -1 || b === -1 || b < a) throw new Error(`${file}: markers for generated block "${key}" missing or out of order (${begin} ... ${end})`);
    out = out.slice(0, a + begin.length) + '\n' + body + '\n' + out.slice(b);
  }
  return out;
}
