import test from 'ava';
import { group, user, type GroupArgs, type UserArgs } from '../../../src/modules/accounts.ts';
import { ModuleArgumentError } from '../../../src/modules/common.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { applyTask, compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const facts = makeFacts();
// As USER_PROBE prints them: getent's passwd line, `id -gn`, `id -Gn`.
const PROM = res(0, 'passwd prometheus:x:998:998:Prometheus daemon,,,:/var/lib/prometheus:/usr/sbin/nologin\nprimary prometheus\ngroups prometheus\n');
const OPS = res(0, 'passwd ops:x:1001:1001:Ops:/home/ops:/bin/bash\nprimary ops\ngroups ops adm sudo\n');
const ABSENT = res(0, 'absent\n');

const userFixtures: { title: string; args: UserArgs; probe: ExecResult; expect: Expected }[] = [
  { title: 'a missing system user is created without a home', args: { name: 'ha', system: true, shell: '/usr/sbin/nologin' }, probe: ABSENT, expect: { status: 'change', reason: 'create user ha', plan: { argv: ['useradd', '--system', '--user-group', '--shell', '/usr/sbin/nologin', '--no-create-home', '--', 'ha'] } } },
  { title: 'a missing user with groups, home and comment', args: { name: 'ops', groups: ['adm', 'sudo'], home: '/home/ops', comment: 'Ops' }, probe: ABSENT, expect: { status: 'change', plan: { argv: ['useradd', '--groups', 'adm,sudo', '--home-dir', '/home/ops', '--create-home', '--comment', 'Ops', '--', 'ops'] } } },
  { title: 'as wanted: ok', args: { name: 'ops', groups: ['sudo', 'adm'], shell: '/bin/bash' }, probe: OPS, expect: { status: 'ok', reason: 'uid 1001, group ops, groups adm,sudo' } },
  { title: 'groups set exactly: one added, one dropped', args: { name: 'ops', groups: ['sudo', 'netdev'] }, probe: OPS, expect: { status: 'change', reason: 'groups +netdev groups -adm', plan: { argv: ['usermod', '--groups', 'sudo,netdev', '--', 'ops'] } } },
  { title: 'groups appended: only the missing one', args: { name: 'ops', groups: ['netdev'], append: true }, probe: OPS, expect: { status: 'change', reason: 'groups +netdev', plan: { argv: ['usermod', '--append', '--groups', 'netdev', '--', 'ops'] } } },
  { title: 'shell and uid differ', args: { name: 'prometheus', uid: 990, shell: '/bin/false' }, probe: PROM, expect: { status: 'change', reason: 'uid 998 -> 990, shell /usr/sbin/nologin -> /bin/false', plan: { argv: ['usermod', '--uid', '990', '--shell', '/bin/false', '--', 'prometheus'] } } },
  { title: 'absent user, wanted absent', args: { name: 'old', state: 'absent' }, probe: ABSENT, expect: { status: 'ok', reason: 'no such user' } },
  { title: 'present user removed with its home', args: { name: 'ops', state: 'absent', removeHome: true }, probe: OPS, expect: { status: 'change', reason: 'remove user ops (uid 1001)', plan: { argv: ['userdel', '--remove', '--', 'ops'] } } },
  { title: 'getent failing is a failure, not "absent"', args: { name: 'ops' }, probe: res(1, '', 'getent: nss error'), expect: { status: 'fail', reason: /getent passwd failed \(exit 1\)/ } },
];

for (const f of userFixtures) {
  test(`user: ${f.title}`, (t) => assertComparison(t, compareWith(user(f.args), facts, [f.probe]), f.expect));
}

const groupFixtures: { title: string; args: GroupArgs; probe: ExecResult; expect: Expected }[] = [
  { title: 'created as a system group with a gid', args: { name: 'hagroup', system: true, gid: 990 }, probe: ABSENT, expect: { status: 'change', plan: { argv: ['groupadd', '--system', '--gid', '990', '--', 'hagroup'] } } },
  { title: 'present: ok', args: { name: 'adm' }, probe: res(0, 'group adm:x:4:syslog,ops\n'), expect: { status: 'ok', reason: 'gid 4' } },
  { title: 'gid differs', args: { name: 'adm', gid: 5 }, probe: res(0, 'group adm:x:4:\n'), expect: { status: 'change', reason: 'gid 4 -> 5', plan: { argv: ['groupmod', '--gid', '5', '--', 'adm'] } } },
  { title: 'removed', args: { name: 'old', state: 'absent' }, probe: res(0, 'group old:x:1002:\n'), expect: { status: 'change', plan: { argv: ['groupdel', '--', 'old'] } } },
];

for (const f of groupFixtures) {
  test(`group: ${f.title}`, (t) => assertComparison(t, compareWith(group(f.args), facts, [f.probe]), f.expect));
}

test('probes read through getent, passing the name as an argument (never in the script)', (t) => {
  const [p] = user({ name: 'ops' }).probes(facts);
  t.deepEqual(p!.argv.slice(0, 2), ['sh', '-c']);
  t.deepEqual(p!.argv.slice(3), ['sh', 'ops']);
  t.deepEqual(group({ name: 'adm' }).probes(facts)[0]!.argv.slice(3), ['sh', 'adm']);
});

test('apply runs the planned command; a second read is what decides (idempotent)', async (t) => {
  let created = false;
  const conn = new FakeConnection('gw1').on(['useradd'], () => ((created = true), {})).on(['sh', '-c'], () => (created ? OPS : ABSENT));
  const { first } = await applyTask(user({ name: 'ops', groups: ['adm', 'sudo'], shell: '/bin/bash' }), conn, facts);
  t.is(first.status, 'change');
  t.deepEqual(conn.argvs.filter((a) => a[0] !== 'sh'), [['useradd', '--groups', 'adm,sudo', '--shell', '/bin/bash', '--create-home', '--', 'ops']]);
  const again = await applyTask(user({ name: 'ops', groups: ['adm', 'sudo'], shell: '/bin/bash' }), conn, facts);
  t.is(again.first.status, 'ok');
});

test('bad arguments are refused while the role builds its tasks', (t) => {
  t.throws(() => user({ name: 'a b' }), { instanceOf: ModuleArgumentError });
  t.throws(() => user({ name: 'ops', comment: 'a:b' }), { message: /comment must not contain ':'/ });
  t.throws(() => user({ name: 'ops', home: 'home/ops' }), { message: /path must be absolute/ });
  t.throws(() => group({ name: 'g', gid: -1 }), { message: /gid must be a whole number/ });
});
