// playbooks/maintenance.ts end to end on a simulated pair (test/helpers/sim-pair.ts): the real
// playbook, role, modules, gates and stop report, with FakeConnections standing in for SSH.
// The lab test (test/acceptance/maintenance.test.ts) runs the same window with traffic.
import test from 'ava';
import { join } from 'node:path';
import { Runner } from '../../../src/engine/runner.ts';
import type { EngineEvent } from '../../../src/engine/events.ts';
import { planFromOptions } from '../../../src/session/plan.ts';
import { exitCode } from '../../../src/output/recap.ts';
import { SimPair } from '../../helpers/sim-pair.ts';
import { taskEvents } from '../../helpers/engine-harness.ts';

const ROOT = join(import.meta.dirname, '../../..');
const COMMAND = 'ts-play playbooks/maintenance.ts -i inventory/lab.yml';
// The simulated pair settles at once: short gate waits, no preempt delay, a short reboot timeout.
const FAST = ['rollout_gate_timeout=1', 'rollout_settle_timeout=1', 'keepalived_preempt_delay=0', 'maintenance_reboot_timeout=20', 'maintenance_back_timeout=5'];

async function window(sim: SimPair, o: { check?: boolean; extra?: string[] } = {}) {
  const { plans } = await planFromOptions({
    playbook: join(ROOT, 'playbooks/maintenance.ts'),
    inventories: [join(ROOT, 'inventory/lab.yml')],
    limit: 'gateways',
    extraVars: [...FAST, ...(o.extra ?? [])].map((e) => e),
  });
  const events: EngineEvent[] = [];
  const runner = new Runner({ check: o.check ?? false, forks: 5, sink: { emit: (e) => events.push(e) }, connect: (h) => sim.connect(h), commandLine: COMMAND });
  const summary = await runner.run(plans);
  // As the CLI does: a stopped run exits 2 even when no host failed (a gate stopped it).
  const code = exitCode(summary.stats) || (summary.stopped ? 2 : 0);
  return { ...summary, events, code, tasks: taskEvents(events) };
}

const infos = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'info' ? [e.message] : []));

test('a window: holder last, VIPs handed over once, both nodes upgraded and rebooted, the preferred master back', async (t) => {
  const sim = new SimPair();
  const r = await window(sim);
  t.is(r.stopped, undefined, r.stopped);
  t.is(r.code, 0);
  t.deepEqual(r.events.filter((e) => e.type === 'batch-start').map((e) => (e as { hosts: string[] }).hosts), [['gw2'], ['gw1']]);
  t.deepEqual(sim.nodes.gw2.actions, ['apt-get update', 'apt-get upgrade', 'reboot']);
  t.deepEqual(sim.nodes.gw1.actions, ['apt-get update', 'stop keepalived', 'apt-get upgrade', 'reboot']);
  t.deepEqual([sim.nodes.gw1.installed['tsp-maint-probe'], sim.nodes.gw2.installed['tsp-maint-probe']], ['1.1', '1.1']);
  t.deepEqual([sim.nodes.gw1.boots, sim.nodes.gw2.boots], [1, 1]);
  t.is(sim.holder()?.name, 'gw1');
  const upgrade = r.tasks.find((e) => e.host === 'gw1' && e.module === 'aptUpgrade')!;
  t.is(upgrade.reason, 'upgraded 1: tsp-maint-probe 1.0 -> 1.1; reboot needed: /run/reboot-required (tsp-maint-probe)');
  t.regex(r.tasks.find((e) => e.host === 'gw1' && e.module === 'reboot')!.reason!, /^rebooted in \d+(\.\d)?s \(boot id a0000000 -> a0000001\)$/);
  t.true(infos(r.events).some((m) => /^gw1: healthy and back in its role; gw1 holds the VIPs, conntrack sync current$/.test(m)));
  t.deepEqual(r.tasks.filter((e) => e.status === 'failed'), []);
});

test('a second window finds nothing to do and changes nothing', async (t) => {
  const sim = new SimPair();
  await window(sim);
  const before = [...sim.nodes.gw1.actions];
  const again = await window(sim);
  t.is(again.code, 0);
  t.deepEqual(sim.nodes.gw1.actions, before);
  for (const h of ['gw1', 'gw2']) t.is(again.stats[h]!.changed, 0, h);
  t.true(again.tasks.some((e) => e.host === 'gw1' && e.module === 'block' && e.reason === 'nothing to upgrade and no reboot needed'));
});

