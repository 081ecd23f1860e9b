// Issue 19: the order hook reads each node once in full, and a before-gate judges the last
// reading (the order's, or the gate's before a batch that changed nothing) while it is a few
// seconds old instead of reading both nodes again; the runner gathers facts beside the gates.
import test from 'ava';
import { join } from 'node:path';
import type { FakeConnection } from '../../../src/connection/fake.ts';
import { Runner } from '../../../src/engine/runner.ts';
import { planFromOptions } from '../../../src/session/plan.ts';
import { SimPair } from '../../helpers/sim-pair.ts';
import { ADDR_BACKUP, ADDR_HOLDER } from './recorded.ts';
import { healthyPair, node, setup } from './fake-pair.ts';

const ROOT = join(import.meta.dirname, '../../..');

test('order then the first before-gate: one round trip per node for both', async (t) => {
  const pair = healthyPair();
  const { gates, ctx, logs, clock } = setup(pair, { batch: ['gw2'] });
  t.deepEqual(await gates.order(['gw1', 'gw2'], ctx), ['gw2', 'gw1']);
  await gates.beforeBatch(ctx);
  t.regex(logs.at(-1)!, /gw2: gw1 is ready to take over, gw1 holds the VIPs, conntrack sync current/);
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [1, 1]);
  // gw2's batch changed nothing: the next gate judges the same, still fresh, reading.
  await gates.afterBatch({ ...ctx, changed: [] });
  clock.t += 1200;
  await gates.beforeBatch({ ...ctx, batch: ['gw1'], index: 1 });
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [1, 1]);
  t.regex(logs.at(-1)!, /gw1: gw2 is ready to take over, gw1 holds the VIPs, conntrack sync current \(read 1\.2 s ago, nothing changed since\)/);
});

test('a batch that changed its node: the after-gate reads the pair afresh, and the next gate judges that reading', async (t) => {
  const pair = healthyPair();
  const { gates, ctx } = setup(pair, { batch: ['gw2'] });
  await gates.order(['gw1', 'gw2'], ctx);
  await gates.beforeBatch(ctx);
  await gates.afterBatch({ ...ctx, changed: ['gw2'] });
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [2, 2], 'the after-gate did not judge the before-gate\'s reading');
  await gates.beforeBatch({ ...ctx, batch: ['gw1'], index: 1 });
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [2, 2]);
});

test('a reading older than a few seconds is read again, after the order and after a batch that changed nothing', async (t) => {
  const pair = healthyPair();
  const { gates, ctx, clock } = setup(pair, { batch: ['gw2'] });
  await gates.order(['gw1', 'gw2'], ctx);
  clock.t += 3001;
  await gates.beforeBatch(ctx);
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [2, 2]);
  await gates.afterBatch({ ...ctx, changed: [] });
  clock.t += 3001;
  await gates.beforeBatch({ ...ctx, batch: ['gw1'], index: 1 });
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [3, 3]);
});

test('a problem in the order reading is not final: the before-gate reads again until it clears', async (t) => {
  let reads = 0;
  const pair = {
    gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }),
    gw2: node('gw2', { addr: ADDR_BACKUP, group: () => (++reads < 2 ? 'FAULT' : 'BACKUP') }),
  };
  const { gates, ctx, clock } = setup(pair, { batch: ['gw2'] });
  await gates.order(['gw1', 'gw2'], ctx);
  await gates.beforeBatch(ctx);
  t.is(clock.t, 1000, 'one wait, then the fresh reading passed');
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [2, 2]);
});

test('order: a node whose addresses cannot be listed stops the rollout, naming the command', async (t) => {
  const gw1 = node('gw1', { addr: ADDR_HOLDER, addrFails: 'Cannot open netlink socket' });
  const { gates, ctx } = setup({ gw1, gw2: node('gw2', { addr: ADDR_BACKUP }) });
  await t.throwsAsync(gates.order(['gw1', 'gw2'], ctx), { message: /cannot read the VIPs on gw1: `ip -o -4 addr show` exited 1: Cannot open netlink socket/ });
});

async function noChangeRun(lockFirst: boolean) {
  const sim = new SimPair();
  const { plans } = await planFromOptions({ playbook: join(ROOT, 'test/fixtures/playbooks/pair-gates.ts'), inventories: [join(ROOT, 'inventory/lab.yml')], limit: 'gateways', extraVars: [] });
  const conns: Record<string, FakeConnection> = {};
  const runner = new Runner({
    check: false, forks: 5, sink: { emit: () => undefined },
    connect: async (h) => (conns[h] = (await sim.connect(h)) as FakeConnection),
    // As the CLI's run lock does: every host's connection opened before the first play.
    ...(lockFirst ? { beforeRun: async (hosts: string[], connect: (h: string) => Promise<unknown>) => void (await Promise.all(hosts.map(connect))) } : {}),
  });
  const summary = await runner.run(plans);
  return { summary, conns };
}

test('a no-change run through the runner: the order\'s reading and the facts, one round trip each per gateway', async (t) => {
  const { summary, conns } = await noChangeRun(false);
  t.is(summary.stopped, undefined, summary.stopped);
  // gw2 (no VIPs) first: order 1, facts 1; both before-gates judged the order's reading (nothing changed, seconds old).
  t.deepEqual([summary.stats.gw1!.roundTrips, summary.stats.gw2!.roundTrips], [2, 2]);
  const facts = (c: FakeConnection) => c.calls.findIndex((x) => x.argv[0] === 'test');
  // Without open connections, gw1's facts wait for its own batch: after the order's reading.
  t.true(facts(conns.gw1!) > 0, conns.gw1!.calls.map((c) => c.argv[0]).join(' '));
});

test('with the connections open before the play, every host\'s facts are gathered at once, beside the gates', async (t) => {
  const { summary, conns } = await noChangeRun(true);
  t.is(summary.stopped, undefined, summary.stopped);
  t.deepEqual([summary.stats.gw1!.roundTrips, summary.stats.gw2!.roundTrips], [2, 2]);
  // gw1 goes last, yet its facts go out with the order hook's read (whose six probes the fake
  // records one by one), before anything of gw2's batch.
  const calls = conns.gw1!.calls.map((c) => c.argv[0]);
  t.true(calls.indexOf('test') <= 6, calls.join(' '));
});

test('two runs of one playbook at once in a process: each first gate judges its own run\'s order reading', async (t) => {
  // The playbook's gates are one module-level object; a reading shared between runs would be
  // another pair's state (or, cleared by the other run's order hook, read again).
  const runs = await Promise.all([noChangeRun(true), noChangeRun(true), noChangeRun(false)]);
  for (const { summary } of runs) {
    t.is(summary.stopped, undefined, summary.stopped);
    t.deepEqual([summary.stats.gw1!.roundTrips, summary.stats.gw2!.roundTrips], [2, 2]);
  }
});
