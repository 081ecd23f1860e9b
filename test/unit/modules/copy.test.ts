import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copy } from '../../../src/modules/copy.ts';
import { ModuleArgumentError } from '../../../src/modules/common.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import { LocalConnection } from '../../../src/connection/local.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { applyTask, compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison } from '../../helpers/expect.ts';

const facts = makeFacts();
/** Every byte value, NUL and >= 0x80 included, and a CR LF: what a text transport would mangle. */
const BYTES = Buffer.concat([Buffer.from([...Array(256).keys()]), Buffer.from('\r\n\u00e9\0end')]);
const DIGEST = createHash('sha256').update(BYTES).digest('hex');
const meta = 'file 0 0 644 root root\n';

test('compare: the digest on the host decides; the content never travels back', (t) => {
  const task = copy({ path: '/usr/local/lib/fw.bin', content: BYTES });
  t.deepEqual(task.probes(facts)[1]!.argv.slice(-2), ['sh', '/usr/local/lib/fw.bin']);
  assertComparison(t, compareWith(task, facts, [res(0, meta), res(0, `${DIGEST}  /usr/local/lib/fw.bin\n`)]), { status: 'ok', reason: `up to date (root:root 0644, ${BYTES.length} bytes, sha256 ${DIGEST.slice(0, 12)})` });
  assertComparison(t, compareWith(task, facts, [res(0, meta), res(0, `${'0'.repeat(64)}  /usr/local/lib/fw.bin\n`)]), {
    status: 'change', reason: `content (sha256 000000000000 -> ${DIGEST.slice(0, 12)}, ${BYTES.length} bytes)`, plan: { action: 'write' }, diffs: 'none',
  });
  assertComparison(t, compareWith(copy({ path: '/x', content: BYTES, mode: '0600' }), facts, [res(0, meta), res(0, `${DIGEST}  /x\n`)]), { status: 'change', reason: 'mode 0644 -> 0600', plan: { action: 'metadata' } });
  assertComparison(t, compareWith(copy({ path: '/x', content: 'text\n' }), facts, [res(3, 'missing parent\n'), res(0, '')]), { status: 'change', diffs: [{ path: '/x', before: '', after: 'text\n' }] });
  assertComparison(t, compareWith(task, facts, [res(0, 'directory 0 0 755 root root\n'), res(0, '')]), { status: 'fail', reason: /is a directory, not a regular file/ });
});

test('apply sends base64 text and the host decodes it; the digest is read back', async (t) => {
  let written = false;
  const conn = new FakeConnection('gw1')
    .on((c) => c.argv[2]?.startsWith('p=$1 t=$2') ?? false, () => ((written = true), {}))
    .on(['sh', '-c'], (c) => (c.argv[2]?.startsWith('p=$1') ? { code: 3, stdout: 'missing parent\n' } : {}))
    .on(['sha256sum'], () => ({ stdout: written ? `${DIGEST}  /x\n` : '' }));
  await applyTask(copy({ path: '/x', content: BYTES }), conn, facts);
  const write = conn.calls.find((c) => c.argv[2]?.startsWith('p=$1 t=$2'))!;
  t.regex(write.argv[2]!, /base64 -d > "\$t" \|\| exit 91/);
  t.true(Buffer.from(write.stdin!, 'base64').equals(BYTES), 'what was sent decodes to every byte');
  t.deepEqual(conn.argvs.at(-1), ['sha256sum', '--', '/x']);
});

test('apply fails when the bytes on the host are not the bytes sent', async (t) => {
  const conn = new FakeConnection('gw1').on(['sh', '-c'], (c) => (c.argv[2]?.startsWith('p=$1 t=$2') ? {} : { code: 3, stdout: 'missing parent\n' })).on(['sha256sum'], { stdout: `${'f'.repeat(64)}  /x\n` });
  await t.throwsAsync(applyTask(copy({ path: '/x', content: BYTES }), conn, facts), { message: /gw1: \/x holds sha256 f{64} after the copy, not [0-9a-f]{64}: the bytes did not arrive intact/ });
});

test('on a real sh: a binary file arrives byte for byte, from content or from a src file, and a re-run is ok', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-copy-'));
  const conn = new LocalConnection();
  const owner = (await conn.exec(['id', '-un'])).stdout.trim();
  const group = (await conn.exec(['id', '-gn'])).stdout.trim();
  const src = join(dir, 'src.bin');
  writeFileSync(src, BYTES.subarray(0, 200));
  for (const [path, args] of [[join(dir, 'a.bin'), { content: BYTES }], [join(dir, 'b.bin'), { src }]] as const) {
    const task = () => copy({ path, ...args, owner, group, backup: false });
    t.is((await applyTask(task(), conn, facts)).first.status, 'change');
    t.true(readFileSync(path).equals('content' in args ? BYTES : BYTES.subarray(0, 200)));
    t.is((await applyTask(task(), conn, facts)).first.status, 'ok');
  }
});

test('bad arguments are refused while the role builds its tasks', (t) => {
  t.throws(() => copy({ path: '/x' }), { instanceOf: ModuleArgumentError, message: /give content or src/ });
  t.throws(() => copy({ path: '/x', content: 'a', src: '/etc/hostname' }), { message: /give content or src/ });
  t.throws(() => copy({ path: '/x', src: '/nonexistent/file' }), { message: /cannot read src/ });
});
