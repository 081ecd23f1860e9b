import { queryRange } from './prometheus.ts';

/** How long after a scenario's window an alert still counts as its own: `for` delays firing. */
export const ALERT_TAIL_MS = 90_000;
/** Prometheus's rule evaluation interval in the lab, and the step the ALERTS series are read at. */
export const ALERT_STEP_S = 15;

type RangeData = { result: { metric: Record<string, string>; values: [number, string][] }[] } | undefined;

/**
 * "NAME (node=gw2, from +42 s)" for every alert a scenario set off, in the order they first fired;
 * the labels shown are the ones that say where (node, iname). DATA is ALERTS (pending and firing)
 * read from one step before the window to its end plus the tail. An alert counts when its
 * episode (consecutive pending or firing samples) began inside the window and fired by the end of
 * the tail: one already pending before the window is the previous scenario's, and one that began
 * after the window ended is the next one's, however long it then stayed.
 */
export function firedAlerts(data: RangeData, startMs: number, endMs: number, stepS = ALERT_STEP_S): string[] {
  const active = new Map<string, Map<number, boolean>>();
  for (const s of data?.result ?? []) {
    const where = ['node', 'iname'].filter((k) => s.metric[k]).map((k) => `${k}=${s.metric[k]}`).join(', ');
    const key = `${s.metric.alertname ?? '?'}${where ? ` (${where})` : ''}`;
    const times = active.get(key) ?? new Map<number, boolean>();
    const firing = s.metric.alertstate !== 'pending';
    for (const [t, v] of s.values) if (v === '1') times.set(t, (times.get(t) ?? false) || firing);
    active.set(key, times);
  }
  const seen = new Map<string, number>();
  for (const [key, times] of active) {
    const ts = [...times.keys()].sort((a, b) => a - b);
    let begun = 0;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (i === 0 || t - ts[i - 1]! > stepS * 1.5) begun = t;
      // The sample one step before the window shows what was already active when it began.
      const ownEpisode = begun * 1000 > startMs - stepS * 500 && begun * 1000 <= endMs;
      if (times.get(t) && ownEpisode) {
        seen.set(key, Math.min(seen.get(key) ?? Infinity, t * 1000));
        break;
      }
    }
  }
  return [...seen].sort((a, b) => a[1] - b[1]).map(([k, t]) => `${k} from +${Math.round((t - startMs) / 1000)} s`);
}

/** The alerts each scenario set off (see firedAlerts), by scenario name; errors as one entry. */
export async function alertsDuring(base: string, windows: { name: string; startMs: number; endMs: number }[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const w of windows) {
    try {
      const r = await queryRange(base, 'ALERTS', w.startMs - ALERT_STEP_S * 1000, w.endMs + ALERT_TAIL_MS, ALERT_STEP_S);
      out[w.name] = r.status === 'success' ? firedAlerts(r.data, w.startMs, w.endMs) : [`(query failed: ${r.error ?? r.status})`];
    } catch (e) {
      out[w.name] = [`(query failed: ${(e as Error).message})`];
    }
  }
  return out;
}
