/**
 * The bench's runs on the lab, per target. Each scenario runs every tool in turn, round after
 * round (interleaved, so a slow minute of the machine hits all tools alike).
 */
import { join } from 'node:path';
import { generate } from '../ansible/generate.ts';
import { median } from './stats.ts';
import { ansible, problem, ROOT, tsplay, type RunResult } from './tools.ts';
import { bareGateways, LIGHT_INVENTORY, lightAddresses, lightHosts, lightInventoryCount, sshFloor } from './lab.ts';
import type { Results, Scenario, Target } from './results.ts';

export interface BenchOptions {
  runs: number;
  firstRuns: number;
  light: number;
  log: (msg: string) => void;
}

const RENDERED = join(ROOT, 'bench/ansible/rendered');
const LAB_INV = join(ROOT, 'inventory/lab.yml');

interface Variant {
  tool: string;
  /** Runs the tool once; `extra` are -e assignments for the one-variable change. */
  run(extra: string[]): Promise<RunResult>;
}

function roundtrips(r: RunResult): number | undefined {
  const v = [...r.recap.values()].map((h) => h.roundtrips).filter((x): x is number => x !== undefined);
  return v.length ? median(v) : undefined;
}

async function measure(res: Results, target: Target, scenario: Scenario, v: Variant, extra: string[], hosts: number, noChange: boolean, log: BenchOptions['log']): Promise<void> {
  const r = await v.run(extra);
  const bad = problem(r, { hosts, noChange });
  if (bad) throw new Error(`${target} ${scenario}, ${v.tool}: ${bad}\n${r.stdout.slice(-3000)}${r.stderr.slice(-2000)}`);
  if (scenario === 'one-variable change' && ![...r.recap.values()].some((h) => (h.changed ?? 0) > 0)) {
    throw new Error(`${target} ${scenario}, ${v.tool}: nothing changed\n${r.stdout.slice(-3000)}`);
  }
  const rt = roundtrips(r);
  res.add(target, scenario, v.tool, r.seconds, rt);
  log(`  ${target} / ${scenario} / ${v.tool}: ${r.seconds.toFixed(2)} s${rt !== undefined ? `, ${rt} round trips per host` : ''}`);
}

function gatewayVariants(res: Results): Variant[] {
  const ts = ['--skip-tags', 'lynis'];
  const gen = async (extra: string[]) => {
    await generate({ playbook: 'playbooks/site.ts', inventories: [LAB_INV], limit: 'gateways', out: RENDERED, skipTags: ['lynis'], extraVars: extra });
  };
  const e = (extra: string[]) => extra.flatMap((x) => ['-e', x]);
  res.command('ts-play playbooks/site.ts -i inventory/lab.yml -v --skip-tags lynis [-e rollout_gates=false] [-e keepalived_advert_int=V]');
  res.command('npx tsx bench/ansible/generate.ts playbooks/site.ts -i inventory/lab.yml --limit gateways --skip-tags lynis --out bench/ansible/rendered [-e keepalived_advert_int=V]   (not timed)');
  res.command('ansible-playbook -i inventory/lab.yml bench/ansible/gateways.yml -e tsplay_rendered=$PWD/bench/ansible/rendered -e ansible_ssh_private_key_file=$PWD/.lab/id_ed25519   (defaults; pipelined: ANSIBLE_PIPELINING=1 ANSIBLE_SSH_ARGS="-C -o ControlMaster=auto -o ControlPersist=60s"; Mitogen: ANSIBLE_STRATEGY=mitogen_linear ANSIBLE_STRATEGY_PLUGINS=/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy)');
  return [
    { tool: 'ts-play', run: (x) => tsplay('playbooks/site.ts', LAB_INV, [...ts, ...e(x)]) },
    { tool: 'ts-play, gates off', run: (x) => tsplay('playbooks/site.ts', LAB_INV, [...ts, '-e', 'rollout_gates=false', ...e(x)]) },
    { tool: 'Ansible defaults', run: async (x) => (await gen(x), ansible('defaults', 'bench/ansible/gateways.yml', LAB_INV, RENDERED)) },
    { tool: 'Ansible pipelined', run: async (x) => (await gen(x), ansible('pipelined', 'bench/ansible/gateways.yml', LAB_INV, RENDERED)) },
    { tool: 'Ansible Mitogen', run: async (x) => (await gen(x), ansible('mitogen', 'bench/ansible/gateways.yml', LAB_INV, RENDERED)) },
  ];
}

async function converge(what: string, r: Promise<RunResult>): Promise<void> {
  const done = await r;
  if (done.code !== 0) throw new Error(`${what} failed (exit ${done.code}):\n${done.stdout.slice(-3000)}${done.stderr.slice(-2000)}`);
}

