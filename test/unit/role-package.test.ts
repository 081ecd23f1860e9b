// A role published as a package of its own (test/fixtures/role-package): it depends on ts-play
// by name, imports only the package entry, and runs in a playbook like a shipped role.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { definePlaybook } from 'ts-play';
import { motd } from 'tsplay-role-motd';
import { PlanError, planPlaybook } from '../../src/engine/plan.ts';
import { LocalHosts, taskEvents } from '../helpers/engine-harness.ts';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/role-package/package.json'), 'utf8')) as { name: string; peerDependencies?: Record<string, string> };

const vars = (hosts: LocalHosts, h: string) => ({ motd_owner: 'ops', mgmt_address: '198.18.0.21', motd_path: join(hosts.dirs.get(h)!, 'motd') });
const book = (lines: string[] = []) => definePlaybook([{ name: 'banner', hosts: 'all', roles: [motd({ motd_lines: lines })] }]);

test('the fixture is a package of its own that names ts-play as a dependency', (t) => {
  t.is(pkg.name, 'tsplay-role-motd');
  t.truthy(pkg.peerDependencies?.['ts-play']);
});

test('a packaged role renders its own template, converges, and a second run changes nothing in two round trips', async (t) => {
  const hosts = new LocalHosts(['h1']);
  hosts.vars.h1 = vars(hosts, 'h1');
  const first = await hosts.run(book(['keep out']));
  t.is(first.stats.h1!.changed, 1, JSON.stringify(taskEvents(first.events)));
  t.is(readFileSync(join(hosts.dirs.get('h1')!, 'motd'), 'utf8'), 'h1: managed by ts-play; ask ops before changing it by hand.\nManagement address: 198.18.0.21\nkeep out\n');
  const second = await hosts.run(book(['keep out']));
  t.is(second.stats.h1!.changed, 0);
  t.is(second.stats.h1!.roundTrips, 2);
  const check = await hosts.run(book(['new line']), { check: true });
  t.is(check.stats.h1!.changed, 1);
  t.regex(readFileSync(join(hosts.dirs.get('h1')!, 'motd'), 'utf8'), /keep out/, 'check mode left the file alone');
});

test("the package's typed defaults are checked like a shipped role's: required, types, validate", (t) => {
  const hosts = new LocalHosts(['h1']);
  hosts.vars.h1 = { mgmt_address: 'not-an-ip', motd_lines: 42 } as Record<string, unknown>;
  const plan = () => planPlaybook(definePlaybook([{ name: 'banner', hosts: 'all', roles: [motd()] }]), hosts.source(), { tags: { tags: [], skipTags: [] }, extraVars: {} });
  t.regex(t.throws(plan, { instanceOf: PlanError })!.message, /motd_owner is required by role motd/);
  hosts.vars.h1.motd_owner = 'ops';
  t.regex(t.throws(plan, { instanceOf: PlanError })!.message, /motd_lines/);
  hosts.vars.h1.motd_lines = [];
  t.regex(t.throws(plan, { instanceOf: PlanError })!.message, /mgmt_address must be an IPv4 address, got "not-an-ip"/);
  // @ts-expect-error a role argument of the wrong type fails tsc, as for a shipped role
  motd({ motd_lines: 'not a list' });
});