test('--check says what would be upgraded and whether each node would reboot, and touches nothing', async (t) => {
  const sim = new SimPair();
  sim.nodes.gw1.listsRefreshed = sim.now;
  sim.nodes.gw2.listsRefreshed = sim.now;
  const r = await window(sim, { check: true, extra: ['maintenance_reboot=always'] });
  t.is(r.code, 0, r.stopped);
  t.deepEqual([sim.nodes.gw1.actions, sim.nodes.gw2.actions], [[], []]);
  const line = (h: string, module: string) => r.tasks.find((e) => e.host === h && e.module === module)!;
  t.is(line('gw1', 'aptPending').reason, 'pending: 1: tsp-maint-probe 1.0 -> 1.1; no reboot needed');
  t.is(line('gw1', 'handOver').status, 'changed');
  t.is(line('gw2', 'handOver').status, 'ok');
  t.is(line('gw1', 'reboot').status, 'changed');
  const needed = await window(sim, { check: true });
  t.is(needed.tasks.find((e) => e.host === 'gw1' && e.module === 'reboot')!.reason, 'no reboot needed');
});

test('the second node does not come back: the window stops with the first serving, exit 2, and says how to resume', async (t) => {
  const sim = new SimPair();
  sim.nodes.gw1.downFor = Infinity;
  const r = await window(sim, { extra: ['maintenance_reboot_timeout=3'] });
  t.is(r.code, 2);
  t.is(r.stats.gw1!.unreachable, 0, 'a task failure, not an unreachable host');
  const lines = r.stopped!.split('\n');
  t.is(lines[0], '1 of 1 host(s) in batch 2 failed or were unreachable (gw1); maxFailPercentage is 0');
  t.regex(lines[1]!, /^maintenance stopped at gw1 \(role maintenance, task "reboot"\): the host did not come back with a new boot within 3s of the reboot \(last: connect ETIMEDOUT 198\.18\.0\.11:22\)$/);
  t.regex(lines[2]!, /^the pair is serving: gw2 holds the VIPs \(gw2: 198\.18\.1\.1, 198\.19\.0\.1; gw1: unreachable \(connect ETIMEDOUT 198\.18\.0\.11:22\)\)$/);
  t.is(lines[3], 'done: gw2; not done: gw1');
  t.is(lines[4], `to resume once gw1 is back and healthy (fix what stopped it first): ${COMMAND} -e maintenance_done=gw2`);
  t.is(r.tasks.find((e) => e.handler === undefined && e.task.startsWith('keepalived started again'))!.reason, 'the node did not come back: nothing to start on it');

  // gw1 comes back; the resume command passes over gw2 and finds gw1 already patched.
  sim.nodes.gw1.downFor = 0;
  const resumed = await window(sim, { extra: ['maintenance_done=gw2'] });
  t.is(resumed.code, 0, resumed.stopped);
  t.is(resumed.tasks.find((e) => e.host === 'gw2' && e.module === 'block')!.reason, 'done in an earlier run of this window (maintenance_done)');
  t.deepEqual(sim.nodes.gw2.actions, ['apt-get update', 'apt-get upgrade', 'reboot'], 'gw2 was not taken out again');
  t.is(sim.holder()?.name, 'gw1');
});

test('an upgrade that fails on the holder: the rescue starts keepalived again, the VIPs come back, the window stops', async (t) => {
  const sim = new SimPair();
  sim.nodes.gw1.aptFails = true;
  const r = await window(sim);
  t.is(r.code, 2);
  t.deepEqual(sim.nodes.gw1.actions, ['apt-get update', 'stop keepalived', 'apt-get failed', 'start keepalived']);
  t.is(sim.holder()?.name, 'gw1');
  t.true(infos(r.events).some((m) => m.startsWith('maintenance: block "take the node out, patch it, bring it back" failed (gw1: `env DEBIAN_FRONTEND=noninteractive apt-get upgrade')));
  t.regex(r.stopped!, /\nmaintenance stopped at gw1 \(role maintenance, task "upgrade all packages"\): gw1: `env .*apt-get upgrade .*` exited 100: E: Sub-process \/usr\/bin\/dpkg returned an error code \(1\)\nthe pair is serving: gw1 holds the VIPs/);
});

test('after each node the gate waits for conntrack sync: a node whose caches never catch up stops the window before the holder', async (t) => {
  const sim = new SimPair();
  sim.nodes.gw2.syncStuckAfterReboot = true;
  const r = await window(sim);
  t.is(r.code, 2);
  t.regex(r.stopped!, /^gate after batch 1 failed: gw2 after its changes: conntrack sync is behind: gw2's external cache has 0 flows, gw1's internal cache 1000 \(margin 20\)/);
  t.regex(r.stopped!, /\nmaintenance stopped after gw2: patched, but the pair was not healthy after it \(the gate above says why\)\nthe pair is serving: gw1 holds the VIPs/);
  t.regex(r.stopped!, /\ndone: gw2; not done: gw1\nto resume once the gate's problem is fixed: ts-play playbooks\/maintenance\.ts -i inventory\/lab\.yml -e maintenance_done=gw2$/);
  t.deepEqual(sim.nodes.gw1.actions, [], 'the holder was not touched');
});