/** Runs the three scenarios on gw1+gw2 and leaves them converged by ts-play with the inventory's values. */
export async function benchGateways(res: Results, o: BenchOptions): Promise<void> {
  const variants = gatewayVariants(res);
  o.log('gateways: first run on bare gateways (fresh overlays before each run)');
  for (let i = 0; i < o.firstRuns; i++) {
    for (const v of variants) {
      await bareGateways();
      await measure(res, 'gateways', 'first run (bare)', v, [], 2, false, o.log);
    }
  }
  await converge('converging the gateways with ts-play', tsplay('playbooks/site.ts', LAB_INV, []));
  o.log('gateways: no-change runs');
  for (let i = 0; i < o.runs; i++) for (const v of variants) await measure(res, 'gateways', 'no-change', v, [], 2, true, o.log);
  o.log('gateways: one-variable change (keepalived_advert_int 0.05 <-> 0.06)');
  let current = '0.05';
  for (let i = 0; i < o.runs; i++) {
    for (const v of variants) {
      current = current === '0.05' ? '0.06' : '0.05';
      await measure(res, 'gateways', 'one-variable change', v, [`keepalived_advert_int=${current}`], 2, false, o.log);
    }
  }
  await converge('restoring the gateways with ts-play', tsplay('playbooks/site.ts', LAB_INV, []));
}

function lightVariants(res: Results, n: number): Variant[] {
  const gen = async (extra: string[]) => {
    await generate({ playbook: 'bench/light.ts', inventories: [LIGHT_INVENTORY], limit: 'light', out: RENDERED, init: 'sysvinit', extraVars: extra });
  };
  const e = (extra: string[]) => extra.flatMap((x) => ['-e', x]);
  res.command(`ts-play bench/light.ts -i .lab/light.yml -v -f ${n} [-e sysctl_rp_filter=V]`);
  res.command(`ansible-playbook -i .lab/light.yml bench/ansible/light.yml ... (defaults: forks 5; pipelined and Mitogen: --forks ${n})`);
  return [
    { tool: `ts-play -f ${n}`, run: (x) => tsplay('bench/light.ts', LIGHT_INVENTORY, ['-f', String(n), ...e(x)]) },
    { tool: 'Ansible defaults', run: async (x) => (await gen(x), ansible('defaults', 'bench/ansible/light.yml', LIGHT_INVENTORY, RENDERED)) },
    { tool: `Ansible pipelined`, run: async (x) => (await gen(x), ansible('pipelined', 'bench/ansible/light.yml', LIGHT_INVENTORY, RENDERED, n)) },
    { tool: 'Ansible Mitogen', run: async (x) => (await gen(x), ansible('mitogen', 'bench/ansible/light.yml', LIGHT_INVENTORY, RENDERED, n)) },
  ];
}

/** Runs the three scenarios on n light hosts, each round next to the SSH floor; removes the light hosts at the end. */
export async function benchLight(res: Results, o: BenchOptions): Promise<void> {
  const n = o.light;
  const variants = lightVariants(res, n);
  const floor = async (scenario: Scenario) => {
    const s = await sshFloor(lightAddresses(n));
    res.addFloor(scenario, s);
    o.log(`  light / ${scenario} / SSH floor: ${s.toFixed(2)} s`);
  };
  try {
    o.log(`light: first run on ${n} fresh light hosts`);
    for (let i = 0; i < o.firstRuns; i++) {
      for (const v of variants) {
        await lightHosts(n, true);
        if (lightInventoryCount() !== n) throw new Error(`.lab/light.yml lists ${lightInventoryCount()} hosts, not ${n}`);
        await floor('first run (bare)');
        await measure(res, 'light', 'first run (bare)', v, [], n, false, o.log);
      }
    }
    await lightHosts(n);
    await converge('converging the light hosts with ts-play', tsplay('bench/light.ts', LIGHT_INVENTORY, ['-f', String(n)]));
    o.log('light: no-change runs');
    for (let i = 0; i < o.runs; i++) {
      await floor('no-change');
      for (const v of variants) await measure(res, 'light', 'no-change', v, [], n, true, o.log);
    }
    o.log('light: one-variable change (sysctl_rp_filter 2 <-> 0)');
    let current = 2;
    for (let i = 0; i < o.runs; i++) {
      await floor('one-variable change');
      for (const v of variants) {
        current = current === 2 ? 0 : 2;
        await measure(res, 'light', 'one-variable change', v, [`sysctl_rp_filter=${current}`], n, false, o.log);
      }
    }
  } finally {
    // Light hosts load the machine: they go as soon as the bench is done with them.
    await lightHosts(0);
  }
}
