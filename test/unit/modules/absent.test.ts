import test from 'ava';
import { absent } from '../../../src/modules/absent.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const P = '/etc/nginx/sites-enabled/default';
const fixtures: { title: string; probeResults: ExecResult[]; expect: Expected }[] = [
  { title: 'already gone: ok', probeResults: [res(3, 'missing parent\n')], expect: { status: 'ok', reason: 'already absent' } },
  { title: 'parent also gone: ok', probeResults: [res(3, 'missing noparent\n')], expect: { status: 'ok', reason: 'already absent' } },
  { title: 'a file: remove', probeResults: [res(0, 'file 0 0 644 root root\n')], expect: { status: 'change', reason: 'remove a regular file', plan: { kind: 'file' } } },
  { title: 'a symlink: remove the link', probeResults: [res(0, 'symlink\n../sites-available/default\n')], expect: { status: 'change', reason: 'remove a symlink (to ../sites-available/default)' } },
  { title: 'a directory: remove', probeResults: [res(0, 'directory 0 0 755 root root\n')], expect: { status: 'change', reason: 'remove a directory' } },
  { title: 'probe failure: fail', probeResults: [res(2, '', 'sh: permission denied')], expect: { status: 'fail', reason: /exit 2.*permission denied/ } },
];
for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => assertComparison(t, compareWith(absent({ path: P }), makeFacts(), f.probeResults), f.expect));
}

test('apply: rm -rf -- path', async (t) => {
  const conn = new FakeConnection();
  await absent({ path: `${P}/` }).apply(conn, { kind: 'symlink' }, makeFacts());
  t.deepEqual(conn.argvs, [['rm', '-rf', '--', P]]);
});

for (const path of ['/', '//', '/etc', '/usr/', '/var', 'etc/x', './x', '/etc/../', '/srv/a/../../etc', '']) {
  test(`refuses ${JSON.stringify(path)}`, (t) => {
    t.throws(() => absent({ path }), { message: /^absent: / });
  });
}
