import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineRole, definePlaybook, required } from 'ts-play';
import { PlanError } from '../../../src/engine/plan.ts';
import { LocalHosts, taskEvents } from '../../helpers/engine-harness.ts';
import { appendLine, failing, lineInFile } from '../../helpers/local-tasks.ts';

const conf = defineRole({
  name: 'conf',
  dir: import.meta.dirname,
  tags: ['phase1'],
  defaults: { dir: required.string(), greeting: 'hello', extra: 'x' },
  tasks: ({ vars }) => [
    lineInFile(join(vars.dir, 'a.conf'), vars.greeting, { name: 'a', notify: ['reload'] }),
    lineInFile(join(vars.dir, 'b.conf'), vars.extra, { name: 'b', notify: ['reload'], tags: ['bee'] }),
  ],
  handlers: ({ vars }) => ({ reload: [appendLine(join(vars.dir, 'reloads.log'), 'reload')] }),
});

const book = (over: Partial<Parameters<typeof definePlaybook>[0][0]> = {}) =>
  definePlaybook([{ name: 'site', hosts: 'all', roles: [conf()], ...over }]);

test('apply changes, re-apply changes nothing and costs two round trips per host', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const first = await hosts.run(book());
  t.deepEqual(first.stats.h1 && { changed: first.stats.h1.changed, failed: first.stats.h1.failed }, { changed: 3, failed: 0 }); // a, b, handler
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'a.conf'), 'utf8'), 'hello\n');
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'reloads.log'), 'utf8'), 'reload\n', 'the handler runs once for two notifying changes');

  const second = await hosts.run(book());
  for (const h of ['h1', 'h2']) {
    t.is(second.stats[h]!.changed, 0);
    t.is(second.stats[h]!.ok, 2);
    // facts + one batch for every role's state: the floor for a no-change run
    t.is(second.stats[h]!.roundTrips, 2);
  }
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'reloads.log'), 'utf8'), 'reload\n', 'no change, no handler');
});

test('carried by the run lock, facts and the first read cost one round trip; a change the read then finds still applies', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  await hosts.run(book());
  const again = await hosts.run(book(), { carryFirst: true });
  for (const h of ['h1', 'h2']) {
    t.like(again.stats[h], { changed: 0, ok: 2, failed: 0 });
    t.is(again.stats[h]!.roundTrips, 1, 'the lock round trip read the host: nothing else was sent');
  }
  // The carried read is what the run acts on: a value it finds wrong is changed, as with a read of its own.
  writeFileSync(join(hosts.dirs.get('h1')!, 'a.conf'), 'stale\n');
  const fixed = await hosts.run(book(), { carryFirst: true });
  t.is(fixed.stats.h1!.changed, 2, 'the line and its handler');
  t.is(fixed.stats.h2!.changed, 0);
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'a.conf'), 'utf8'), 'hello\n');
});

test('check mode reports what would change and leaves the host untouched', async (t) => {
  const hosts = new LocalHosts(['h1']);
  await hosts.run(book());
  const r = await hosts.run(book(), { check: true, extraVars: { greeting: 'bonjour' } });
  t.is(r.stats.h1!.changed, 2, 'the task and its handler would change');
  const ev = taskEvents(r.events).find((e) => e.task === 'a')!;
  t.true(ev.check);
  t.deepEqual(ev.diffs?.[0]?.after, 'bonjour\n');
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'a.conf'), 'utf8'), 'hello\n');
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'reloads.log'), 'utf8'), 'reload\n');
});

test('manual drift is found and repaired', async (t) => {
  const hosts = new LocalHosts(['h1']);
  await hosts.run(book());
  writeFileSync(join(hosts.dirs.get('h1')!, 'b.conf'), 'edited by hand\n');
  const r = await hosts.run(book());
  t.is(r.stats.h1!.changed, 2); // b and the handler
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'b.conf'), 'utf8'), 'x\n');
});

