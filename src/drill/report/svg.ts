/**
 * A small SVG writer for the drill report: line and step series on a time
 * axis, horizontal state bands. No dependency; every text is XML-escaped.
 */

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  /** Step: hold each value until the next point (state timelines, counters). */
  step?: boolean;
  color?: string;
}

export interface Band {
  row: string;
  from: number;
  to: number;
  label: string;
  color: string;
}

export interface ChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Vertical markers (fault injections). */
  marks?: { x: number; label: string }[];
  yMin?: number;
  yMax?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A tick or value as a person writes it: at most two decimals, trailing zeros after the point
 * dropped, and never the zeros of a whole number (100 stays "100").
 */
export function tickLabel(n: number): string {
  const fixed = Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
  const s = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return s === '-0' ? '0' : s;
}
const fmt = tickLabel;

function ticks(min: number, max: number, n = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

interface Frame { w: number; h: number; l: number; r: number; t: number; b: number }

function frame(o: ChartOptions): Frame {
  return { w: o.width ?? 760, h: o.height ?? 260, l: 64, r: 150, t: 30, b: 40 };
}

function open(f: Frame, o: ChartOptions): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" font-family="sans-serif" font-size="11">`,
    `<rect x="0" y="0" width="${f.w}" height="${f.h}" fill="#ffffff"/>`,
    `<text x="${f.l}" y="18" font-size="13" font-weight="bold">${esc(o.title)}</text>`,
  ];
}

/** A line/step chart of several series; x and y are plain numbers (seconds, ms, %...). */
export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const f = frame(o);
  const pts = series.flatMap((s) => s.points);
  const xs = pts.map((p) => p.x).concat((o.marks ?? []).map((m) => m.x));
  const ys = pts.map((p) => p.y);
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  const y0 = o.yMin ?? (ys.length ? Math.min(0, ...ys) : 0);
  let y1 = o.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (y1 <= y0) y1 = y0 + 1;
  const pw = f.w - f.l - f.r;
  const ph = f.h - f.t - f.b;
  const X = (x: number): number => f.l + (x1 > x0 ? ((x - x0) / (x1 - x0)) * pw : 0);
  const Y = (y: number): number => f.t + ph - ((y - y0) / (y1 - y0)) * ph;
  const out = open(f, o);
  out.push(`<rect x="${f.l}" y="${f.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (const v of ticks(y0, y1)) {
    out.push(`<line x1="${f.l}" x2="${f.l + pw}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${f.l - 4}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${esc(fmt(v))}</text>`);
  }
  for (const v of ticks(x0, x1, 8)) {
    out.push(`<text x="${X(v).toFixed(1)}" y="${f.t + ph + 14}" text-anchor="middle">${esc(fmt(v))}</text>`);
  }
  if (o.xLabel) out.push(`<text x="${f.l + pw / 2}" y="${f.h - 6}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  if (o.yLabel) out.push(`<text x="14" y="${f.t + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${f.t + ph / 2})">${esc(o.yLabel)}</text>`);
  for (const m of o.marks ?? []) {
    out.push(`<line x1="${X(m.x).toFixed(1)}" x2="${X(m.x).toFixed(1)}" y1="${f.t}" y2="${f.t + ph}" stroke="#000" stroke-dasharray="4 3"><title>${esc(m.label)}</title></line>`);
  }
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const p = [...s.points].sort((a, b) => a.x - b.x);
    if (p.length) {
      const d: string[] = [];
      p.forEach((q, j) => {
        if (j === 0) d.push(`M${X(q.x).toFixed(1)},${Y(q.y).toFixed(1)}`);
        else {
          if (s.step) d.push(`H${X(q.x).toFixed(1)}`);
          d.push(`L${X(q.x).toFixed(1)},${Y(q.y).toFixed(1)}`);
        }
      });
      out.push(`<path d="${d.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    }
    out.push(`<rect x="${f.w - f.r + 10}" y="${f.t + i * 16}" width="10" height="10" fill="${color}"/>`);
    out.push(`<text x="${f.w - f.r + 24}" y="${f.t + i * 16 + 9}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Horizontal bands per row (e.g. which gateway holds each VIP over time). */
export function bandChart(bands: readonly Band[], o: ChartOptions): string {
  const rows = [...new Set(bands.map((b) => b.row))];
  const f = { ...frame(o), h: o.height ?? 70 + rows.length * 28 };
  const x0 = bands.length ? Math.min(...bands.map((b) => b.from), ...(o.marks ?? []).map((m) => m.x)) : 0;
  const x1 = bands.length ? Math.max(...bands.map((b) => b.to)) : 1;
  const pw = f.w - f.l - f.r;
  const X = (x: number): number => f.l + (x1 > x0 ? ((x - x0) / (x1 - x0)) * pw : 0);
  const out = open(f, o);
  rows.forEach((row, i) => {
    const y = f.t + i * 28;
    out.push(`<text x="${f.l - 4}" y="${y + 16}" text-anchor="end">${esc(row)}</text>`);
    for (const b of bands.filter((x) => x.row === row)) {
      const w = Math.max(0.5, X(b.to) - X(b.from));
      out.push(`<rect x="${X(b.from).toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="18" fill="${b.color}"><title>${esc(`${b.label} ${fmt(b.from)}..${fmt(b.to)}`)}</title></rect>`);
    }
  });
  const yAxis = f.t + rows.length * 28 + 4;
  for (const v of ticks(x0, x1, 8)) out.push(`<text x="${X(v).toFixed(1)}" y="${yAxis + 12}" text-anchor="middle">${esc(fmt(v))}</text>`);
  if (o.xLabel) out.push(`<text x="${f.l + pw / 2}" y="${yAxis + 28}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  for (const m of o.marks ?? []) {
    out.push(`<line x1="${X(m.x).toFixed(1)}" x2="${X(m.x).toFixed(1)}" y1="${f.t}" y2="${yAxis}" stroke="#000" stroke-dasharray="4 3"><title>${esc(m.label)}</title></line>`);
  }
  const labels = [...new Map(bands.map((b) => [b.label, b.color])).entries()];
  labels.forEach(([label, color], i) => {
    out.push(`<rect x="${f.w - f.r + 10}" y="${f.t + i * 16}" width="10" height="10" fill="${color}"/>`);
    out.push(`<text x="${f.w - f.r + 24}" y="${f.t + i * 16 + 9}">${esc(label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
