// Issue 19's bench: Ansible under Mitogen beside the other runs, the targets against it and
// against pipelined Ansible, and the scale rounds (50/200/500 light hosts) with their chart.
import test from 'ava';
import { mergeKept, Results, saveResults } from '../../../bench/lib/results.ts';
import { markdown } from '../../../bench/lib/report.ts';
import { scaleChart, scaleSection, scaleTargets } from '../../../bench/lib/scale.ts';

const MACHINE = { cores: 2, ramGiB: 24, kernel: 'k', node: 'v20', ansible: 'ansible-core 2.14.18', mitogen: 'ansible-mitogen 0.3.3-9+deb12u1', openssh: 'OpenSSH_9.2p1', date: 'd' };

function scaled(): Results {
  const res = new Results();
  const round = (hosts: number, floorS: number, tsplayS: number, cpuS: number, maxRssMiB: number) => res.scale.push({ hosts, floorS, tsplayS, cpuS, maxRssMiB, roundtrips: 2 });
  round(50, 3.5, 4.2, 1.5, 120);
  round(50, 3.6, 4.4, 1.6, 121);
  round(200, 12, 16, 5, 180);
  round(500, 30, 36, 12, 300);
  return res;
}

test('the targets against Mitogen and pipelined Ansible are marked from the medians, the first 10x kept', (t) => {
  const res = new Results();
  for (const s of [1.0, 1.2, 1.1]) res.add('gateways', 'no-change', 'ts-play', s, 4);
  for (const s of [24, 25, 23]) res.add('gateways', 'no-change', 'Ansible pipelined', s);
  for (const s of [5, 6, 5.2]) res.add('gateways', 'no-change', 'Ansible Mitogen', s);
  for (const s of [5, 5.5]) res.add('light', 'no-change', 'Ansible Mitogen', s);
  for (const s of [4, 4.1]) res.add('light', 'no-change', 'ts-play -f 50', s, 2);
  const md = markdown(res, MACHINE, 50);
  t.regex(md, /with the rollout gates on, ts-play at least 20x faster than pipelined Ansible: MET \(21\.8x: ts-play 1\.10 s, pipelined Ansible 24\.00 s\)/);
  t.regex(md, /at least 10x faster than pipelined Ansible: MET \(21\.8x.*\(the first target\)/);
  t.regex(md, /ts-play at least 5x faster than the same twin under Mitogen: MISSED \(4\.7x: ts-play 1\.10 s, the same twin under Mitogen 5\.20 s\)/);
  t.regex(md, /\| no-change \| Ansible Mitogen \| 3 \| 5\.20 s \| 5\.00 s \| 6\.00 s \| 4\.7x \|/);
  t.regex(md, /\| scenario \| SSH floor \| ts-play \| pipelined Ansible \| Ansible Mitogen \|/);
  t.regex(md, /\| no-change \| - \| 4\.05 s \| - \| 5\.25 s \|/);
  t.regex(md, /Node v20, ansible-core 2\.14\.18, ansible-mitogen 0\.3\.3-9\+deb12u1, OpenSSH/);
  t.regex(md, /mitogen_linear/);
});

test('scale: one row per size with the floor ratio, per-host cost, CPU and memory, and how they grow', (t) => {
  const lines = scaleSection(scaled().scale);
  t.is(lines[2], '| 50 | 2 | 3.55 s | - | 4.30 s | 1.21x | - | 86.0 ms / 71.0 ms | 1.55 s | 31.0 ms | 121 MiB | 2 |');
  t.is(lines[3], '| 200 | 1 | 12.00 s | - | 16.00 s | 1.33x | - | 80.0 ms / 60.0 ms | 5.00 s | 25.0 ms | 180 MiB | 2 |');
  t.is(lines[4], '| 500 | 1 | 30.00 s | - | 36.00 s | 1.20x | - | 72.0 ms / 60.0 ms | 12.00 s | 24.0 ms | 300 MiB | 2 |');
  t.true(lines.includes('From 50 to 500 hosts each further host cost ts-play 70.4 ms of wall time (the floor 58.8 ms), 23.2 ms of CPU and 408 KiB of peak memory.'), lines.join('\n'));
  t.deepEqual(scaleTargets(scaled().scale), [
    '- No-change run on 50 light hosts, ts-play within 1.3x of the SSH floor measured in the same round: MET (1.21x: floor 3.55 s, ts-play 4.30 s).',
    '- No-change run on 200 light hosts, ts-play within 1.3x of the SSH floor measured in the same round: MISSED (1.33x: floor 12.00 s, ts-play 16.00 s).',
    '- No-change run on 500 light hosts, ts-play within 1.3x of the SSH floor measured in the same round: MET (1.20x: floor 30.00 s, ts-play 36.00 s).',
  ]);
  t.deepEqual(scaleSection([]), ['(not run: `npm run bench -- --only scale`)']);
});

test('scale: the in-process ssh2 floor, when measured, gets its own column, ratio and chart line', (t) => {
  const res = new Results();
  res.scale.push({ hosts: 200, floorS: 13, clientFloorS: 7, tsplayS: 8.4, roundtrips: 2 }, { hosts: 200, floorS: 12, clientFloorS: 8, tsplayS: 9 });
  t.is(scaleSection(res.scale)[2], '| 200 | 2 | 12.50 s | 7.50 s | 8.70 s | 0.70x | 1.16x | 43.5 ms / 62.5 ms | - | - | - | 2 |');
  t.deepEqual(scaleTargets(res.scale), [
    '- No-change run on 200 light hosts, ts-play within 1.3x of the SSH floor measured in the same round: MET (0.70x: floor 12.50 s, ts-play 8.70 s).\n' +
      '  Against the ssh2 floor (ts-play\'s SSH library in one process, 7.50 s): 1.16x, within 1.3x.',
  ]);
  t.regex(scaleChart(res.scale)!, /ssh2 floor wall time \(in process\)/);
});

test('scale chart: ms per host against hosts, whole-number ticks; a report without scale runs keeps the previous ones', (t) => {
  const svg = scaleChart(scaled().scale)!;
  t.regex(svg, /^<svg /);
  const ticks = [...svg.matchAll(/<text [^>]*text-anchor="middle">(\d+)<\/text>/g)].map((m) => m[1]);
  for (const v of ['100', '200', '300', '400', '500']) t.true(ticks.includes(v), ticks.join(' '));
  t.is(scaleChart([]), undefined);
  const previous = saveResults(scaled());
  const now = new Results();
  now.add('gateways', 'no-change', 'ts-play', 1);
  mergeKept(now, previous);
  t.is(now.scale.length, 4);
  const again = scaled();
  again.scale.splice(1);
  mergeKept(again, previous);
  t.is(again.scale.length, 1, 'measured now: the previous rounds are not mixed in');
  t.regex(markdown(scaled(), MACHINE, 50), /### Scale: the light play on 50, 200 and 500 hosts[\s\S]*benchmarks-scale\.svg[\s\S]*within 1\.3x of the SSH floor measured in the same round: MISSED \(1\.33x/);
});