test('state is read again right before applying, so a stale read never drives a change', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const dir = hosts.dirs.get('h1')!;
  // The first task also writes what the second one wants: the up-front batch saw b.conf missing,
  // but by the time b is applied it is already right and must be reported ok, not changed.
  const sneaky = defineRole({
    name: 'sneaky',
    dir: import.meta.dirname,
    defaults: { dir: required.string() },
    tasks: ({ vars }) => {
      const a = lineInFile(join(vars.dir, 'a.conf'), 'one', { name: 'a' });
      const apply = a.apply.bind(a);
      a.apply = async (conn, plan, facts) => {
        await apply(conn, plan, facts);
        await conn.exec(['sh', '-c', 'echo two > "$1"', 'sh', join(vars.dir, 'b.conf')]);
      };
      return [a, lineInFile(join(vars.dir, 'b.conf'), 'two', { name: 'b' })];
    },
  });
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [sneaky()] }]));
  const b = taskEvents(r.events).find((e) => e.task === 'b')!;
  t.is(b.status, 'ok');
  t.is(readFileSync(join(dir, 'b.conf'), 'utf8'), 'two\n');
});

test('--tags keeps only matching tasks; role names and phase tags count as tags', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const r = await hosts.run(book(), { tags: ['bee'] });
  t.deepEqual(taskEvents(r.events).filter((e) => !e.handler).map((e) => e.task), ['b']);
  t.false(existsSync(join(hosts.dirs.get('h1')!, 'a.conf')));
  const byPhase = await hosts.run(book(), { tags: ['phase1'], check: true });
  t.is(taskEvents(byPhase.events).filter((e) => !e.handler).length, 2);
});

test('bad input is refused before any host is touched: unknown tag, missing variable, unknown handler', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const e1 = await t.throwsAsync(hosts.run(book(), { tags: ['hardenning'] }), { instanceOf: PlanError });
  t.regex(e1!.message, /unknown tag: hardenning/);
  const needs = defineRole({ name: 'needs', dir: '.', defaults: { wan_vip: required.string() }, tasks: () => [] });
  const e2 = await t.throwsAsync(hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [needs()] }])), { instanceOf: PlanError });
  t.regex(e2!.message, /h1: variable wan_vip is required by role needs but not set/);
  const typo = defineRole({
    name: 'typo',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [lineInFile(join(vars.dir, 'x'), 'x', { notify: ['relaod'] })],
    handlers: () => ({ reload: [] }),
  });
  const e3 = await t.throwsAsync(hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [typo()] }])), { instanceOf: PlanError });
  t.regex(e3!.message, /notifies unknown handler "relaod"/);
  const e4 = await t.throwsAsync(hosts.run(book(), { extraVars: { greeting: 42 } }), { instanceOf: PlanError });
  t.regex(e4!.message, /greeting from -e must be a string/);
  t.is(hosts.conns.size, 0, 'no connection was opened');
});

const breaker = defineRole({
  name: 'breaker',
  dir: '.',
  defaults: { dir: required.string(), broken: false },
  tasks: ({ vars }) => [vars.broken ? failing('boom') : lineInFile(join(vars.dir, 'ok.conf'), 'ok', { name: 'ok' })],
});

test('serial: a failure in one batch stops the rollout before the next batch', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2', 'h3'], {}, { h1: { broken: true } });
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', serial: 1, roles: [breaker()] }]));
  t.is(r.stats.h1!.failed, 1);
  t.regex(r.stopped ?? '', /1 of 1 host\(s\) in batch 1 failed/);
  t.false(existsSync(join(hosts.dirs.get('h2')!, 'ok.conf')));
  t.false(hosts.conns.has('h2'));
});

test('an unreachable host stops a serial rollout (the ansible#82834 trap)', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  hosts.unreachable.add('h1');
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', serial: 1, roles: [breaker()] }]));
  t.is(r.stats.h1!.unreachable, 1);
  t.truthy(r.stopped);
  t.false(hosts.conns.has('h2'));
});

