// Blocks with rescue and always, handlers flushed mid-role, and what a play's onStop adds when a
// run stops (issue 18).
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { block, defineRole, definePlaybook, flushHandlers, required } from 'ts-play';
import { LocalHosts, taskEvents } from '../../helpers/engine-harness.ts';
import { appendLine, failing, lineInFile } from '../../helpers/local-tasks.ts';

const log = (dir: string) => (existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '');

const blocky = (broken: boolean) =>
  defineRole({
    name: 'blocky',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [
      block(
        [
          lineInFile(join(vars.dir, 'a'), 'a', { name: 'a' }),
          broken ? failing('boom') : lineInFile(join(vars.dir, 'b'), 'b', { name: 'b' }),
          lineInFile(join(vars.dir, 'c'), 'c', { name: 'c' }),
        ],
        {
          name: 'change',
          rescue: [appendLine(join(vars.dir, 'log'), 'rescue', 'give back')],
          always: [appendLine(join(vars.dir, 'log'), 'always', 'tidy')],
        },
      ),
      lineInFile(join(vars.dir, 'after'), 'after', { name: 'after' }),
    ],
  });

test('a failing task in a block: the rest of the block is left out, rescue then always run, and the host still fails', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const dir = hosts.dirs.get('h1')!;
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', serial: 1, roles: [blocky(true)()] }]));
  t.deepEqual(taskEvents(r.events).map((e) => [e.task, e.status]), [['a', 'changed'], ['fails', 'failed'], ['give back', 'changed'], ['tidy', 'changed']]);
  t.is(log(dir), 'rescue\nalways\n');
  t.false(existsSync(join(dir, 'c')));
  t.false(existsSync(join(dir, 'after')), 'nothing after the block runs');
  t.is(r.stats.h1!.failed, 1);
  t.regex(r.stopped ?? '', /1 of 1 host\(s\) in batch 1 failed/);
  t.false(hosts.conns.has('h2'), 'the rollout stopped there');
  t.true(r.events.some((e) => e.type === 'info' && e.message === 'blocky: block "change" failed (boom): running its rescue'));
});

test('a block that succeeds runs always, not rescue, and a re-run changes nothing in it', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const dir = hosts.dirs.get('h1')!;
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [blocky(false)()] }]));
  t.is(log(dir), 'always\n');
  t.is(r.stats.h1!.failed, 0);
  t.true(existsSync(join(dir, 'after')));
  const again = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [blocky(false)()] }]));
  t.deepEqual(taskEvents(again.events).filter((e) => e.status === 'changed').map((e) => e.task), ['tidy'], 'only the always step, which always changes');
});

test('a block\'s when skips it whole, with the reason; tags on a block reach its tasks', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const role = defineRole({
    name: 'w',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [
      block([lineInFile(join(vars.dir, 'x'), 'x', { name: 'x' })], { name: 'skipped one', when: () => 'done earlier' }),
      block([lineInFile(join(vars.dir, 'y'), 'y', { name: 'y' })], { name: 'tagged', tags: ['only'] }),
    ],
  });
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [role()] }]));
  t.deepEqual(taskEvents(r.events).map((e) => [e.task, e.module, e.status, e.reason]), [
    ['skipped one', 'block', 'skipped', 'done earlier'],
    ['y', 'test-line', 'changed', 'missing'],
  ]);
  const byTag = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [role()] }]), { tags: ['only'], check: true });
  t.deepEqual(taskEvents(byTag.events).map((e) => e.task), ['y']);
});

test('flushHandlers runs the handlers notified so far at that point, and again at the end only if notified again', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const dir = hosts.dirs.get('h1')!;
  const role = defineRole({
    name: 'f',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [
      lineInFile(join(vars.dir, 'one'), '1', { name: 'one', notify: ['reload'] }),
      flushHandlers(),
      // Reads the handler's log: it must already be there.
      lineInFile(join(vars.dir, 'log'), 'reload', { name: 'after flush' }),
      lineInFile(join(vars.dir, 'two'), '2', { name: 'two', notify: ['reload'] }),
    ],
    handlers: ({ vars }) => ({ reload: [appendLine(join(vars.dir, 'log'), 'reload')] }),
  });
  const r = await hosts.run(definePlaybook([{ name: 'p', hosts: 'all', roles: [role()] }]));
  t.deepEqual(taskEvents(r.events).map((e) => [e.task, e.status, Boolean(e.handler)]), [
    ['one', 'changed', false],
    [`append ${join(dir, 'log')}`, 'changed', true],
    ['after flush', 'ok', false],
    ['two', 'changed', false],
    [`append ${join(dir, 'log')}`, 'changed', true],
  ]);
  t.is(log(dir), 'reload\nreload\n');
});

test('a play that stops tells its onStop where: done hosts, the failed task, the command line', async (t) => {
  const hosts = new LocalHosts(['h1', 'h2', 'h3'], {}, { h2: { broken: true } });
  const role = defineRole({
    name: 'maybe',
    dir: '.',
    defaults: { dir: required.string(), broken: false },
    tasks: ({ vars }) => [vars.broken ? failing('disk full') : lineInFile(join(vars.dir, 'ok'), 'ok', { name: 'ok' })],
  });
  let seen: unknown;
  const r = await hosts.run(definePlaybook([{
    name: 'p', hosts: 'all', serial: 1, roles: [role()],
    onStop: async (ctx) => {
      seen = { done: ctx.done, failed: ctx.failed, touched: ctx.touched, remaining: ctx.remaining };
      return `resume: fix ${ctx.failed[0]!.host}, then run it again`;
    },
  }]));
  t.deepEqual(seen, { done: ['h1'], failed: [{ host: 'h2', role: 'maybe', task: 'fails', reason: 'disk full' }], touched: [], remaining: ['h3'] });
  t.is(r.stopped, '1 of 1 host(s) in batch 2 failed or were unreachable (h2); maxFailPercentage is 0\nresume: fix h2, then run it again');
});

test('a block whose when depends on an earlier result is read in one batch when its turn comes, and not at all when skipped', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const role = defineRole({
    name: 'gated',
    dir: '.',
    defaults: { dir: required.string() },
    tasks: ({ vars }) => {
      const conf = lineInFile(join(vars.dir, 'conf'), 'v1', { name: 'conf' });
      return [
        conf,
        block([lineInFile(join(vars.dir, 'x'), 'x', { name: 'x' }), lineInFile(join(vars.dir, 'y'), 'y', { name: 'y' })], {
          name: 'after a change',
          when: (_f, r) => (r.of(conf)?.changed ? true : 'conf unchanged'),
        }),
      ];
    },
  });
  const book = definePlaybook([{ name: 'p', hosts: 'all', roles: [role()] }]);
  const first = await hosts.run(book);
  t.deepEqual(taskEvents(first.events).map((e) => [e.task, e.status]), [['conf', 'changed'], ['x', 'changed'], ['y', 'changed']]);
  // facts, the role's batch (conf), conf read again + applied, the block's batch (x, y), x and y each read again + applied
  t.is(first.stats.h1!.roundTrips, 9);
  const second = await hosts.run(book);
  t.deepEqual(taskEvents(second.events).map((e) => [e.task, e.status]), [['conf', 'ok'], ['after a change', 'skipped']]);
  t.is(second.stats.h1!.roundTrips, 2);
});
