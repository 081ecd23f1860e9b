import test from 'ava';
import { join } from 'node:path';
import { defineRole, definePlaybook, required } from 'ts-play';
import { PlanError } from '../../../src/engine/plan.ts';
import { parsePlayArgs } from '../../../src/cli/args.ts';
import { UsageError } from '../../../src/base/errors.ts';
import { closestName, editDistance } from '../../../src/inventory/suggest.ts';
import { LocalHosts } from '../../helpers/engine-harness.ts';
import { lineInFile } from '../../helpers/local-tasks.ts';

const keepalived = defineRole({
  name: 'keepalived',
  dir: import.meta.dirname,
  defaults: { dir: required.string(), keepalived_priority: 100, keepalived_advert_int: 1 },
  tasks: ({ vars }) => [lineInFile(join(vars.dir, 'k.conf'), String(vars.keepalived_priority), { name: 'k' })],
});
const book = (vars?: Record<string, unknown>) => definePlaybook([{ name: 'site', hosts: 'all', roles: [keepalived()], ...(vars ? { vars } : {}) }]);

test('edit distance and the closest known name', (t) => {
  t.is(editDistance('keepalived_prority', 'keepalived_priority'), 1);
  t.is(closestName('keepalived_prority', ['keepalived_advert_int', 'keepalived_priority']), 'keepalived_priority');
  t.is(closestName('keepalived_zzzzzzzzzzzzzzzzzz', ['keepalived_priority']), undefined);
});

test('a role-like variable no role declares is refused with the closest name, from -e, inventory or play vars, before any connection', async (t) => {
  const hosts = new LocalHosts(['h1']);
  const fromE = await t.throwsAsync(hosts.run(book(), { extraVars: { keepalived_prority: 150 } }), { instanceOf: PlanError });
  t.regex(fromE!.message, /variable keepalived_prority \(-e\) is declared by no role: role keepalived has no such variable; did you mean keepalived_priority\?/);
  hosts.vars.h1 = { ...hosts.vars.h1, keepalived_advert_itn: 0.2 };
  const fromInventory = await t.throwsAsync(hosts.run(book()), { instanceOf: PlanError });
  t.regex(fromInventory!.message, /variable keepalived_advert_itn .*did you mean keepalived_advert_int\?/);
  delete hosts.vars.h1!.keepalived_advert_itn;
  const fromPlay = await t.throwsAsync(hosts.run(book({ keepalived_prio: 1 })), { instanceOf: PlanError });
  t.regex(fromPlay!.message, /variable keepalived_prio \(play "site" vars\) is declared by no role.*did you mean keepalived_priority\?/);
  t.is(hosts.conns.size, 0, 'no connection was opened');
});

test("the play's own variables are checked even when --limit leaves the play no host", async (t) => {
  const hosts = new LocalHosts(['h1', 'h2']);
  const book2 = definePlaybook([
    { name: 'site', hosts: 'h1', vars: { keepalived_prority: 1 }, roles: [keepalived()] },
    { name: 'other', hosts: 'h2', roles: [keepalived()] },
  ]);
  const e = await t.throwsAsync(hosts.run(book2, { limit: 'h2' }), { instanceOf: PlanError });
  t.regex(e!.message, /keepalived_prority \(play "site" vars\)/);
  t.is(hosts.conns.size, 0);
});

test('variables of roles the run does not use, and other names, are left alone', async (t) => {
  const hosts = new LocalHosts(['h1']);
  await t.notThrowsAsync(hosts.run(book(), { extraVars: { nftables_prority: 1, my_setting: 2, keepalived_priority: 120 } }));
});

test('an empty --limit or --tags is an error, never "everything"', (t) => {
  t.throws(() => parsePlayArgs(['site.ts', '--limit', ''], {}), { instanceOf: UsageError, message: /--limit is empty/ });
  t.throws(() => parsePlayArgs(['site.ts', '--limit', '  '], {}), { instanceOf: UsageError });
  t.throws(() => parsePlayArgs(['site.ts', '--tags', ''], {}), { instanceOf: UsageError, message: /--tags is empty/ });
  t.throws(() => parsePlayArgs(['site.ts', '--tags', ','], {}), { instanceOf: UsageError });
  t.throws(() => parsePlayArgs(['site.ts', '--skip-tags', ''], {}), { instanceOf: UsageError });
  const ok = parsePlayArgs(['site.ts', '--limit', 'gw1', '--tags', 'a,b'], {});
  t.like(ok, { limit: 'gw1', tags: ['a', 'b'] });
});
