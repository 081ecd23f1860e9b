// Issue 14: the file that goes live is the one that was sent, byte for byte. The write script
// runs on a real sh here (LocalConnection); stdin is cut short the way a dropped connection or
// a killed ts-play cuts it, and the live file must stay as it was, with no temp file left.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { LocalConnection } from '../../../src/connection/local.ts';
import { contentCheck, tempPathFor, writeArgv, writeFileAtomic, type WriteSpec } from '../../../src/modules/write.ts';

const root = mkdtempSync(join(tmpdir(), 'tsp-write-integrity-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh directory holding a live file with old content. */
function target(): string {
  const d = join(root, `t${++n}`);
  mkdirSync(d);
  const p = join(d, 'keepalived.conf');
  writeFileSync(p, 'OLD CONFIG\n');
  return p;
}

const me = userInfo();
const CONTENT = 'global_defs {\n\trouter_id gw1\n}\n'.repeat(200);
const spec = (path: string, content = CONTENT): WriteSpec => ({ path, content, owner: String(me.uid), group: String(me.gid), mode: 0o600, backup: true });
const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/'));

test('the size and digest sent are those of the content in bytes (UTF-8)', (t) => {
  t.deepEqual(contentCheck('ü'), { size: 2, sha256: createHash('sha256').update(Buffer.from([0xc3, 0xbc])).digest('hex') });
  t.is(contentCheck('').size, 0);
});

test('a complete write goes live byte for byte (UTF-8, no trailing newline)', async (t) => {
  const p = target();
  const content = `${CONTENT}ünïcode without newline`;
  await writeFileAtomic(new LocalConnection(), spec(p, content));
  t.is(readFileSync(p, 'utf8'), content);
  t.deepEqual(readdirSync(dirOf(p)).filter((f) => f.includes('.tsp-')), [], 'no temp file left');
});

test('stdin cut short (a dropped connection): refused, the old file stays, the temp file is removed', async (t) => {
  const p = target();
  const s = spec(p);
  const r = await new LocalConnection().exec(writeArgv(s, tempPathFor(p)), { stdin: CONTENT.slice(0, 100) });
  t.is(r.code, 97);
  t.regex(r.stderr, /received 100 of \d+ bytes/);
  t.is(readFileSync(p, 'utf8'), 'OLD CONFIG\n');
  t.deepEqual(readdirSync(dirOf(p)), ['keepalived.conf']);
});

test('an empty stdin (the control side died before sending): refused, nothing installed', async (t) => {
  const p = target();
  const r = await new LocalConnection().exec(writeArgv(spec(p), tempPathFor(p)), { stdin: '' });
  t.is(r.code, 97);
  t.is(readFileSync(p, 'utf8'), 'OLD CONFIG\n');
  t.deepEqual(readdirSync(dirOf(p)), ['keepalived.conf']);
});

test('the same length with other bytes: refused on the digest', async (t) => {
  const p = target();
  const other = CONTENT.replace('gw1', 'gwX');
  const r = await new LocalConnection().exec(writeArgv(spec(p), tempPathFor(p)), { stdin: other });
  t.is(r.code, 97);
  t.regex(r.stderr, /sha256 of what was received is [0-9a-f]{64}, not [0-9a-f]{64}/);
  t.is(readFileSync(p, 'utf8'), 'OLD CONFIG\n');
});

test('writeFileAtomic reports a cut write as a failed write naming the path', async (t) => {
  const p = target();
  // A connection that loses the end of stdin on the way, as a dropped session would.
  const lossy = new LocalConnection();
  const exec = lossy.exec.bind(lossy);
  lossy.exec = (argv, opts) => exec(argv, { ...opts, stdin: String(opts?.stdin ?? '').slice(0, 10) });
  await t.throwsAsync(writeFileAtomic(lossy, spec(p)), { message: /keepalived\.conf: what the host received is not what was sent: received 10 of/ });
  t.is(readFileSync(p, 'utf8'), 'OLD CONFIG\n');
});

test('the writer killed mid-stream (stdin closed after half): the old file stays', async (t) => {
  const p = target();
  const [cmd, ...args] = writeArgv(spec(p), tempPathFor(p));
  const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdin.write(CONTENT.slice(0, CONTENT.length / 2));
  await new Promise((r) => setTimeout(r, 200));
  child.stdin.destroy();
  const code = await new Promise<number | null>((r) => child.on('close', r));
  t.is(code, 97, stderr);
  t.is(readFileSync(p, 'utf8'), 'OLD CONFIG\n');
  t.deepEqual(readdirSync(dirOf(p)), ['keepalived.conf']);
});

test('the write script\'s process group ended by SIGTERM mid-stream removes its temp file and installs nothing', async (t) => {
  const p = target();
  const [cmd, ...args] = writeArgv(spec(p), tempPathFor(p));
  // Its own process group, killed as a whole: what the session-bound wrapper does on the host.
  const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.stdin.write(CONTENT.slice(0, 50));
  await new Promise((r) => setTimeout(r, 300));
  process.kill(-child.pid!, 'SIGTERM');
  await new Promise((r) => child.on('close', r));
  t.is(readFileSync(p, 'utf8'), 'OLD CONFIG\n');
  t.deepEqual(readdirSync(dirOf(p)), ['keepalived.conf'], 'the EXIT trap ran on TERM');
});
