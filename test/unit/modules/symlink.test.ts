import test from 'ava';
import { symlink, type SymlinkArgs } from '../../../src/modules/symlink.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const L = '/etc/nginx/sites-enabled/site';
const T = '../sites-available/site';
const fixtures: { title: string; args: SymlinkArgs; probeResults: ExecResult[]; expect: Expected }[] = [
  { title: 'right link: ok', args: { path: L, target: T }, probeResults: [res(0, `symlink\n${T}\n`)], expect: { status: 'ok', reason: `points to ${T}` } },
  { title: 'wrong link: retarget', args: { path: L, target: T }, probeResults: [res(0, 'symlink\n/tmp/x\n')], expect: { status: 'change', reason: `retarget /tmp/x -> ${T}`, plan: { replacing: 'symlink' } } },
  { title: 'missing: create', args: { path: L, target: T }, probeResults: [res(3, 'missing parent\n')], expect: { status: 'change', reason: `create -> ${T}` } },
  { title: 'missing parent: change with a note', args: { path: L, target: T }, probeResults: [res(3, 'missing noparent\n')], expect: { status: 'change', reason: /sites-enabled does not exist yet/ } },
  { title: 'regular file without force: fail', args: { path: L, target: T }, probeResults: [res(0, 'file 0 0 644 root root\n')], expect: { status: 'fail', reason: /is a regular file; refusing to replace it with a symlink without force: true/ } },
  { title: 'directory without force: fail', args: { path: L, target: T }, probeResults: [res(0, 'directory 0 0 755 root root\n')], expect: { status: 'fail', reason: /is a directory; refusing/ } },
  { title: 'regular file with force: replace', args: { path: L, target: T, force: true }, probeResults: [res(0, 'file 0 0 644 root root\n')], expect: { status: 'change', reason: `replace a regular file with a symlink -> ${T}`, plan: { replacing: 'file' } } },
];
for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => assertComparison(t, compareWith(symlink(f.args), makeFacts(), f.probeResults), f.expect));
}

test('apply: one round trip, link made beside the path then renamed over it', async (t) => {
  const conn = new FakeConnection();
  await symlink({ path: L, target: T }).apply(conn, { replacing: 'symlink' }, makeFacts());
  t.is(conn.roundTrips, 1);
  const [, , script, , path, target, temp, force] = conn.calls[0]!.argv;
  t.regex(script!, /mv -Tf -- "\$t" "\$p"/);
  t.deepEqual([path, target, force], [L, T, 'no']);
  t.regex(temp!, /^\/etc\/nginx\/sites-enabled\/\.site\.tsp-[0-9a-f]{8}$/);
});

test('apply: the host refusing (file appeared since compare) fails with its message', async (t) => {
  const conn = new FakeConnection('gw1').on(['sh'], { code: 91, stderr: `${L} exists and is not a symlink (force not set)\n` });
  await t.throwsAsync(symlink({ path: L, target: T }).apply(conn, { replacing: 'missing' }, makeFacts()), {
    message: `gw1: ${L}: ${L} exists and is not a symlink (force not set)`,
  });
});

test('an empty target is a construction error', (t) => {
  t.throws(() => symlink({ path: L, target: '' }), { message: /target must be a non-empty path/ });
});
