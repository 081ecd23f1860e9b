import test from 'ava';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bandChart, esc, lineChart, tickLabel } from '../../src/drill/report/svg.ts';
import { check, compare, margin, silentMasterTakeoverMs, worst } from '../../src/drill/report/targets.ts';
import { KEEPALIVED_DEFAULTS } from '../../src/drill/target.ts';
import { defaults as keepalivedDefaults } from '../../roles/keepalived/defaults.ts';
import { dashboardPanels, legend } from '../../src/drill/report/prometheus.ts';
import { writeReport } from '../../src/drill/report/write.ts';
import { parseDrillArgs } from '../../src/drill/args.ts';
import { checkBook } from '../../src/drill/playbook.ts';
import type { ScenarioResult } from '../../src/drill/scenarios/types.ts';

/** Well-formed enough for a browser: one root, balanced tags, no raw & or < in text. */
function assertSvg(t: import('ava').ExecutionContext, svg: string): void {
  t.regex(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>/);
  t.true(svg.trim().endsWith('</svg>'));
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) t.is(stack.pop(), m[2], `closing ${m[2]}`);
    else stack.push(m[2]!);
  }
  t.deepEqual(stack, []);
  t.notRegex(svg.replace(/<[^>]*>/g, ''), /&(?!amp;|lt;|gt;|quot;)|</);
}

test('line and band charts are well-formed SVG and escape their text', (t) => {
  const svg = lineChart([{ name: 'a<b & "c"', points: [{ x: 0, y: 10 }, { x: 1, y: 130 }, { x: 2, y: 10 }] }, { name: 'step', step: true, points: [{ x: 0, y: 1 }, { x: 2, y: 3 }] }],
    { title: 'gap <ms>', marks: [{ x: 1, label: 'stop & go' }] });
  assertSvg(t, svg);
  t.true(svg.includes('a&lt;b &amp; &quot;c&quot;'));
  t.is((svg.match(/<path /g) ?? []).length, 2);
  const band = bandChart([{ row: '198.18.1.1', from: 0, to: 1, label: 'gw1', color: '#111' }, { row: '198.18.1.1', from: 1, to: 1.2, label: 'nobody', color: '#d62728' }], { title: 'owner' });
  assertSvg(t, band);
  t.is((band.match(/<title>/g) ?? []).length, 2);
  t.is(esc('<&>"'), '&lt;&amp;&gt;&quot;');
});

test('an empty chart is still valid SVG', (t) => {
  assertSvg(t, lineChart([], { title: 'nothing' }));
  assertSvg(t, bandChart([], { title: 'nothing' }));
});

test('criteria: each operator, margins and the worst of repeated runs', (t) => {
  t.is(check(299, { op: '<', value: 300, text: '' }), 'pass');
  t.is(check(300, { op: '<', value: 300, text: '' }), 'fail');
  t.is(check(1, { op: '<=', value: 1, text: '' }), 'pass');
  t.is(check(99.8, { op: '>=', value: 99.9, text: '' }), 'fail');
  t.is(check(0, { op: '==', value: 0, text: '' }), 'pass');
  t.is(check(undefined, { op: '==', value: 0, text: '' }), 'n/a');
  t.is(check(5, undefined), 'n/a');
  t.is(margin(137, { op: '<', value: 300, text: '' }), 163);
  t.is(margin(6, { op: '<=', value: 1, text: '' }), -5);
  t.is(margin(99.5, { op: '>=', value: 99.9, text: '' }), -0.4);
  t.is(worst([100, 250, 180], { op: '<', value: 300, text: '' }), 250);
  t.is(worst([99.95, 99.2], { op: '>=', value: 99.9, text: '' }), 99.2);
  t.is(worst([0, 2, 0], { op: '==', value: 0, text: '' }), 2);
  t.is(silentMasterTakeoverMs(0.2), 722);
  // The role's defaults: 5 adverts of 100 ms, the lab's backup at priority 250.
  t.is(silentMasterTakeoverMs(0.1, 250, 5), 502);
  t.deepEqual(KEEPALIVED_DEFAULTS, { advertIntS: keepalivedDefaults.keepalived_advert_int, downTimerAdverts: keepalivedDefaults.keepalived_down_timer_adverts }, 'the drill\'s fallbacks are the role\'s defaults');
});

