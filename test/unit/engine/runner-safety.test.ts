// Issue 14: a host that becomes unreachable inside a gate made the run exit 2 with
// unreachable=0; an interrupt must stop new work without counting anyone failed; the run lock
// hooks see the run's own connections.
import test from 'ava';
import { join } from 'node:path';
import { defineRole, definePlaybook, required } from 'ts-play';
import { LocalHosts, taskEvents } from '../../helpers/engine-harness.ts';
import { lineInFile } from '../../helpers/local-tasks.ts';
import { GateError } from '../../../src/rollout/wait.ts';
import { UnreachableError } from '../../../src/connection/types.ts';
import { exitCode } from '../../../src/output/recap.ts';
import type { Connection } from '../../../src/connection/types.ts';

const conf = defineRole({
  name: 'conf',
  dir: import.meta.dirname,
  defaults: { dir: required.string() },
  tasks: ({ vars }) => [lineInFile(join(vars.dir, 'a.conf'), 'a', { name: 'a' }), lineInFile(join(vars.dir, 'b.conf'), 'b', { name: 'b' })],
});

test('a peer unreachable when the before-gate connects (as the pair gates report it): exit 4, unreachable counted', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  hosts.unreachable.add('h2');
  const book = definePlaybook([{
    name: 'pair', hosts: 'all', serial: 1, roles: [conf()],
    beforeBatch: async (ctx) => {
      try {
        await ctx.connect('h2');
      } catch (e) {
        // The gates put the reason in their own words: the runner must still see the host lost.
        throw new GateError(`cannot read the VIPs on h2: unreachable (${(e as UnreachableError).reason})`);
      }
    },
  }]);
  const r = await hosts.run(book);
  t.regex(r.stopped!, /gate before batch 1 failed: cannot read the VIPs on h2/);
  t.is(r.stats.h2!.unreachable, 1);
  t.is(exitCode(r.stats), 4);
  t.true(r.events.some((e) => e.type === 'unreachable' && e.host === 'h2'));
});

test('a session lost inside an after-gate for a host outside the play: the gate fails, no recap line is made up', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const connect = hosts.connect.bind(hosts);
  hosts.connect = async (h: string): Promise<Connection> => {
    const c = await connect(h);
    if (h !== 'h2') return c;
    let calls = 0;
    return { ...c, host: c.host, roundTrips: 0, close: () => c.close(), exec: async (argv, o) => (++calls > 2 ? Promise.reject(new UnreachableError('h2', 'Keepalive timeout')) : c.exec(argv, o)) };
  };
  const book = definePlaybook([{
    name: 'pair', hosts: 'h1', serial: 1, roles: [conf()],
    afterBatch: async (ctx) => {
      const c = await ctx.connect('h2');
      for (let i = 0; i < 5; i++) await c.exec(['true']);
    },
  }]);
  const r = await hosts.run(book);
  t.regex(r.stopped!, /gate after batch 1 failed: .*Keepalive timeout/);
  t.is(r.stats.h2?.unreachable, undefined, 'h2 is not in this play: no recap line is made up for it');
  t.is(r.stats.h1!.unreachable, 0);
});

test('the same session lost for a host of the play: counted unreachable, exit 4', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const connect = hosts.connect.bind(hosts);
  let lose = false;
  hosts.connect = async (h: string): Promise<Connection> => {
    const c = await connect(h);
    return { host: c.host, roundTrips: 0, close: () => c.close(), exec: async (argv, o) => (lose && h === 'h2' ? Promise.reject(new UnreachableError('h2', 'Keepalive timeout')) : c.exec(argv, o)) };
  };
  const book = definePlaybook([{
    name: 'pair', hosts: 'all', serial: 1, roles: [conf()],
    afterBatch: async (ctx) => {
      lose = true;
      const c = await ctx.connect('h2');
      await c.exec(['true']);
    },
  }]);
  const r = await hosts.run(book);
  t.is(r.stats.h2!.unreachable, 1);
  t.is(exitCode(r.stats), 4);
});

test('an interrupt between tasks: the running task ends, nothing new starts, nobody counted failed', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const abort = new AbortController();
  const slow = defineRole({
    name: 'slow',
    dir: import.meta.dirname,
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [
      { ...lineInFile(join(vars.dir, 'x.conf'), 'x', { name: 'x' }), apply: async (conn) => void (abort.abort(), await conn.exec(['sh', '-c', 'sleep 0.3; echo x > "$1"', 'sh', join(vars.dir, 'x.conf')])) },
      lineInFile(join(vars.dir, 'y.conf'), 'y', { name: 'y' }),
    ],
  });
  const { Runner } = await import('../../../src/engine/runner.ts');
  const { planPlaybook } = await import('../../../src/engine/plan.ts');
  const plans = planPlaybook(definePlaybook([{ name: 'p', hosts: 'all', serial: 1, roles: [slow()] }]), hosts.source(), { tags: { tags: [], skipTags: [] }, extraVars: {} });
  const events: import('../../../src/engine/events.ts').EngineEvent[] = [];
  const r = await new Runner({ check: false, forks: 5, sink: { emit: (e) => events.push(e) }, connect: (h) => hosts.connect(h), signal: abort.signal }).run(plans);
  t.true(r.interrupted);
  t.deepEqual(taskEvents(events).map((e) => `${e.host} ${e.task} ${e.status}`), ['h1 x changed']);
  t.deepEqual(r.stats.h2, { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, roundTrips: 0 });
  t.is(r.stats.h1!.failed, 0);
  const recap = events.find((e) => e.type === 'recap');
  t.true(recap?.type === 'recap' && recap.interrupted === true);
});
