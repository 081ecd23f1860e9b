import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editLine, lineInFile, type LineInFileArgs } from '../../../src/modules/line-in-file.ts';
import { blockInFile, editBlock, type BlockInFileArgs } from '../../../src/modules/block-in-file.ts';
import { ModuleArgumentError } from '../../../src/modules/common.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import { LocalConnection } from '../../../src/connection/local.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { applyTask, compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, fileOut } from '../../helpers/expect.ts';

const facts = makeFacts();
const CONF = 'PermitRootLogin yes\nPasswordAuthentication yes\n# end\n';

const lineFixtures: { title: string; text: string | undefined; args: LineInFileArgs; want: string | { ok: RegExp } }[] = [
  { title: 'regexp match replaced (the last one)', text: 'A=1\nB=2\nA=3\n', args: { path: '/x', regexp: /^A=/, line: 'A=9' }, want: 'A=1\nB=2\nA=9\n' },
  { title: 'already as wanted', text: CONF, args: { path: '/x', regexp: /^PermitRootLogin /, line: 'PermitRootLogin yes' }, want: { ok: /line present/ } },
  { title: 'no match: appended at the end', text: CONF, args: { path: '/x', regexp: /^MaxAuthTries /, line: 'MaxAuthTries 2' }, want: `${CONF}MaxAuthTries 2\n` },
  { title: 'no match, but the line is there verbatim', text: 'x\nMaxAuthTries 2\n', args: { path: '/x', regexp: /^Nope/, line: 'MaxAuthTries 2' }, want: { ok: /line present/ } },
  { title: 'insertAfter the last match', text: 'a\n# x\nb\n# x\nc\n', args: { path: '/x', line: 'new', insertAfter: /^# x/ }, want: 'a\n# x\nb\n# x\nnew\nc\n' },
  { title: 'insertAfter the first match', text: 'a\n# x\nb\n# x\nc\n', args: { path: '/x', line: 'new', insertAfter: /^# x/, firstMatch: true }, want: 'a\n# x\nnew\nb\n# x\nc\n' },
  { title: 'insertBefore BOF', text: 'a\n', args: { path: '/x', line: '#!/bin/sh', insertBefore: 'BOF' }, want: '#!/bin/sh\na\n' },
  { title: 'an anchor that matches nothing: end of file', text: 'a\n', args: { path: '/x', line: 'z', insertBefore: /^nothing/ }, want: 'a\nz\n' },
  { title: 'a file without a final newline gains one', text: 'a', args: { path: '/x', line: 'b' }, want: 'a\nb\n' },
  { title: 'absent by regexp removes every match', text: 'A=1\nB=2\nA=3\n', args: { path: '/x', regexp: /^A=/, state: 'absent' }, want: 'B=2\n' },
  { title: 'absent, nothing to remove', text: 'B=2\n', args: { path: '/x', line: 'A=1', state: 'absent' }, want: { ok: /no such line/ } },
  { title: 'a missing file (create) gets the line', text: undefined, args: { path: '/x', line: 'one' }, want: 'one\n' },
];

for (const f of lineFixtures) {
  test(`editLine: ${f.title}`, (t) => {
    const e = editLine(f.text, f.args);
    if (typeof f.want === 'string') t.is('text' in e ? e.text : `ok: ${e.ok}`, f.want);
    else t.regex('ok' in e ? e.ok : `changed: ${e.text}`, f.want.ok);
  });
}

const B = (body: string) => `# BEGIN TS-PLAY MANAGED BLOCK\n${body}# END TS-PLAY MANAGED BLOCK\n`;
const blockFixtures: { title: string; text: string | undefined; args: BlockInFileArgs; want: string | { ok: RegExp } }[] = [
  { title: 'inserted at the end with markers', text: 'a\n', args: { path: '/x', block: 'x 1\ny 2\n' }, want: `a\n${B('x 1\ny 2\n')}` },
  { title: 'updated in place', text: `a\n${B('old\n')}z\n`, args: { path: '/x', block: 'new\n' }, want: `a\n${B('new\n')}z\n` },
  { title: 'already up to date', text: `a\n${B('x\n')}`, args: { path: '/x', block: 'x' }, want: { ok: /block up to date/ } },
  { title: 'removed with its markers', text: `a\n${B('x\n')}z\n`, args: { path: '/x', state: 'absent' }, want: 'a\nz\n' },
  { title: 'own markers, inserted after a match', text: 'a\nb\n', args: { path: '/x', block: 'k', marker: '// {mark} vrrp', insertAfter: /^a$/ }, want: 'a\n// BEGIN vrrp\nk\n// END vrrp\nb\n' },
];

for (const f of blockFixtures) {
  test(`editBlock: ${f.title}`, (t) => {
    const e = editBlock(f.text, f.args);
    if (typeof f.want === 'string') t.is('text' in e ? e.text : `ok: ${e.ok}`, f.want);
    else t.regex('ok' in e ? e.ok : `changed: ${e.text}`, f.want.ok);
  });
}

test('compare: a change carries the diff; ownership and mode are kept unless given', (t) => {
  const task = lineInFile({ path: '/etc/ssh/sshd_config', regexp: /^PermitRootLogin /, line: 'PermitRootLogin prohibit-password' });
  assertComparison(t, compareWith(task, facts, [res(0, fileOut(CONF, '0 0 600 root root'))]), {
    status: 'change',
    reason: 'replace line 1',
    plan: { metaOnly: false, text: CONF.replace('yes', 'prohibit-password'), owner: 'root', group: 'root', mode: 0o600 },
    diffs: [{ path: '/etc/ssh/sshd_config', before: CONF, after: CONF.replace('yes', 'prohibit-password') }],
  });
});

test('compare: only the mode differs: fixed in place, no rewrite', (t) => {
  const task = blockInFile({ path: '/etc/x', block: 'x', mode: '0640' });
  assertComparison(t, compareWith(task, facts, [res(0, fileOut(B('x\n')))]), { status: 'change', reason: 'mode 0644 -> 0640', plan: { metaOnly: true, text: B('x\n'), owner: 'root', group: 'root', mode: 0o640 }, diffs: 'none' });
});

test('compare: a missing file fails unless create, and a symlink is never edited', (t) => {
  assertComparison(t, compareWith(lineInFile({ path: '/etc/x', line: 'a' }), facts, [res(3, 'missing parent\n')]), { status: 'fail', reason: '/etc/x does not exist (create: true makes it)' });
  assertComparison(t, compareWith(lineInFile({ path: '/etc/x', line: 'a', create: true }), facts, [res(3, 'missing parent\n')]), { status: 'change', reason: 'create (insert a line at 1)' });
  assertComparison(t, compareWith(lineInFile({ path: '/etc/x', line: 'a', state: 'absent' }), facts, [res(3, 'missing parent\n')]), { status: 'ok' });
  assertComparison(t, compareWith(lineInFile({ path: '/etc/x', line: 'a' }), facts, [res(0, 'symlink\n/etc/y\n')]), { status: 'fail', reason: /is a symlink \(to \/etc\/y\), not a regular file; not edited/ });
});

test('apply writes through the atomic write path with validate and the new text on stdin', async (t) => {
  const conn = new FakeConnection('gw1').on(['sh', '-c'], (c) => (c.argv[2]?.startsWith('p=$1') ? { stdout: fileOut(CONF, '0 0 644 root root') } : {}));
  const task = lineInFile({ path: '/etc/ssh/sshd_config', line: 'MaxAuthTries 2', validate: ['sshd', '-t', '-f', '%s'] });
  await applyTask(task, conn, facts);
  const write = conn.calls.find((c) => c.argv[2]?.includes('mv -f'))!;
  t.is(write.stdin, `${CONF}MaxAuthTries 2\n`);
  t.deepEqual(write.argv.slice(4, 6), ['/etc/ssh/sshd_config', write.argv[5]!]);
  t.regex(write.argv[5]!, /^\/etc\/ssh\/\.sshd_config\.tsp-[0-9a-f]{8}$/);
  t.deepEqual(write.argv.slice(-4), ['sshd', '-t', '-f', write.argv[5]!]);
});

test('on a real sh: edits, then a second run changes nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-lif-'));
  const path = join(dir, 'conf');
  writeFileSync(path, CONF);
  const conn = new LocalConnection();
  const id = (await conn.exec(['id', '-un'])).stdout.trim();
  const grp = (await conn.exec(['id', '-gn'])).stdout.trim();
  const tasks = () => [
    lineInFile({ path, regexp: /^PasswordAuthentication /, line: 'PasswordAuthentication no', owner: id, group: grp, backup: false }),
    blockInFile({ path, block: 'Match User backup\n  ForceCommand internal-sftp\n', insertBefore: /^# end/, owner: id, group: grp, backup: false }),
  ];
  for (const task of tasks()) t.is((await applyTask(task, conn, facts)).first.status, 'change');
  t.is(readFileSync(path, 'utf8'), `PermitRootLogin yes\nPasswordAuthentication no\n${B('Match User backup\n  ForceCommand internal-sftp\n')}# end\n`);
  for (const task of tasks()) t.is((await applyTask(task, conn, facts)).first.status, 'ok');
});

test('bad arguments are refused while the role builds its tasks', (t) => {
  t.throws(() => lineInFile({ path: '/x' }), { instanceOf: ModuleArgumentError, message: /line is required with state present/ });
  t.throws(() => lineInFile({ path: '/x', line: 'a\nb' }), { message: /must be one line/ });
  t.throws(() => lineInFile({ path: '/x', line: 'a', regexp: /a/g }), { message: /must not have the g or y flag/ });
  t.throws(() => lineInFile({ path: '/x', line: 'a', insertAfter: /a/, insertBefore: 'BOF' }), { message: /not both/ });
  t.throws(() => blockInFile({ path: '/x', block: 'a', marker: '# managed' }), { message: /\{mark\}/ });
  t.throws(() => blockInFile({ path: '/x', state: 'present' }), { message: /block is required/ });
});
