/** docs/benchmarks.md and its chart, from the bench's results. */
import { existsSync, readFileSync } from 'node:fs';
import { barChart, type Bar } from './chart.ts';
import { median, ratio, secs } from './stats.ts';
import type { Cell, Results, Scenario, Target } from './results.ts';
import { scaleSection, scaleTargets } from './scale.ts';

export interface Machine { cores: number; ramGiB: number; kernel: string; node: string; ansible: string; mitogen?: string; openssh: string; date: string }

const SCENARIOS: Scenario[] = ['first run (bare)', 'no-change', 'one-variable change'];
const TARGETS: Target[] = ['gateways', 'light'];
const KEEP = /<!-- analysis -->[\s\S]*?<!-- \/analysis -->/;

function cell(res: Results, t: Target, s: Scenario, pred: (tool: string) => boolean): Cell | undefined {
  return res.cells.find((c) => c.target === t && c.scenario === s && pred(c.tool));
}
const isTs = (tool: string) => tool === 'ts-play' || tool.startsWith('ts-play -f');
const isPiped = (tool: string) => tool === 'Ansible pipelined';
const isMitogen = (tool: string) => tool === 'Ansible Mitogen';

/** Issue 19's targets for a no-change run of site.ts on the pair, rollout gates on; the first target was 10x. */
export const TARGET_PIPELINED = 20;
export const TARGET_MITOGEN = 5;
const EARLIER_PIPELINED = 10;
/** The first target for the light hosts beside Ansible; issue 19's is SCALE_TARGET at every size. */
const EARLIER_FLOOR = 1.5;

export function chartBars(res: Results, light: number): Bar[] {
  const bars: Bar[] = [];
  for (const t of TARGETS) {
    for (const s of SCENARIOS) {
      const group = `${t === 'gateways' ? 'gw1+gw2' : `${light} light hosts`}: ${s}`;
      const fl = res.floor.get(s);
      if (t === 'light' && fl) bars.push({ group, label: 'SSH floor', seconds: median(fl) });
      for (const c of res.cells.filter((x) => x.target === t && x.scenario === s)) bars.push({ group, label: c.tool, seconds: median(c.seconds) });
    }
  }
  return bars;
}

function table(res: Results, t: Target): string[] {
  const cells = res.cells.filter((c) => c.target === t);
  if (cells.length === 0) return ['(not run)'];
  const lines = ['| scenario | tool | runs | median | min | max | median ÷ ts-play median | ts-play round trips/host (per run) |', '|---|---|---|---|---|---|---|---|'];
  for (const s of SCENARIOS) {
    const ts = cell(res, t, s, isTs);
    const fl = res.floor.get(s);
    if (t === 'light' && fl) lines.push(`| ${s} | SSH floor (1 connection/host, all at once) | ${fl.length} | ${secs(median(fl))} | ${secs(Math.min(...fl))} | ${secs(Math.max(...fl))} | ${ts ? ratio(median(ts.seconds), median(fl)) : '-'} | |`);
    for (const c of cells.filter((x) => x.scenario === s)) {
      const m = median(c.seconds);
      lines.push(`| ${s} | ${c.tool} | ${c.seconds.length} | ${secs(m)} | ${secs(Math.min(...c.seconds))} | ${secs(Math.max(...c.seconds))} | ${ts ? ratio(median(ts.seconds), m) : '-'} | ${c.roundtrips.length ? c.roundtrips.join(', ') : ''} |`);
    }
  }
  return lines;
}

function faster(res: Results, pick: (tool: string) => boolean, times: number, what: string): string | undefined {
  const ts = cell(res, 'gateways', 'no-change', isTs);
  const an = cell(res, 'gateways', 'no-change', pick);
  if (!ts || !an) return undefined;
  const r = median(an.seconds) / median(ts.seconds);
  return `- No-change run on gw1+gw2 with the rollout gates on, ts-play at least ${times}x faster than ${what}: ${r >= times ? 'MET' : 'MISSED'} (${r.toFixed(1)}x: ts-play ${secs(median(ts.seconds))}, ${what} ${secs(median(an.seconds))}).`;
}