const result = (name: string, metrics: ScenarioResult['metrics'], ok = true): ScenarioResult => ({
  name, title: name, ok, startedAt: '2026-01-01T00:00:00Z', durationS: 1, metrics, switches: [], runs: [], notes: [],
});

test('the summary sets each figure against the design criterion and the issue target', (t) => {
  const rows = compare([result('soft', { vipMoveMs: 137, pingLost: 2, tcpResets: 0, udpLossPct: 0.79 }), result('soft', { vipMoveMs: 120, pingLost: 1 })]);
  const row = (label: string) => rows.find((r) => r.label === label)!;
  t.like(row('VIP move time'), { value: 137, designVerdict: 'pass', issueVerdict: 'pass' });
  t.like(row('pings lost per switch (100 pps)'), { value: 2, designVerdict: 'pass', issueVerdict: 'fail' });
  t.like(row('UDP loss (1000 pps)'), { value: 0.79, designVerdict: 'pass', issueVerdict: 'fail' });
  t.false(rows.some((r) => r.scenario === 'hard'), 'scenarios that did not run have no rows');
});

test('report: files written, table and misses in report.md, results.json parses', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'drill-report-'));
  try {
    const m = {
      startMs: 1000, endMs: 5000, faults: [{ t: 2000, what: 'stop keepalived on gw1' }], probeErrors: [],
      vipEvents: [{ t: 900, host: 'gw1', vip: '198.18.1.1', present: true }, { t: 2000, host: 'gw1', vip: '198.18.1.1', present: false }, { t: 2130, host: 'gw2', vip: '198.18.1.1', present: true }],
      parity: [{ t: 1500, hosts: { gw1: { kernel: 10, internal: 4 }, gw2: { kernel: 3, external: 4 } } }, { t: 2500, hosts: { gw1: { kernel: 9, internal: 4 }, gw2: { kernel: 5, external: 4 } } }],
      ping: { sent: 400, received: 394, lost: 6, lossPct: 1.5, longestGapMs: 70, gaps: [], replies: Array.from({ length: 394 }, (_, i) => 1000 + i * 10 + (i > 100 ? 60 : 0)), intervalMs: 10 },
    };
    const r: ScenarioResult = { ...result('soft', { vipMoveMs: 130, pingLost: 6 }), runs: [m], switches: [{ what: 'stop keepalived on gw1', to: 'gw2', vipMoveMs: 130, restoredMs: 170, lost: 6, gapMs: 70 }] };
    const md = await writeReport([r, result('stress', {}, false)], {
      dir, hosts: ['gw1', 'gw2'], vips: ['198.18.1.1'], prometheusUrl: 'http://127.0.0.1:1', dashboard: join(dir, 'none.json'), dashboardVars: {},
      meta: { startedAt: 'a', finishedAt: 'b', playbook: 'playbooks/drill.ts', inventory: ['inventory/lab.yml'], advertIntS: 0.2, preemptDelayS: 30 },
    });
    const text = await readFile(md, 'utf8');
    t.regex(text, /\| soft \| pings lost per switch \(100 pps\) \| 6 \| <= 3 \| \*\*MISSED\*\* \| <= 1 \| \*\*MISSED\*\* \|/);
    t.regex(text, /missed by 5\. Why: at 100 pps/);
    t.regex(text, /stress: did not complete/);
    t.regex(text, /Prometheus at http:\/\/127\.0\.0\.1:1 was not reachable/);
    const files = (await readdir(dir)).sort();
    t.deepEqual(files.filter((f) => f.endsWith('.svg')), ['soft-1-ping-gap.svg', 'soft-1-sync-parity.svg', 'soft-1-vip-owner.svg']);
    for (const f of files.filter((x) => x.endsWith('.svg'))) assertSvg(t, await readFile(join(dir, f), 'utf8'));
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { summary: { value?: number }[]; scenarios: unknown[] };
    t.is(json.scenarios.length, 2);
    t.true(json.summary.some((s) => s.value === 130));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dashboard panels: rows skipped, variables and rate interval resolved; legends templated', (t) => {
  const json = JSON.stringify({ panels: [{ type: 'row', title: 'r', panels: [] }, { type: 'timeseries', title: 'WAN', targets: [{ expr: 'rate(x{device="$wan"}[$__rate_interval])', legendFormat: '{{node}} rx' }] }] });
  const p = dashboardPanels(json, { wan: 'wan' }, 5);
  t.deepEqual(p, [{ title: 'WAN', targets: [{ expr: 'rate(x{device="wan"}[30s])', legend: '{{node}} rx' }] }]);
  t.is(legend('{{node}} rx', { node: 'gw1' }), 'gw1 rx');
});

