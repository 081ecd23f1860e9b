/**
 * `npm run bench:advert`: the VRRP timers' trade-off on this machine, measured. For each advert
 * interval (down_timer_adverts fixed), the pair is converged with it, then the soak drill (VRRP
 * advert loss with both gateways' CPUs loaded) counts keepalived's state changes, and the hard
 * drill's power kill and WAN pull time the failover. Writes docs/advert-curve.md and its chart.
 * Needs root and the lab up; restores the role's defaults at the end.
 *   npm run bench:advert -- [--points 0.04,0.06,0.1,0.2] [--adverts 5] [--seconds 150]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lineChart } from '../src/drill/report/svg.ts';
import { ROOT, timed } from './lib/tools.ts';

interface Point {
  advertS: number;
  adverts: number;
  soakS: number;
  transitions: number;
  failovers: number;
  /** Worst of the hard faults: fault -> VIP at the peer, fault -> traffic back (ms), and the UDP outage. */
  vipMoveMs?: number;
  restoredMs?: number;
  udpOutageMs?: number;
}

const BIN = join(ROOT, 'bin/ts-play.js');
const INV = 'inventory/lab.yml';

/** ts-play through the bench's own runner (cwd, timeout, output kept). */
async function tsplay(args: string[], timeoutS: number): Promise<{ code: number; out: string }> {
  const r = await timed(process.execPath, [BIN, ...args], {}, timeoutS * 1000);
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

async function converge(extra: string[]): Promise<void> {
  const r = await tsplay(['playbooks/site.ts', '-i', INV, '--skip-tags', 'lynis', ...extra], 900);
  if (r.code !== 0) throw new Error(`site.ts ${extra.join(' ')} failed (exit ${r.code}):\n${r.out.slice(-2000)}`);
}

interface DrillResults {
  scenarios: Array<{ name: string; ok: boolean; error?: string; metrics: Record<string, number>; switches: Array<{ restoredMs?: number; vipMoveMs?: number; udpOutageMs?: number }> }>;
}

async function measurePoint(advertS: number, adverts: number, seconds: number): Promise<Point> {
  await converge(['-e', `keepalived_advert_int=${advertS}`, '-e', `keepalived_down_timer_adverts=${adverts}`]);
  const out = mkdtempSync(join(tmpdir(), 'tsp-advert-'));
  try {
    const r = await tsplay(['drill', 'playbooks/drill.ts', '-i', INV, '--scenario', 'soak,hard', '--set', `soak.seconds=${seconds}`, '--set', 'hard.faults=wan,kill', '--out', out], seconds + 900);
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as DrillResults;
    const soak = res.scenarios.find((s) => s.name === 'soak');
    const hard = res.scenarios.find((s) => s.name === 'hard');
    if (!soak?.ok || !hard?.ok) throw new Error(`drill at advert_int ${advertS} failed (exit ${r.code}): ${soak?.error ?? ''} ${hard?.error ?? ''}\n${r.out.slice(-2000)}`);
    const worst = (k: 'restoredMs' | 'vipMoveMs' | 'udpOutageMs') => {
      const v = hard.switches.map((s) => s[k]).filter((x): x is number => x !== undefined);
      return v.length ? Math.max(...v) : undefined;
    };
    const p: Point = { advertS, adverts, soakS: seconds, transitions: soak.metrics.vrrpTransitions ?? NaN, failovers: soak.metrics.failovers ?? NaN };
    for (const k of ['vipMoveMs', 'restoredMs', 'udpOutageMs'] as const) {
      const v = worst(k);
      if (v !== undefined) p[k] = v;
    }
    return p;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function report(points: Point[], loss: string): string {
  const per10 = (p: Point) => (p.transitions * 600) / p.soakS;
  const safe = points.filter((p) => p.transitions === 0).sort((a, b) => a.advertS - b.advertS)[0];
  const lines = [
    '# VRRP timers: false failovers against failover time (this machine)',
    '',
    `Written by \`npm run bench:advert\` on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. For each advert interval (down_timer_adverts ${points[0]?.adverts}), site.ts converged the`,
    `pair with it; then the soak drill (${loss} VRRP advert loss on every cable, stress-ng on both gateways' CPUs) counted`,
    'keepalived\'s state changes on both nodes, and the hard drill timed a WAN pull and a power kill of the master.',
    'keepalived runs without realtime priority here (the lab cannot grant CAP_SYS_RESOURCE, docs/lab.md): every',
    'stall of its process under the load counts. A state change is two per false failover and back (backup',
    'MASTER, then BACKUP again) on each instance of the sync group.',
    '',
    '| advert_int | silent master replaced after | soak | VRRP state changes | per 10 min | VIP moves | hard: fault -> VIP at peer (worst) | traffic back (worst) | UDP outage (worst) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const p of points) {
    lines.push(`| ${p.advertS} s | ${Math.round(p.advertS * p.adverts * 1000)} ms + skew | ${p.soakS} s | ${p.transitions} | ${per10(p).toFixed(1)} | ${p.failovers} | ${p.vipMoveMs ?? '-'} ms | ${p.restoredMs ?? '-'} ms | ${p.udpOutageMs ?? '-'} ms |`);
  }
  lines.push('', safe
    ? `Shortest interval with no state change in its soak: **${safe.advertS} s** (silent master replaced after ${Math.round(safe.advertS * safe.adverts * 1000)} ms + skew).`
    : 'No interval measured went through its soak without a state change.', '', '![false failovers and failover time against the advert interval](advert-curve.svg)', '');
  return lines.join('\n');
}

function chart(points: Point[]): string {
  return lineChart([
    { name: 'VRRP state changes per 10 min (soak)', points: points.map((p) => ({ x: p.advertS * 1000, y: Math.round((p.transitions * 600) / p.soakS) })) },
    { name: 'worst traffic back after a hard fault (ms / 10)', points: points.filter((p) => p.restoredMs !== undefined).map((p) => ({ x: p.advertS * 1000, y: Math.round(p.restoredMs! / 10) })), color: '#d62728' },
  ], { title: 'VRRP advert interval: false failovers against failover time', xLabel: 'advert_int (ms)', yLabel: 'count / (ms / 10)', yMin: 0 });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { points: { type: 'string' }, adverts: { type: 'string' }, seconds: { type: 'string' }, loss: { type: 'string' } } });
  const points = (values.points ?? '0.04,0.06,0.1,0.2').split(',').map(Number);
  const adverts = Number(values.adverts ?? 5);
  const seconds = Number(values.seconds ?? 150);
  if (points.some((p) => !(p >= 0.01)) || !Number.isInteger(adverts) || !(seconds >= 10)) {
    process.stderr.write('usage: npm run bench:advert -- [--points 0.04,0.06,0.1,0.2] [--adverts 5] [--seconds 150]\n');
    process.exit(2);
  }
  if (process.getuid?.() !== 0) throw new Error('bench:advert drives the lab: run it as root');
  const measured: Point[] = [];
  try {
    for (const a of points) {
      process.stdout.write(`advert_int ${a} s x ${adverts}: converging, then ${seconds} s of soak and two hard faults\n`);
      const p = await measurePoint(a, adverts, seconds);
      measured.push(p);
      process.stdout.write(`  ${p.transitions} state changes, ${p.failovers} VIP moves; hard: traffic back after ${p.restoredMs} ms (UDP outage ${p.udpOutageMs} ms)\n`);
    }
  } finally {
    if (measured.length) {
      writeFileSync(join(ROOT, 'docs/advert-curve.md'), report(measured, '5 %'));
      writeFileSync(join(ROOT, 'docs/advert-curve.svg'), chart(measured));
      process.stdout.write('wrote docs/advert-curve.md and docs/advert-curve.svg\n');
    }
    await converge([]);
  }
}

await main();