function targets(res: Results, light: number): string[] {
  const out: string[] = [];
  for (const times of [TARGET_PIPELINED, EARLIER_PIPELINED]) {
    const piped = faster(res, isPiped, times, 'pipelined Ansible');
    if (piped) out.push(times === EARLIER_PIPELINED ? `${piped} (the first target)` : piped);
  }
  const mitogen = faster(res, isMitogen, TARGET_MITOGEN, 'the same twin under Mitogen');
  if (mitogen) out.push(mitogen);
  const off = cell(res, 'gateways', 'no-change', (t) => t === 'ts-play, gates off');
  const an = cell(res, 'gateways', 'no-change', isPiped);
  if (off && an) out.push(`  With the rollout gates off: ${(median(an.seconds) / median(off.seconds)).toFixed(1)}x pipelined Ansible (ts-play ${secs(median(off.seconds))}).`);
  const lt = cell(res, 'light', 'no-change', isTs);
  const la = cell(res, 'light', 'no-change', isPiped);
  const fl = res.floor.get('no-change');
  if (lt && fl) {
    const r = median(lt.seconds) / median(fl);
    out.push(`- No-change run on ${light} light hosts beside Ansible, ts-play within ${EARLIER_FLOOR}x of the SSH floor: ${r <= EARLIER_FLOOR ? 'MET' : 'MISSED'} (${r.toFixed(2)}x: floor ${secs(median(fl))}, ts-play ${secs(median(lt.seconds))}${la ? `, pipelined Ansible ${secs(median(la.seconds))}, ${(median(la.seconds) / median(lt.seconds)).toFixed(1)}x ts-play` : ''}).`);
  }
  out.push(...scaleTargets(res.scale));
  return out.length ? out : ['(targets need the no-change runs)'];
}

