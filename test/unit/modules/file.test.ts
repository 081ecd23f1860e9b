import test from 'ava';
import { createHash } from 'node:crypto';
import { file, type FileArgs } from '../../../src/modules/file.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, fileOut, type Expected } from '../../helpers/expect.ts';

const P = '/etc/nftables.conf';
const NEW = 'table inet nat {}\n';

const compareFixtures: { title: string; args: FileArgs; probeResults: ExecResult[]; expect: Expected }[] = [
  {
    title: 'missing file is created, diff from empty',
    args: { path: P, content: NEW },
    probeResults: [res(3, 'missing parent\n')],
    expect: { status: 'change', reason: 'create (root:root 0644, 18 bytes)', plan: { action: 'write' }, diffs: [{ path: P, before: '', after: NEW }] },
  },
  {
    title: 'same content, owner, group and mode: ok with a reason',
    args: { path: P, content: NEW },
    probeResults: [res(0, fileOut(NEW))],
    expect: { status: 'ok', reason: 'up to date (root:root 0644, 18 bytes)' },
  },
  {
    title: 'only the mode differs: metadata fix, no diff',
    args: { path: P, content: NEW, mode: '0600' },
    probeResults: [res(0, fileOut(NEW))],
    expect: { status: 'change', reason: 'mode 0644 -> 0600', plan: { action: 'metadata' }, diffs: 'none' },
  },
  {
    title: 'content and mode differ: rewrite, reason lists both',
    args: { path: P, content: NEW, mode: '0600' },
    probeResults: [res(0, fileOut('old\n'))],
    expect: { status: 'change', reason: 'content, mode 0644 -> 0600', plan: { action: 'write' }, diffs: [{ path: P, before: 'old\n', after: NEW }] },
  },
  {
    title: 'owner and group by name and by id',
    args: { path: P, content: NEW, owner: 'keepalived_script', group: '0' },
    probeResults: [res(0, fileOut(NEW, '0 0 644 root root'))],
    expect: { status: 'change', reason: 'owner root -> keepalived_script', plan: { action: 'metadata' } },
  },
  {
    title: 'a trailing newline is content',
    args: { path: P, content: 'a\n' },
    probeResults: [res(0, fileOut('a'))],
    expect: { status: 'change', reason: 'content' },
  },
  {
    title: 'empty file wanted and present',
    args: { path: P, content: '' },
    probeResults: [res(0, fileOut(''))],
    expect: { status: 'ok', reason: /up to date/ },
  },
  {
    title: 'missing directory: a change in check mode, noted in the reason',
    args: { path: '/etc/keepalived/keepalived.conf', content: NEW },
    probeResults: [res(3, 'missing noparent\n')],
    expect: { status: 'change', reason: /directory \/etc\/keepalived does not exist yet/ },
  },
  {
    title: 'a directory at the path fails',
    args: { path: P, content: NEW },
    probeResults: [res(0, 'directory 0 0 755 root root\n')],
    expect: { status: 'fail', reason: `${P} is a directory, not a regular file; not replaced` },
  },
  {
    title: 'a symlink at the path is not written through',
    args: { path: P, content: NEW },
    probeResults: [res(0, 'symlink\n/usr/share/doc/nft.conf\n')],
    expect: { status: 'fail', reason: /symlink \(to \/usr\/share\/doc\/nft.conf\)/ },
  },
  {
    title: 'unreadable file fails with the probe error',
    args: { path: P, content: NEW },
    probeResults: [res(1, 'file 0 0 600 root root\n', 'cat: /etc/nftables.conf: Permission denied\n')],
    expect: { status: 'fail', reason: /reading \/etc\/nftables.conf failed \(exit 1\).*Permission denied/ },
  },
  {
    title: 'content without the end marker is treated as truncated',
    args: { path: P, content: NEW },
    probeResults: [res(0, 'file 0 0 644 root root\ntable')],
    expect: { status: 'fail', reason: /truncated/ },
  },
];

for (const f of compareFixtures) {
  test(`compare: ${f.title}`, (t) => {
    assertComparison(t, compareWith(file(f.args), makeFacts(), f.probeResults), f.expect);
  });
}

test('probe: one sh command with the path as $1, asking for content', (t) => {
  const probes = file({ path: '/etc//ssh/sshd_config/', content: '' }).probes(makeFacts());
  t.is(probes.length, 1);
  t.deepEqual(probes[0]!.argv.slice(0, 2), ['sh', '-c']);
  t.deepEqual(probes[0]!.argv.slice(3), ['sh', '/etc/ssh/sshd_config', 'content']);
});

test('defaults: readable name, options passed through', (t) => {
  const when = () => true;
  const task = file({ path: P, content: '', tags: ['nft'], notify: 'reload nftables', when });
  t.is(task.name, 'file /etc/nftables.conf');
  t.is(task.module, 'file');
  t.deepEqual(task.tags, ['nft']);
  t.deepEqual(task.notify, ['reload nftables']);
  t.is(task.when, when);
  t.is(file({ path: P, content: '', name: 'firewall rules' }).name, 'firewall rules');
});