test('maxFailPercentage lets a batch carry on below the threshold', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2', 'h3', 'h4'], {}, { h1: { broken: true } });
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', serial: 2, maxFailPercentage: 50, roles: [breaker()] }]));
  t.is(r.stopped, undefined);
  t.true(existsSync(join(hosts.dirs.get('h4')!, 'ok.conf')));
});

test('a failing gate stops the rollout and says which gate and why; gates see check mode', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const seen: boolean[] = [];
  const r = await hosts.run(
    definePlaybook([
      {
        name: 'p',
        hosts: 'all',
        serial: 1,
        roles: [breaker()],
        beforeBatch: async (ctx) => {
          seen.push(ctx.check);
          if (ctx.index === 1) throw new Error('peer h1 is not healthy');
        },
      },
    ]),
    { check: true },
  );
  t.deepEqual(seen, [true, true]);
  t.regex(r.stopped ?? '', /gate before batch 2 failed: peer h1 is not healthy/);
  t.true(r.events.some((e) => e.type === 'gate' && !e.passed && e.reason === 'peer h1 is not healthy'));
});

test('the after-batch gate learns which hosts of the batch changed something', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const seen: string[][] = [];
  const play = () => definePlaybook([{ name: 'p', hosts: 'all', serial: 2, roles: [breaker()], afterBatch: async (ctx) => void seen.push(ctx.changed ?? ['?']) }]);
  await hosts.run(play());
  await hosts.run(play());
  t.deepEqual(seen, [['h1', 'h2'], []]);
});

test('order() decides which host goes first', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', serial: 1, roles: [breaker()], order: async (hs) => [...hs].reverse() }]));
  const batches = r.events.filter((e) => e.type === 'batch-start').map((e) => (e as { hosts: string[] }).hosts[0]);
  t.deepEqual(batches, ['h2', 'h1']);
});

test('when() skips a task with its reason', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const cond = defineRole({
    name: 'cond',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [lineInFile(join(vars.dir, 'x'), 'x', { name: 'x', when: (f) => (f.init === 'systemd' ? true : 'needs systemd') })],
  });
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [cond()] }]));
  const ev = taskEvents(r.events)[0]!;
  // This machine has no systemd: the task is skipped with the condition's reason.
  t.is(ev.status, 'skipped');
  t.is(ev.reason, 'needs systemd');
  t.is(r.stats.h1!.skipped, 1);
});

test('a task can prove that a fresh login still works after it acted, and fails when it does not', async (t) => {
  const guarded = (lockOut: boolean) =>
    defineRole({
      name: 'guarded',
      dir: '.',
      defaults: { dir: required.string() },
      tasks: ({ vars }) => {
        const task = lineInFile(join(vars.dir, 'fw.conf'), lockOut ? 'deny all' : 'allow ssh', { name: 'fw' });
        const apply = task.apply.bind(task);
        task.apply = async (conn, plan, facts, env) => {
          await apply(conn, plan, facts);
          if (lockOut) hosts.unreachable.add(conn.host);
          await env!.probeFreshLogin();
        };
        return [task];
      },
    });
  const hosts = new LocalHosts(['h1']);
  let opened = 0;
  const connect = hosts.connect.bind(hosts);
  hosts.connect = async (h) => {
    opened++;
    return connect(h);
  };
  const ok = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [guarded(false)()] }]));
  t.is(ok.stats.h1!.changed, 1);
  t.is(opened, 2, 'the run connection and one fresh login');
  const locked = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [guarded(true)()] }]));
  t.is(locked.stats.h1!.failed, 1);
  const ev = taskEvents(locked.events).find((e) => e.task === 'fw')!;
  t.regex(ev.reason ?? '', /unreachable: test: host is down/);
});
