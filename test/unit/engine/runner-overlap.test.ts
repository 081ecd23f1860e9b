import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineRole, definePlaybook } from 'ts-play';
import { LocalHosts } from '../../helpers/engine-harness.ts';
import { lineInFile } from '../../helpers/local-tasks.ts';

// What a run does at once instead of in turn (issue 19): reading is free to overlap, changing
// is not. A batch's gate reads the pair while the batch's hosts read their own state; later
// hosts read ahead while earlier batches run; no host changes anything before its gate passed.

const conf = defineRole({
  name: 'conf',
  dir: import.meta.dirname,
  defaults: { dir: '', greeting: 'hello' },
  tasks: ({ vars }) => [lineInFile(join(vars.dir, 'a.conf'), vars.greeting, { name: 'a' })],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (a bounded time) until the host's connection has made n round trips; false if it never did. */
async function tripsReach(hosts: LocalHosts, host: string, n: number, ms = 3000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) if ((hosts.conns.get(host)?.roundTrips ?? 0) >= n) return true;
  return false;
}

const pair = (beforeBatch: NonNullable<Parameters<typeof definePlaybook>[0][0]['beforeBatch']>) =>
  definePlaybook([{ name: 'p', hosts: 'all', serial: 1, roles: [conf()], beforeBatch }]);

test('a batch is read while its gate runs; a failed gate stops the run before the host changed anything', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  await hosts.run(pair(async () => undefined));
  const file = join(hosts.dirs.get('h2')!, 'a.conf');
  let readDuringGate = false;
  const r = await hosts.run(pair(async (ctx) => {
    if (ctx.index !== 1) return;
    // h2's facts and its state read: only possible if the hosts read while this gate runs.
    readDuringGate = await tripsReach(hosts, 'h2', 2);
    throw new Error('peer h1 is not ready');
  }), { extraVars: { greeting: 'bonjour' } });
  t.true(readDuringGate, 'h2 was read while the gate before its batch ran');
  t.regex(r.stopped ?? '', /gate before batch 2 failed: peer h1 is not ready/);
  t.is(readFileSync(file, 'utf8'), 'hello\n', 'h2 waited for the gate and changed nothing');
  t.is(r.stats.h2!.changed, 0);
  t.is(r.stats.h2!.failed, 0, 'a closed gate is not the host\'s failure');
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'a.conf'), 'utf8'), 'bonjour\n', 'h1 went through its passed gate');
});

test('a failed gate before a batch with nothing to change leaves its host unreported: no task ran there', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  await hosts.run(pair(async () => undefined));
  const r = await hosts.run(pair(async (ctx) => {
    if (ctx.index !== 1) return;
    await tripsReach(hosts, 'h2', 2);
    throw new Error('peer h1 is not ready');
  }), { connectFirst: true });
  t.regex(r.stopped ?? '', /gate before batch 2 failed: peer h1 is not ready/);
  t.is(r.stats.h1!.ok, 1);
  t.deepEqual({ ...r.stats.h2!, roundTrips: 0 }, { ...r.stats.h1!, ok: 0, roundTrips: 0 }, 'h2 was read, but none of its tasks ran');
});

test('a gate that passes late still comes before the change', async (t) => {
  const hosts = new LocalHosts(['h1']);
  await hosts.run(pair(async () => undefined));
  const file = join(hosts.dirs.get('h1')!, 'a.conf');
  let seenAtGateEnd = '';
  const r = await hosts.run(pair(async () => {
    await tripsReach(hosts, 'h1', 2);
    await sleep(100);
    seenAtGateEnd = readFileSync(file, 'utf8');
  }), { extraVars: { greeting: 'bonjour' } });
  t.is(r.stopped, undefined);
  t.is(seenAtGateEnd, 'hello\n', 'nothing changed while the gate ran');
  t.is(readFileSync(file, 'utf8'), 'bonjour\n');
});

test('later batches read ahead while the first runs, and a no-change run uses those reads', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2', 'h3']);
  await hosts.run(pair(async () => undefined));
  let aheadDuringFirstGate = false;
  const r = await hosts.run(pair(async (ctx) => {
    // facts + the read ahead of h3, before batch 1 (h1) is done
    if (ctx.index === 0) aheadDuringFirstGate = await tripsReach(hosts, 'h3', 2);
  }), { connectFirst: true });
  t.true(aheadDuringFirstGate, 'h3 was read while batch 1 had not finished');
  for (const h of ['h1', 'h2', 'h3']) {
    t.is(r.stats[h]!.changed, 0);
    t.is(r.stats[h]!.roundTrips, 2, `${h}: facts and one read, the read ahead not repeated`);
  }
});

test('a read ahead is dropped once anything changed in the run: the host is read again and converges', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  await hosts.run(pair(async () => undefined));
  writeFileSync(join(hosts.dirs.get('h1')!, 'a.conf'), 'edited by hand\n');
  writeFileSync(join(hosts.dirs.get('h2')!, 'a.conf'), 'edited too\n');
  const r = await hosts.run(pair(async () => undefined), { connectFirst: true });
  t.is(r.stats.h1!.changed, 1);
  t.is(r.stats.h2!.changed, 1);
  // facts, the read ahead (stale after h1's change), the read in its turn, the read before apply, the apply
  t.true(r.stats.h2!.roundTrips >= 4, `h2 made ${r.stats.h2!.roundTrips} round trips`);
  t.is(readFileSync(join(hosts.dirs.get('h2')!, 'a.conf'), 'utf8'), 'hello\n');
});

test('check mode: reads ahead stay good (nothing is changed) and a failed gate still stops the run', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  await hosts.run(pair(async () => undefined));
  writeFileSync(join(hosts.dirs.get('h1')!, 'a.conf'), 'edited by hand\n');
  const r = await hosts.run(pair(async (ctx) => {
    if (ctx.index === 1) throw new Error('h1 is not back');
  }), { check: true, connectFirst: true });
  t.is(r.stats.h1!.changed, 1, 'h1 would change');
  t.is(r.stats.h2!.roundTrips, 2, 'h2: facts and the read ahead, used although h1 would change');
  t.regex(r.stopped ?? '', /gate before batch 2 failed: h1 is not back/);
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'a.conf'), 'utf8'), 'edited by hand\n');
});