const bad: { title: string; args: FileArgs; error: RegExp }[] = [
  { title: 'validate without %s', args: { path: P, content: '', validate: ['nft', '-c', '-f'] }, error: /no '%s' placeholder/ },
  { title: 'relative path', args: { path: 'etc/x', content: '' }, error: /must be absolute/ },
  { title: 'path with ..', args: { path: '/etc/../root/x', content: '' }, error: /\.\. segments/ },
  { title: 'mode not octal', args: { path: P, content: '', mode: '644x' }, error: /octal/ },
  { title: 'owner with a colon', args: { path: P, content: '', owner: 'root:root' }, error: /owner must be/ },
];
for (const b of bad) {
  test(`construction error: ${b.title}`, (t) => {
    t.throws(() => file(b.args), { message: b.error });
  });
}

test('apply write: one round trip, content on stdin, validator gets the temp path', async (t) => {
  const conn = new FakeConnection('gw1');
  const task = file({ path: P, content: NEW, mode: '0600', validate: ['nft', '-c', '-f', '%s'] });
  t.deepEqual(await task.apply(conn, { action: 'write' }, makeFacts()), { changed: true });
  t.is(conn.roundTrips, 1);
  const [call] = conn.calls;
  t.is(call!.stdin, NEW);
  const [sh, c, , $0, path, temp, owner, group, mode, backup, keep, size, sha256, ...validate] = call!.argv;
  t.deepEqual([sh, c, $0], ['sh', '-c', 'sh']);
  t.regex(temp!, /^\/etc\/\.nftables\.conf\.tsp-[0-9a-f]{8}$/);
  t.deepEqual([path, owner, group, mode, backup, keep], [P, 'root', 'root', '0600', 'yes', '3']);
  // What the host checks before the rename (issue 14): the byte count and digest of NEW.
  t.deepEqual([size, sha256], [String(Buffer.byteLength(NEW)), createHash('sha256').update(NEW).digest('hex')]);
  t.deepEqual(validate, ['nft', '-c', '-f', temp]);
});

test('apply write without backup and validation', async (t) => {
  const conn = new FakeConnection('gw1');
  await file({ path: P, content: NEW, backup: false }).apply(conn, { action: 'write' }, makeFacts());
  t.deepEqual(conn.calls[0]!.argv.slice(8, 11), ['0644', 'no', '3']);
  t.is(conn.calls[0]!.argv.length, 13, 'size and digest, then no validator');
});

test('apply metadata only: chown/chmod, no content sent', async (t) => {
  const conn = new FakeConnection('gw1');
  await file({ path: P, content: NEW, owner: 'nobody', mode: '0640' }).apply(conn, { action: 'metadata' }, makeFacts());
  t.is(conn.roundTrips, 1);
  t.is(conn.calls[0]!.stdin, undefined);
  t.regex(conn.calls[0]!.argv[2]!, /chown -- "\$2:\$3" "\$1" && chmod -- "\$4" "\$1"/);
  t.deepEqual(conn.calls[0]!.argv.slice(4), [P, 'nobody', 'root', '0640']);
});

test('apply: a failing validator fails the task with its stderr and the command', async (t) => {
  const conn = new FakeConnection('gw1').on(['sh', '-c'], { code: 93, stdout: '1', stderr: '/etc/.nftables.conf.tsp-x:3:1-5: Error: syntax error\n' });
  const err = await t.throwsAsync(file({ path: P, content: NEW, validate: ['nft', '-c', '-f', '%s'] }).apply(conn, { action: 'write' }, makeFacts()));
  t.regex(err!.message, /^gw1: \/etc\/nftables.conf: validation `nft -c -f \/etc\/\.nftables\.conf\.tsp-[0-9a-f]{8}` exited 1; the file was not replaced: .*syntax error$/);
});

test('apply: a missing directory fails clearly', async (t) => {
  const conn = new FakeConnection('gw1').on(['sh', '-c'], { code: 90, stderr: 'directory /etc/keepalived does not exist\n' });
  await t.throwsAsync(file({ path: '/etc/keepalived/keepalived.conf', content: NEW }).apply(conn, { action: 'write' }, makeFacts()), {
    message: 'gw1: /etc/keepalived/keepalived.conf: directory /etc/keepalived does not exist',
  });
});

test('apply: other write failures name the step', async (t) => {
  const conn = new FakeConnection('gw1').on(['sh', '-c'], { code: 91, stderr: 'sh: 1: cannot create /etc/.x: No space left on device' });
  await t.throwsAsync(file({ path: P, content: NEW }).apply(conn, { action: 'write' }, makeFacts()), {
    message: /writing the temp file failed: .*No space left/,
  });
});
