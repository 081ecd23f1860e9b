import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScenarioResult } from '../scenarios/types.ts';
import { parityChart, pingGapChart, seriesChart, vipOwnerChart } from './charts.ts';
import { type ReportMeta, reportMarkdown } from './markdown.ts';
import { dashboardPanels, drawPanels, prometheusUp, readDashboard } from './prometheus.ts';
import { compare } from './targets.ts';
import { alertsDuring } from './alerts.ts';

export interface WriteOptions {
  dir: string;
  hosts: readonly string[];
  vips: readonly string[];
  meta: Omit<ReportMeta, 'charts' | 'prometheus'>;
  prometheusUrl: string;
  dashboard: string;
  /** Grafana variables of the dashboard ($wan ...). */
  dashboardVars: Record<string, string>;
}

export const stamp = (d = new Date()): string => d.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Writes report.md, results.json and the SVG charts; returns the report's path. */
export async function writeReport(measured: readonly ScenarioResult[], o: WriteOptions): Promise<string> {
  const reachable = await prometheusUp(o.prometheusUrl);
  // The alerts each scenario set off (a partition's split brain, a stalled sync ...): part of what it cost.
  const windows = measured.filter((r) => r.runs.length).map((r) => ({ name: r.name, startMs: Math.min(...r.runs.map((m) => m.startMs)), endMs: Math.max(...r.runs.map((m) => m.endMs)) }));
  const fired = reachable ? await alertsDuring(o.prometheusUrl, windows) : {};
  const results = measured.map((r) => (fired[r.name] ? { ...r, alerts: fired[r.name] } : r));
  await mkdir(o.dir, { recursive: true });
  const charts: Record<string, string[]> = {};
  for (const r of results) {
    const files: string[] = [];
    const put = async (name: string, svg: string | undefined): Promise<void> => {
      if (!svg) return;
      await writeFile(join(o.dir, name), svg);
      files.push(name);
    };
    for (let i = 0; i < r.runs.length; i++) {
      await put(`${r.name}-${i + 1}-ping-gap.svg`, pingGapChart(r, i));
      await put(`${r.name}-${i + 1}-vip-owner.svg`, vipOwnerChart(r, i, o.hosts, o.vips));
      await put(`${r.name}-${i + 1}-sync-parity.svg`, parityChart(r, i));
    }
    await put(`${r.name}-series.svg`, seriesChart(r));
    charts[r.name] = files;
  }
  const panels: ReportMeta['prometheus']['panels'] = [];
  const json = readDashboard(o.dashboard);
  const starts = results.flatMap((r) => r.runs.map((m) => m.startMs));
  const ends = results.flatMap((r) => r.runs.map((m) => m.endMs));
  if (reachable && json && starts.length) {
    const start = Math.min(...starts) - 60_000;
    const end = Math.max(...ends) + 30_000;
    const step = Math.max(5, Math.ceil((end - start) / 1000 / 300));
    const drawn = await drawPanels(o.prometheusUrl, dashboardPanels(json, o.dashboardVars, step), start, end, step);
    for (const [i, p] of drawn.entries()) {
      if (p.svg) {
        const file = `prometheus-${i + 1}.svg`;
        await writeFile(join(o.dir, file), p.svg);
        panels.push({ title: p.title, file });
      } else panels.push({ title: p.title, ...(p.error ? { error: p.error } : {}) });
    }
  } else if (reachable && !json) {
    panels.push({ title: 'dashboard', error: `no dashboard file at ${o.dashboard}` });
  }
  const meta: ReportMeta = { ...o.meta, charts, prometheus: { url: o.prometheusUrl, reachable, panels } };
  const rows = compare(results);
  await writeFile(join(o.dir, 'results.json'), JSON.stringify({ meta, summary: rows, scenarios: results }, null, 1) + '\n');
  const md = join(o.dir, 'report.md');
  await writeFile(md, reportMarkdown(results, rows, meta));
  return md;
}
