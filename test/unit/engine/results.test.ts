// Engine features of issue 18: a later task or a gate reads an earlier task's typed result
// (Ansible's register), retries with until, and a task that reconnects after taking its host down.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineRole, definePlaybook, required, type Task } from 'ts-play';
import { LocalHosts, taskEvents } from '../../helpers/engine-harness.ts';
import { lineInFile } from '../../helpers/local-tasks.ts';

/** Adds one to a counter file on each apply; its result is the count it read or wrote. */
function counter(path: string, opts: Partial<Pick<Task, 'retries' | 'delay'>> & { until?: Task<number, null, number>['until']; name?: string } = {}): Task<number, null, number> {
  return {
    module: 'test-counter',
    name: opts.name ?? 'count',
    ...opts,
    probes: () => [{ argv: ['sh', '-c', 'cat "$1" 2>/dev/null || echo 0', 'sh', path] }],
    parse: ([r]) => Number(r!.stdout.trim()),
    compare: (n) => ({ status: 'change', reason: `at ${n}`, plan: null }),
    result: (n) => n,
    async apply(conn) {
      const r = await conn.exec(['sh', '-c', 'n=$(cat "$1" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$1"; echo $n', 'sh', path]);
      return { changed: true, result: Number(r.stdout.trim()) };
    },
  };
}

test('a later task decides on an earlier task\'s typed result; the batch read stays at two round trips', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const dir = hosts.dirs.get('h1')!;
  const role = defineRole({
    name: 'reg',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => {
      const conf = lineInFile(join(vars.dir, 'a.conf'), 'one', { name: 'conf' });
      return [
        conf,
        lineInFile(join(vars.dir, 'restarted'), 'yes', {
          name: 'restart when conf changed',
          when: (_f, r) => (r!.of(conf)?.changed ? true : 'conf unchanged'),
        }),
      ];
    },
  });
  const book = definePlaybook([{ name: 'p', hosts: 'all', roles: [role()] }]);
  const first = await hosts.run(book);
  t.deepEqual(taskEvents(first.events).map((e) => [e.task, e.status]), [['conf', 'changed'], ['restart when conf changed', 'changed']]);
  t.is(readFileSync(join(dir, 'restarted'), 'utf8'), 'yes\n');
  const second = await hosts.run(book);
  t.deepEqual(taskEvents(second.events).map((e) => [e.task, e.status, e.reason]), [['conf', 'ok', 'same'], ['restart when conf changed', 'skipped', 'conf unchanged']]);
  t.is(second.stats.h1!.roundTrips, 2, 'a task whose when depends on results is not read when it is skipped');
});

test('results are typed by the task, come from apply (or what was read, in check mode), and gates see them', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const seen: Array<number | undefined> = [];
  let handle: Task<number, null, number> | undefined;
  const role = defineRole({
    name: 'count',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [(handle = counter(join(vars.dir, 'n')))],
  });
  const book = definePlaybook([{
    name: 'p', hosts: 'all', roles: [role()],
    afterBatch: async (ctx) => {
      const n: number | undefined = ctx.results!(ctx.batch[0]!).of(handle!)?.result;
      seen.push(n);
    },
  }]);
  await hosts.run(book);
  await hosts.run(book, { check: true });
  t.deepEqual(seen, [1, 1], 'apply returned 1; check mode reads 1 and changes nothing');
});

test('retries: a task is tried again while until says no, and only the last try is reported', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const role = defineRole({
    name: 'retry',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [counter(join(vars.dir, 'n'), { retries: 4, delay: 0.01, until: (r) => (r.result ?? 0) >= 3 })],
  });
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [role()] }]));
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'n'), 'utf8'), '3\n');
  t.deepEqual(taskEvents(r.events).map((e) => e.status), ['changed']);
  t.is(r.stats.h1!.changed, 1);
  const retries = r.events.filter((e) => e.type === 'info' && /attempt \d of 5 not done yet/.test(e.message));
  t.is(retries.length, 2);
});

test('retries: a task still failing after its retries fails once, saying how many attempts it took', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const role = defineRole({
    name: 'retry',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [counter(join(vars.dir, 'n'), { retries: 2, delay: 0.01, until: () => false, name: 'never' })],
  });
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [role()] }]));
  const ev = taskEvents(r.events)[0]!;
  t.is(ev.status, 'failed');
  t.is(ev.reason, 'until not met after 3 attempts (last: changed, at 2)');
  t.is(r.stats.h1!.failed, 1);
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'n'), 'utf8'), '3\n');
});

test('a task can take its host down and reconnect; later tasks and the round trips follow the new connection', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const dir = hosts.dirs.get('h1')!;
  let opened = 0;
  const connect = hosts.connect.bind(hosts);
  hosts.connect = async (h) => {
    opened++;
    return connect(h);
  };
  const reboot: Task<null, null> = {
    module: 'test-reboot',
    name: 'reboot',
    probes: () => [],
    parse: () => null,
    compare: () => ({ status: 'change', reason: 'always', plan: null }),
    async apply(conn, _plan, _facts, env) {
      await conn.close();
      const fresh = await env!.reconnect!();
      t.not(fresh, conn);
      // The host is a new one: what the role read before must not be trusted.
      writeFileSync(join(dir, 'after.conf'), 'changed behind the engine\n');
      return { changed: true, stale: true };
    },
  };
  const role = defineRole({
    name: 'r',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [reboot, lineInFile(join(vars.dir, 'after.conf'), 'wanted', { name: 'after' })],
  });
  writeFileSync(join(dir, 'after.conf'), 'wanted\n');
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [role()] }]));
  t.is(opened, 2, 'the run connection and the one after the reboot');
  const after = taskEvents(r.events).find((e) => e.task === 'after')!;
  t.is(after.status, 'changed', 'read again after the reboot, not taken from the batch');
  t.is(readFileSync(join(dir, 'after.conf'), 'utf8'), 'wanted\n');
  // facts + batch on the first connection; read + fresh read + apply of "after" on the second
  t.is(r.stats.h1!.roundTrips, 5);
});
