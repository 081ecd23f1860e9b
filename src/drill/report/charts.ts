import { ownerTimeline } from '../probes/vip.ts';
import type { ScenarioResult } from '../scenarios/types.ts';
import type { Measured } from '../window.ts';
import { type Band, type Series, bandChart, lineChart } from './svg.ts';

const sec = (t: number, t0: number): number => Math.round((t - t0) / 10) / 100;
const marks = (m: Measured) => m.faults.map((f) => ({ x: sec(f.t, m.startMs), label: f.what }));

/** Interval between consecutive ping replies over time: a spike is an outage. */
export function pingGapChart(r: ScenarioResult, i: number): string | undefined {
  const m = r.runs[i];
  if (!m?.ping || m.ping.replies.length < 2) return undefined;
  const pts: { x: number; y: number }[] = [];
  const rep = m.ping.replies;
  for (let j = 1; j < rep.length; j++) {
    const gap = rep[j]! - rep[j - 1]!;
    // Keep every outage and a thinned baseline: the chart stays small at 100 pps.
    if (gap > 2 * m.ping.intervalMs || j % 10 === 0) pts.push({ x: sec(rep[j]!, m.startMs), y: Math.round(gap * 10) / 10 });
  }
  return lineChart([{ name: 'reply gap (ms)', points: pts }], {
    title: `${r.name}${r.runs.length > 1 ? ` #${i + 1}` : ''}: ping gap at 100 pps (lost ${m.ping.lost} of ${m.ping.sent})`,
    xLabel: 's since start', yLabel: 'ms between replies', marks: marks(m),
  });
}

const HOST_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd'];

/** Who held each VIP over the window (red: nobody, purple: both). */
export function vipOwnerChart(r: ScenarioResult, i: number, hosts: readonly string[], vips: readonly string[]): string | undefined {
  const m = r.runs[i];
  if (!m) return undefined;
  const segs = ownerTimeline(m.vipEvents, vips, m.startMs, m.endMs);
  if (!segs.length) return undefined;
  const bands: Band[] = segs.map((s) => ({
    row: s.vip,
    from: sec(s.from, m.startMs),
    to: sec(s.to, m.startMs),
    label: s.owners.length === 0 ? 'nobody' : s.owners.length > 1 ? 'both (split)' : s.owners[0]!,
    color: s.owners.length === 0 ? '#d62728' : s.owners.length > 1 ? '#8c564b' : HOST_COLORS[Math.max(0, hosts.indexOf(s.owners[0]!))]!,
  }));
  return bandChart(bands, { title: `${r.name}${r.runs.length > 1 ? ` #${i + 1}` : ''}: VIP owner`, xLabel: 's since start', marks: marks(m) });
}

/** Kernel table and conntrackd cache sizes on both gateways. */
export function parityChart(r: ScenarioResult, i: number): string | undefined {
  const m = r.runs[i];
  if (!m || m.parity.length < 2) return undefined;
  const keys = new Map<string, Series>();
  for (const s of m.parity) {
    for (const [h, v] of Object.entries(s.hosts)) {
      for (const k of ['kernel', 'internal', 'external'] as const) {
        const y = v[k];
        if (y === undefined) continue;
        const name = `${h} ${k}`;
        if (!keys.has(name)) keys.set(name, { name, points: [], step: true });
        keys.get(name)!.points.push({ x: sec(s.t, m.startMs), y });
      }
    }
  }
  return lineChart([...keys.values()], {
    title: `${r.name}${r.runs.length > 1 ? ` #${i + 1}` : ''}: conntrack table and conntrackd caches`, xLabel: 's since start', yLabel: 'entries', marks: marks(m),
  });
}

/** Extra series a scenario recorded (stress: created vs synced connections). */
export function seriesChart(r: ScenarioResult): string | undefined {
  if (!r.series || Object.keys(r.series).length === 0) return undefined;
  const t0 = Math.min(...Object.values(r.series).flatMap((s) => s.map((p) => p.t)));
  const series: Series[] = Object.entries(r.series).map(([name, pts]) => ({ name, points: pts.map((p) => ({ x: sec(p.t, t0), y: p.v })), step: true }));
  return lineChart(series, { title: `${r.name}: connections created on the client vs seen in the backup's external cache`, xLabel: 's', yLabel: 'connections' });
}
