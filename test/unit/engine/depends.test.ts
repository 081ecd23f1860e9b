// A comparison can say "depends on an earlier change" (a service whose package an earlier task
// installs); the engine, not the module, decides what that means in check and apply mode.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineRole, definePlaybook, required } from 'ts-play';
import { LocalHosts, taskEvents } from '../../helpers/engine-harness.ts';
import { lineInFile, markInFile } from '../../helpers/local-tasks.ts';

const role = (withProvider: boolean) =>
  defineRole({
    name: 'pair',
    dir: import.meta.dirname,
    defaults: { dir: required.string() },
    tasks: ({ vars }) => [
      ...(withProvider ? [lineInFile(join(vars.dir, 'unit.conf'), 'installed', { name: 'install' })] : []),
      markInFile(join(vars.dir, 'unit.conf'), 'started', 'start'),
    ],
  });
const book = (withProvider = true) => definePlaybook([{ name: 'p', hosts: 'all', roles: [role(withProvider)()] }]);

test('check mode reports it as a change after an earlier one, runs nothing, and no fake plan reaches apply', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const r = await hosts.run(book(), { check: true });
  const start = taskEvents(r.events).find((e) => e.task === 'start')!;
  t.is(start.status, 'changed');
  t.true(start.dependsOnEarlierChange);
  t.is(start.reason, `${join(hosts.dirs.get('h1')!, 'unit.conf')} not present yet, after an earlier change`);
  t.is(r.stats.h1!.failed, 0);
  t.throws(() => readFileSync(join(hosts.dirs.get('h1')!, 'unit.conf')));
});

test('apply mode: the task is read again when its turn comes and acts on what the earlier task made', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const r = await hosts.run(book());
  t.deepEqual(taskEvents(r.events).map((e) => [e.task, e.status]), [['install', 'changed'], ['start', 'changed']]);
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'unit.conf'), 'utf8'), 'installed\nstarted\n');
  const check = await hosts.run(book(), { check: true });
  t.false(taskEvents(check.events).some((e) => e.dependsOnEarlierChange), 'once there, nothing depends any more');
});

test('nothing earlier provides it: check mode and apply mode both fail, naming why', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const check = await hosts.run(book(false), { check: true });
  const c = taskEvents(check.events).find((e) => e.task === 'start')!;
  t.is(c.status, 'failed');
  t.regex(c.reason!, /not present yet, and no earlier task would change anything that could provide it$/);
  const apply = await hosts.run(book(false));
  const a = taskEvents(apply.events).find((e) => e.task === 'start')!;
  t.is(a.status, 'failed');
  t.regex(a.reason!, /not present yet: nothing earlier in the run provided it$/);
});
