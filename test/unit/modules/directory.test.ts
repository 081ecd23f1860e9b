import test from 'ava';
import { directory, type DirectoryArgs } from '../../../src/modules/directory.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const D = '/etc/keepalived';
const fixtures: { title: string; args: DirectoryArgs; probeResults: ExecResult[]; expect: Expected }[] = [
  { title: 'missing: create', args: { path: D }, probeResults: [res(3, 'missing parent\n')], expect: { status: 'change', reason: 'create (root:root 0755)', plan: { action: 'create' } } },
  { title: 'present and right: ok', args: { path: D }, probeResults: [res(0, 'directory 0 0 755 root root\n')], expect: { status: 'ok', reason: 'up to date (root:root 0755)' } },
  {
    title: 'group and mode differ',
    args: { path: D, group: 'keepalived', mode: '0750' },
    probeResults: [res(0, 'directory 0 0 755 root root\n')],
    expect: { status: 'change', reason: 'group root -> keepalived, mode 0755 -> 0750', plan: { action: 'metadata' } },
  },
  { title: 'a file in the way fails', args: { path: D }, probeResults: [res(0, 'file 0 0 644 root root\n')], expect: { status: 'fail', reason: `${D} is a regular file, not a directory; not replaced` } },
  { title: 'a symlink in the way fails', args: { path: D }, probeResults: [res(0, 'symlink\n/srv/k\n')], expect: { status: 'fail', reason: /a symlink \(to \/srv\/k\)/ } },
];
for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => assertComparison(t, compareWith(directory(f.args), makeFacts(), f.probeResults), f.expect));
}

test('apply create: mkdir -p, chown, chmod in one round trip', async (t) => {
  const conn = new FakeConnection();
  await directory({ path: D, owner: 'root', group: 'keepalived', mode: '0750' }).apply(conn, { action: 'create' }, makeFacts());
  t.is(conn.roundTrips, 1);
  t.regex(conn.calls[0]!.argv[2]!, /^mkdir -p -- "\$1" && chown/);
  t.deepEqual(conn.calls[0]!.argv.slice(4), [D, 'root', 'keepalived', '0750']);
});

test('apply failure carries the command, exit code and stderr', async (t) => {
  const conn = new FakeConnection('gw2').on(['sh'], { code: 1, stderr: "chown: invalid group: 'root:keepalived'\n" });
  await t.throwsAsync(directory({ path: D, group: 'keepalived' }).apply(conn, { action: 'create' }, makeFacts()), {
    message: /^gw2: `sh -c .*` exited 1: chown: invalid group/,
  });
});

test('name defaults to the path', (t) => {
  t.is(directory({ path: '/var/lib/ts-play/' }).name, 'directory /var/lib/ts-play');
});