test('drill arguments and playbook checks name what is wrong', (t) => {
  const a = parseDrillArgs(['playbooks/drill.ts', '-i', 'inventory/lab.yml', '--scenario', 'soft,hard', '--repeat', '3', '--set', 'hard.faults=wan', '--set', 'soft.switches=4']);
  t.like(a, { playbook: 'playbooks/drill.ts', inventories: ['inventory/lab.yml'], scenarios: ['soft', 'hard'], repeat: 3 });
  t.deepEqual(a !== 'help' && a.set, { hard: { faults: 'wan' }, soft: { switches: 4 } });
  t.throws(() => parseDrillArgs(['playbooks/drill.ts']), { message: /inventory is required/ });
  t.throws(() => parseDrillArgs(['p', '-i', 'x', '--repeat', '0']), { message: /--repeat/ });
  t.throws(() => checkBook({ scenarios: [{ name: 'sofft' }] }, 'playbooks/drill.ts'), { message: /unknown scenario "sofft"/ });
  t.throws(() => checkBook({ scenarios: [{ name: 'soft', params: { swiches: 2 } }] }, 'playbooks/drill.ts'), { message: /no parameter "swiches"/ });
});

test('axis ticks print whole values whole: 100 s and 110 s are not "1" and "11"', (t) => {
  const texts = (svg: string) => [...svg.matchAll(/<text [^>]*text-anchor="(?:middle|end)"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
  const wide = lineChart([{ name: 'rate', points: [{ x: 100, y: 1000 }, { x: 140, y: 2000 }] }], { title: 'prometheus', xLabel: 's' });
  const labels = texts(wide);
  for (const v of ['100', '110', '120', '130', '140', '1000', '2000']) t.true(labels.includes(v), `${v} in ${labels.join(' ')}`);
  t.false(labels.includes('1') || labels.includes('11') || labels.includes('2'), labels.join(' '));
  const band = bandChart([{ row: 'vip', from: 100, to: 200, label: 'gw1', color: '#111' }], { title: 'owner' });
  t.true(texts(band).includes('200'), texts(band).join(' '));
  const small = texts(lineChart([{ name: 'gap', points: [{ x: 0, y: 0 }, { x: 1.5, y: 0.3 }] }], { title: 'small' }));
  for (const v of ['0', '0.2', '1', '1.4', '0.1', '0.3']) t.true(small.includes(v), `${v} in ${small.join(' ')}`);
  t.is(tickLabel(10), '10');
  t.is(tickLabel(-200), '-200');
  t.is(tickLabel(12.5), '12.5');
  t.is(tickLabel(0.25), '0.25');
  t.is(tickLabel(0.30000000000000004), '0.3');
});
