import { queryRange } from './prometheus.ts';

/** How long after a scenario's window an alert still counts as its own: `for` delays firing. */
export const ALERT_TAIL_MS = 90_000;

type RangeData = { result: { metric: Record<string, string>; values: [number, string][] }[] } | undefined;

/**
 * "NAME (node=gw2, from +42 s)" for every alert ALERTS shows firing in [start, end], in the
 * order they first fired; the labels shown are the ones that say where (node, iname).
 */
export function firedAlerts(data: RangeData, startMs: number): string[] {
  const seen = new Map<string, number>();
  for (const s of data?.result ?? []) {
    const first = s.values.find(([, v]) => v === '1')?.[0];
    if (first === undefined) continue;
    const where = ['node', 'iname'].filter((k) => s.metric[k]).map((k) => `${k}=${s.metric[k]}`).join(', ');
    const key = `${s.metric.alertname ?? '?'}${where ? ` (${where})` : ''}`;
    seen.set(key, Math.min(seen.get(key) ?? Infinity, first * 1000));
  }
  return [...seen].sort((a, b) => a[1] - b[1]).map(([k, t]) => `${k} from +${Math.round((t - startMs) / 1000)} s`);
}

/** The alerts that fired during each scenario's windows, by scenario name; errors as one entry. */
export async function alertsDuring(base: string, windows: { name: string; startMs: number; endMs: number }[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const w of windows) {
    try {
      const r = await queryRange(base, 'ALERTS{alertstate="firing"}', w.startMs, w.endMs + ALERT_TAIL_MS, 15);
      out[w.name] = r.status === 'success' ? firedAlerts(r.data, w.startMs) : [`(query failed: ${r.error ?? r.status})`];
    } catch (e) {
      out[w.name] = [`(query failed: ${(e as Error).message})`];
    }
  }
  return out;
}
