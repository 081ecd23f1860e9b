// The bench's pure parts: recap parsing for both tools, medians, and the report's verdicts.
import test from 'ava';
import { parseRecap, problem, type RunResult } from '../../../bench/lib/tools.ts';
import { median, ratio } from '../../../bench/lib/stats.ts';
import { Results } from '../../../bench/lib/results.ts';
import { markdown } from '../../../bench/lib/report.ts';
import { barChart } from '../../../bench/lib/chart.ts';

const ANSIBLE = `PLAY RECAP *********************************************************************
gw1                        : ok=12   changed=0    unreachable=0    failed=0    skipped=8    rescued=0    ignored=0
gw2                        : ok=12   changed=1    unreachable=0    failed=0    skipped=8    rescued=0    ignored=0
`;
const TSPLAY = 'gw1 : ok=50 changed=0 unreachable=0 failed=0 skipped=1 roundtrips=7\ngw2 : ok=50 changed=0 unreachable=0 failed=0 skipped=1 roundtrips=9\n';

const run = (stdout: string, code = 0): RunResult => ({ seconds: 1, code, stdout, stderr: '', recap: parseRecap(stdout) });

test('both tools\' recaps parse per host, round trips included', (t) => {
  t.deepEqual(parseRecap(ANSIBLE).get('gw2'), { ok: 12, changed: 1, unreachable: 0, failed: 0, skipped: 8, rescued: 0, ignored: 0 });
  t.is(parseRecap(TSPLAY).get('gw2')?.roundtrips, 9);
  t.is(parseRecap('TASK [x] ***\nok: [gw1]\n').size, 0);
});

test('a run counts only when it succeeded on every host and, for no-change, changed nothing', (t) => {
  t.is(problem(run(TSPLAY), { hosts: 2, noChange: true }), undefined);
  t.is(problem(run(ANSIBLE), { hosts: 2, noChange: true }), 'not a no-change run');
  t.is(problem(run(ANSIBLE), { hosts: 2 }), undefined);
  t.is(problem(run(TSPLAY), { hosts: 3 }), 'recap has 2 hosts, expected 3');
  t.is(problem(run(TSPLAY, 2), { hosts: 2 }), 'exit 2');
  t.is(problem(run(TSPLAY.replace('failed=0', 'failed=1')), { hosts: 2 }), 'a host failed');
});

test('median and ratio', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 2, 3]), 2.5);
  t.is(ratio(2, 25), '12.5x');
  t.is(ratio(0, 3), '-');
});

test('the report states each target as met or missed, with the measured ratio, and keeps the analysis', (t) => {
  const res = new Results();
  for (const s of [1.0, 1.2, 1.1]) res.add('gateways', 'no-change', 'ts-play', s, 8);
  for (const s of [14, 15, 13]) res.add('gateways', 'no-change', 'Ansible pipelined', s);
  for (const s of [9, 10, 11]) res.add('light', 'no-change', 'ts-play -f 50', s, 3);
  for (const s of [6, 6.2, 6.1]) res.addFloor('no-change', s);
  const m = { cores: 2, ramGiB: 24, kernel: 'k', node: 'v22', ansible: 'ansible-core 2.14', openssh: 'OpenSSH_9.2p1', date: 'd' };
  const md = markdown(res, m, 50, '# old\n<!-- analysis -->\nwhy it is so\n<!-- /analysis -->\n');
  t.regex(md, /at least 10x faster than pipelined Ansible: MET \(12\.7x/);
  t.regex(md, /within 1\.5x of the SSH floor: MISSED \(1\.64x/);
  t.regex(md, /<!-- analysis -->\nwhy it is so\n<!-- \/analysis -->/);
  t.regex(md, /\| no-change \| ts-play \| 3 \| 1\.10 s \| 1\.00 s \| 1\.20 s \| 1\.0x \| 8, 8, 8 \|/);
  const svg = barChart([{ group: 'g', label: 'ts-play', seconds: 1.1 }, { group: 'g', label: 'Ansible <x>', seconds: 14 }], 'T');
  t.regex(svg, /^<svg /);
  t.regex(svg, /Ansible &lt;x&gt;/);
});
