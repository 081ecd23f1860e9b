/** The bench's charts (SVG): median seconds as bars on a log axis, and cost per host against host count. */
import { esc, lineChart } from '../../src/drill/report/svg.ts';

export interface Bar { group: string; label: string; seconds: number }

// First matching prefix wins: Mitogen before the other Ansible runs.
const COLORS: Record<string, string> = { 'ts-play': '#1f77b4', 'Ansible Mitogen': '#9467bd', Ansible: '#d62728', SSH: '#7f7f7f' };
const colorOf = (label: string): string => COLORS[Object.keys(COLORS).find((k) => label.startsWith(k)) ?? 'SSH']!;

export function barChart(bars: Bar[], title: string): string {
  const rowH = 18;
  const left = 330;
  const width = 900;
  const plotW = width - left - 70;
  const groups = [...new Set(bars.map((b) => b.group))];
  const height = 40 + bars.length * rowH + groups.length * 22 + 30;
  const max = Math.max(...bars.map((b) => b.seconds), 1);
  const min = Math.min(...bars.map((b) => b.seconds).filter((s) => s > 0), 0.1);
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const x = (s: number) => left + ((Math.log10(Math.max(s, 10 ** lo)) - lo) / (hi - lo || 1)) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  let y = 40;
  for (const g of groups) {
    out.push(`<text x="8" y="${y + 12}" font-weight="bold">${esc(g)}</text>`);
    y += 22;
    for (const b of bars.filter((x) => x.group === g)) {
      out.push(`<text x="${left - 6}" y="${y + 12}" text-anchor="end">${esc(b.label)}</text>`);
      out.push(`<rect x="${left}" y="${y + 2}" width="${Math.max(1, x(b.seconds) - left).toFixed(1)}" height="${rowH - 5}" fill="${colorOf(b.label)}"/>`);
      out.push(`<text x="${(x(b.seconds) + 4).toFixed(1)}" y="${y + 12}">${b.seconds.toFixed(2)} s</text>`);
      y += rowH;
    }
  }
  for (let p = lo; p <= hi; p++) {
    const px = x(10 ** p).toFixed(1);
    out.push(`<line x1="${px}" y1="36" x2="${px}" y2="${y}" stroke="#ccc"/>`);
    out.push(`<text x="${px}" y="${y + 14}" text-anchor="middle">${10 ** p} s</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${y + 28}" text-anchor="middle">median wall time, log scale</text>`, '</svg>');
  return out.join('\n') + '\n';
}

export interface SizeCost { hosts: number; tsplayS: number; floorS: number; clientFloorS?: number; cpuS?: number }

/** Milliseconds per host against host count, on a linear axis: a flat line is cost that grows linearly. */
export function costPerHostChart(sizes: SizeCost[]): string {
  const per = (pick: (r: SizeCost) => number | undefined) => sizes.flatMap((r) => {
    const v = pick(r);
    return v === undefined ? [] : [{ x: r.hosts, y: Math.round((v / r.hosts) * 10000) / 10 }];
  });
  return lineChart([
    { name: 'ts-play wall time', points: per((r) => r.tsplayS) },
    { name: 'SSH floor wall time (OpenSSH)', points: per((r) => r.floorS), color: '#7f7f7f' },
    { name: 'ssh2 floor wall time (in process)', points: per((r) => r.clientFloorS), color: '#bcbd22' },
    { name: 'ts-play CPU', points: per((r) => r.cpuS), color: '#2ca02c' },
    // Rounds measured before a series existed (the ssh2 floor) leave it out, legend included.
  ].filter((s) => s.points.length), { title: 'No-change run of the light play: cost per host', xLabel: 'light hosts', yLabel: 'ms per host', yMin: 0 });
}
