// The run lock's real scripts on this machine's sh, carrying the command a run starts with (its
// facts and first read) in the lock's own round trip: run only once the lock is held, its output kept apart
// from the lock's, and the lock file read by the shell alone.
import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../src/connection/local.ts';
import { gatherFacts } from '../../../src/facts/gather.ts';
import { parsePathState, pathProbe } from '../../../src/facts/paths.ts';
import { firstReadPlan, FirstReadError, parseFirstRead } from '../../../src/engine/first-read.ts';
import { LockHeldError, RunLock } from '../../../src/session/run-lock.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-lock-then-'));
  const file = join(dir, 'lock');
  const warnings: string[] = [];
  const make = (breakLock = false) => new RunLock({ argv: ['site.ts'], breakLock, pathOf: () => file, warn: (h, m) => warnings.push(`${h}: ${m}`) });
  const conn = new LocalConnection('h1', { bound: true });
  return { dir, file, warnings, make, conn, connect: async () => conn };
}

test('the command after the lock runs in the same round trip once the lock is held; its output and code are its own', async (t) => {
  const { dir, file, make, conn, connect } = setup();
  const l = make();
  const got = await l.acquire(['h1'], connect, ['sh', '-c', 'printf "one\\n#two"; echo oops >&2; exit 3']);
  t.is(conn.roundTrips, 1, 'one round trip for the lock and the command');
  t.deepEqual(got.get('h1'), { code: 3, stdout: 'one\n#two', stderr: 'oops\n' });
  t.regex(readFileSync(file, 'utf8'), new RegExp(`^id=${l.id}\\n`));
  t.deepEqual(readdirSync(dir).sort(), ['lock', 'lock.guard'], 'the record\'s temporary file went with the lock script');
  await l.release();
  t.false(existsSync(file));
});

test('the facts and the first read, carried by the lock, are what gatherFacts and a read of its own give', async (t) => {
  const { make, connect, conn, dir } = setup();
  writeFileSync(join(dir, 'seen'), 'content\n');
  // A read whose probes differ by facts: the host's own init picks which one runs.
  const plan = firstReadPlan((f) => [{ argv: ['echo', f.init] }, pathProbe(join(dir, 'seen'), { content: true })]);
  t.is(plan.sent.length, 2);
  const l = make();
  const got = await l.acquire(['h1'], connect, () => plan.command);
  t.is(conn.roundTrips, 1);
  const { facts, read } = parseFirstRead('h1', plan, got.get('h1')!);
  t.deepEqual(facts, await gatherFacts(conn));
  t.deepEqual(read?.probes.map((p) => p.argv[0]), ['echo', 'sh']);
  t.is(read?.results[0]!.stdout, `${facts.init}\n`);
  t.like(parsePathState(join(dir, 'seen'), read!.results[1]!), { kind: 'file', content: 'content\n' });
  // The same probes whatever the facts: one script, no test; and a read that cannot be planned leaves the facts alone.
  t.is(firstReadPlan(() => [{ argv: ['true'] }]).sent.length, 1);
  const none = firstReadPlan(() => {
    throw new Error('no plan');
  });
  t.deepEqual(none.sent.map((x) => x.probes), [undefined]);
  t.deepEqual(parseFirstRead('h1', none, await conn.exec(none.command)), { facts });
  await l.release();
});

test('a first read whose facts the probes contradict is dropped; a host no variant fits is a clear error', async (t) => {
  const { conn } = setup();
  // Variant 0 answers for systemd: on a host whose probes say otherwise its read is not used.
  const plan = firstReadPlan((f) => [{ argv: ['echo', f.init] }]);
  const r = await conn.exec(plan.command);
  const real = (await gatherFacts(conn)).init;
  const forged = { ...r, stdout: r.stdout.replace(/^#tsp-variant \d+/, `#tsp-variant ${real === 'systemd' ? 1 : 0}`) };
  t.deepEqual(parseFirstRead('h1', plan, forged), { facts: { init: real } });
  t.throws(() => parseFirstRead('h1', plan, { code: 96, stdout: '', stderr: 'no facts variant fits this host\n' }), { instanceOf: FirstReadError, message: /h1: reading facts failed \(exit 96\): no facts variant fits this host/ });
});

test('a lock held by another run: refused, and the command after it never ran', async (t) => {
  const { dir, make, connect } = setup();
  const first = make();
  await first.acquire(['h1'], connect);
  const marker = join(dir, 'ran');
  const err = await t.throwsAsync(make().acquire(['h1'], connect, ['touch', marker]), { instanceOf: LockHeldError });
  t.regex(err!.message, /^h1 is locked by .* running `ts-play site\.ts`/);
  t.false(existsSync(marker), 'nothing ran behind a refused lock');
  await first.release();
});

test('--check looks at the lock and runs the command whatever it found, warning of a held lock', async (t) => {
  const { make, warnings, connect } = setup();
  const holder = make();
  await holder.acquire(['h1'], connect);
  const got = await make().peek(['h1'], connect, ['echo', 'facts']);
  t.deepEqual(got.get('h1'), { code: 0, stdout: 'facts\n', stderr: '' });
  t.is(warnings.length, 1);
  t.regex(warnings[0]!, /^h1: h1 is locked by .*another run is changing it/);
  await holder.release();
  warnings.length = 0;
  t.deepEqual((await make().peek(['h1'], connect, ['echo', 'facts'])).get('h1')?.stdout, 'facts\n');
  t.deepEqual(warnings, []);
});

test('the lock file is read by the shell: the first id and expiry count, a last line without a newline too, junk expires', async (t) => {
  const { file, make, warnings, connect } = setup();
  const later = Math.floor(Date.now() / 1000) + 600;
  // Two ids: the first is the holder's (as sed | head -n 1 took it).
  writeFileSync(file, `id=other\nuser=bob\nid=mine\nexpires=${later}`);
  await t.throwsAsync(make().acquire(['h1'], connect, ['true']), { instanceOf: LockHeldError, message: /locked by bob@/ });
  // An expiry that is not a number counts as expired: taken over, with a warning.
  writeFileSync(file, 'id=other\nuser=bob\nexpires=soon\n');
  const l = make();
  const got = await l.acquire(['h1'], connect, ['echo', 'go']);
  t.is(got.get('h1')?.stdout, 'go\n');
  t.regex(warnings.join('\n'), /took over a lock that was expired: h1 is locked by bob@/);
  await l.release();
});
