import { readFileSync } from 'node:fs';
import { type Series, lineChart } from './svg.ts';

export interface Panel {
  title: string;
  targets: { expr: string; legend: string }[];
}

interface RawPanel {
  type?: string;
  title?: string;
  panels?: RawPanel[];
  targets?: { expr?: string; legendFormat?: string }[];
}

/** The dashboard's query panels (rows skipped), with Grafana variables resolved for a query_range. */
export function dashboardPanels(json: string, vars: Record<string, string>, stepS: number): Panel[] {
  const d = JSON.parse(json) as { panels?: RawPanel[] };
  const walk = (ps: RawPanel[]): RawPanel[] => ps.flatMap((p) => [p, ...walk(p.panels ?? [])]);
  const resolve = (e: string): string =>
    e.replace(/\$__rate_interval|\$\{__rate_interval\}/g, `${Math.max(4 * stepS, 30)}s`)
      .replace(/\$\{?(\w+)\}?/g, (all, name: string) => vars[name] ?? all);
  return walk(d.panels ?? [])
    .filter((p) => p.type !== 'row' && (p.targets ?? []).some((t) => t.expr))
    .map((p) => ({
      title: p.title ?? 'panel',
      targets: (p.targets ?? []).filter((t) => t.expr).map((t) => ({ expr: resolve(t.expr!), legend: t.legendFormat ?? '' })),
    }));
}

/** Grafana's {{label}} legend templating. */
export function legend(fmt: string, labels: Record<string, string>): string {
  const s = fmt.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '');
  return s.trim() || JSON.stringify(labels);
}

interface RangeResult {
  status: string;
  data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  error?: string;
}

export async function queryRange(base: string, expr: string, start: number, end: number, stepS: number, timeoutMs = 5000): Promise<RangeResult> {
  const u = new URL('/api/v1/query_range', base);
  u.searchParams.set('query', expr);
  u.searchParams.set('start', String(start / 1000));
  u.searchParams.set('end', String(end / 1000));
  u.searchParams.set('step', String(stepS));
  const res = await fetch(u, { signal: AbortSignal.timeout(timeoutMs) });
  return (await res.json()) as RangeResult;
}

export async function prometheusUp(base: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/-/ready', base), { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** One SVG per dashboard panel over [start, end]; errors per panel are returned, not thrown. */
export async function drawPanels(base: string, panels: readonly Panel[], start: number, end: number, stepS: number): Promise<{ title: string; svg?: string; error?: string }[]> {
  const out: { title: string; svg?: string; error?: string }[] = [];
  for (const p of panels) {
    try {
      const series: Series[] = [];
      for (const t of p.targets) {
        const r = await queryRange(base, t.expr, start, end, stepS);
        if (r.status !== 'success') throw new Error(r.error ?? 'query failed');
        for (const s of r.data?.result ?? []) {
          series.push({ name: legend(t.legend, s.metric), step: true, points: s.values.map(([ts, v]) => ({ x: Math.round(ts * 1000 - start) / 1000, y: Number(v) })).filter((q) => Number.isFinite(q.y)) });
        }
      }
      out.push({ title: p.title, svg: lineChart(series.slice(0, 8), { title: `Prometheus: ${p.title}`, xLabel: 's since the drill started' }) });
    } catch (e) {
      out.push({ title: p.title, error: (e as Error).message });
    }
  }
  return out;
}

export function readDashboard(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