export function markdown(res: Results, m: Machine, light: number, previous?: string): string {
  const kept = previous && KEEP.exec(previous)?.[0];
  const side = SCENARIOS.map((s) => {
    const fl = res.floor.get(s);
    const ts = cell(res, 'light', s, isTs);
    const an = cell(res, 'light', s, isPiped);
    const mi = cell(res, 'light', s, isMitogen);
    const med = (c: Cell | undefined) => (c ? secs(median(c.seconds)) : '-');
    return fl || ts || an ? `| ${s} | ${fl ? secs(median(fl)) : '-'} | ${med(ts)} | ${med(an)} | ${med(mi)} |` : '';
  }).filter(Boolean);
  return [
    '# Benchmarks: ts-play and Ansible on the same hosts',
    '',
    'Written by `npm run bench`. Medians of wall time around the whole process (start-up included).',
    'Code: `bench/run.ts`, `bench/lib/`, the Ansible twin in `bench/ansible/`. Measured by:',
    '',
    ...Object.entries(res.measuredBy).sort().map(([k, by]) => `- ${k.replace(/^light/, `${light} light hosts`).replace(/^gateways/, 'gw1+gw2')}: ${by}`),
    '',
    '## Machine',
    '',
    `- ${m.cores} cores, ${m.ramGiB} GiB RAM, kernel ${m.kernel}; the lab hosts share these cores with both tools`,
    `- Node ${m.node}, ${m.ansible}${m.mitogen ? `, ${m.mitogen}` : ''}, ${m.openssh}`,
    '',
    '## What runs',
    '',
    '- **gw1+gw2**: `playbooks/site.ts` (serial 1, lynis left out on both sides) against',
    '  `bench/ansible/gateways.yml` (serial 1 too). *first run*: both gateways are fresh overlays before',
    '  each run; *one-variable change*: `keepalived_advert_int` flips between 0.05 and 0.06 on every run',
    '  (keepalived.conf rewritten, keepalived reloaded). ts-play runs with its rollout gates (default) and',
    '  with `-e rollout_gates=false`. Its runs include site.ts\'s monitoring play on the monitor host (14',
    '  tasks, 2 round trips), which the twin does not have: a handicap for ts-play, not for Ansible.',
    '- **Same files by construction**: `bench/ansible/generate.ts` renders every file with ts-play\'s own',
    '  planner (as `ts-play render` does) and writes the lists of files, directories, sysctls, packages,',
    '  services and handlers the twin loops over (`bench/ansible/tasks.yml`, `handlers.yml`). Ansible\'s',
    '  template module also renders on the controller and then copies, so copying pre-rendered files',
    '  costs Ansible no more than templating would; rendering is not timed for Ansible (it is inside',
    '  ts-play\'s wall time). The twin is generous to Ansible: no fact gathering, one `apt` call for all',
    '  packages, one command for all live sysctls (ansible.posix.sysctl would take one module run per',
    '  key), no validation commands, restarts in place instead of VIP handovers.',
    `- **${light} light hosts** (sshd only, no systemd): \`bench/light.ts\` (sysctl, arp and the hardening`,
    '  role\'s sshd drop-in: 4 tasks, 39 sysctl keys) against `bench/ansible/light.yml`; the change flips',
    '  `sysctl_rp_filter` between 2 and 0. The SSH floor is measured in the same round.',
    '- Ansible *defaults*: no pipelining, 5 forks, its default ssh_args (which already include',
    '  ControlPersist=60s). *pipelined*: `ANSIBLE_PIPELINING=1`, `ANSIBLE_SSH_ARGS="-C -o ControlMaster=auto',
    `  -o ControlPersist=60s"\`, ${light} forks on the light hosts. Each Ansible run gets a fresh ControlPath`,
    '  directory (masters closed afterwards): like ts-play, it pays for its own handshakes.',
    '- Ansible *Mitogen*, the strongest Ansible: the same twin, byte for byte, under Debian\'s ansible-mitogen',
    '  (`ANSIBLE_STRATEGY=mitogen_linear`, `ANSIBLE_STRATEGY_PLUGINS=/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy`):',
    `  one connection and one Python per host for the whole run, module code sent over it; ${light} forks on the light hosts.`,
    '- **Scale**: the light play\'s no-change run on 50, 200 and 500 light hosts, ts-play with `--forks 50`',
    '  (`--scale-forks`), each run next to two floors measured on the same hosts with at most as many',
    '  connections at a time: OpenSSH\'s (`ssh HOST true`, a client process per host) and ssh2\'s (the',
    '  library ts-play logs in with, one connection per host running `true` inside the bench\'s own',
    '  process, no host key check: what no ssh2 client can go under); ts-play\'s CPU and peak memory are',
    '  its own process\'s (`process.resourceUsage()` at exit, `bench/lib/usage-hook.js`). ts-play starts from',
    '  its prebuilt engine (`npm run build` first, `TSPLAY_ENGINE=dist`).',
    '',
    'Commands:',
    '',
    ...res.commands.map((c) => `    ${c}`),
    '',
    '## Results',
    '',
    '### gw1 + gw2',
    '',
    ...table(res, 'gateways'),
    '',
    `### ${light} light hosts`,
    '',
    ...table(res, 'light'),
    '',
    `Side by side on the light hosts (medians): SSH floor, ts-play, pipelined Ansible, Ansible under Mitogen`,
    '',
    '| scenario | SSH floor | ts-play | pipelined Ansible | Ansible Mitogen |',
    '|---|---|---|---|---|',
    ...side,
    '',
    '![median wall times](benchmarks.svg)',
    '',
    '### Scale: the light play on 50, 200 and 500 hosts',
    '',
    ...scaleSection(res.scale),
    '',
    '## Targets',
    '',
    ...targets(res, light),
    '',
    kept || '<!-- analysis -->\n(analysis of the figures goes here; the bench keeps this section)\n<!-- /analysis -->',
    '',
  ].join('\n');
}

export function readPrevious(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
