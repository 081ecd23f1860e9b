// The run lock's all-or-none acquisition, on fake hosts (the CLI tests run the real scripts).
import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.ts';
import { UnreachableError, type Connection } from '../../../src/connection/types.ts';
import { LockHeldError, RunLock } from '../../../src/session/run-lock.ts';
import { LOCK_HELD } from '../../../src/session/run-lock-scripts.ts';

const isLock = (argv: readonly string[]) => argv[0] === 'sh' && argv[2]!.startsWith('f=$1 id=$2 ttl=$3');
const isRelease = (argv: readonly string[]) => argv[0] === 'sh' && argv[2]!.startsWith('f=$1 id=$2\n');

function lock(): { lock: RunLock; warnings: string[] } {
  const warnings: string[] = [];
  return { lock: new RunLock({ argv: ['site.ts'], warn: (h, m) => warnings.push(`${h}: ${m}`) }), warnings };
}

test('one host held by another run: refused, and the lock taken on the other host is given back', async (t) => {
  const a = new FakeConnection('gw1');
  const b = new FakeConnection('gw2').on((c) => isLock(c.argv), { code: LOCK_HELD, stdout: '1795700000\nid=x\nuser=alice\ncontrol=ops\npid=7\nsince=s\ncommand=ts-play site.ts\ncwd=/h\nexpires=1795700040\n' });
  const conns: Record<string, Connection> = { gw1: a, gw2: b };
  const { lock: l } = lock();
  const err = await t.throwsAsync(l.acquire(['gw1', 'gw2'], async (h) => conns[h]!), { instanceOf: LockHeldError });
  t.regex(err!.message, /^gw2 is locked by alice@ops \(pid 7\) since s, running `ts-play site\.ts` in \/h; the lock expires in 40 s unless that run keeps it alive\nNothing was changed/);
  t.true(a.argvs.some(isRelease), 'gw1 released');
  t.is(err!.exitCode, 1);
});

test('a host that cannot take the lock fails the run, and the others are given back', async (t) => {
  const a = new FakeConnection('gw1');
  const b = new FakeConnection('gw2').on((c) => isLock(c.argv), { code: 90, stderr: 'mkdir: Read-only file system' });
  const conns: Record<string, Connection> = { gw1: a, gw2: b };
  const { lock: l } = lock();
  await t.throwsAsync(l.acquire(['gw1', 'gw2'], async (h) => conns[h]!), { message: /gw2: cannot take the run lock \/run\/ts-play\/lock \(exit 90\): mkdir: Read-only file system/ });
  t.true(a.argvs.some(isRelease));
});

test('an unreachable host is left to the run, which counts it; the others are locked', async (t) => {
  const a = new FakeConnection('gw1');
  const { lock: l } = lock();
  await l.acquire(['gw1', 'gw2'], async (h) => (h === 'gw1' ? a : Promise.reject(new UnreachableError('gw2', 'timeout'))));
  t.true(a.argvs.some(isLock));
  await l.release();
  t.true(a.argvs.some(isRelease));
});

test('a lock that cannot be released is said, with when it expires; the other hosts are released', async (t) => {
  const a = new FakeConnection('gw1');
  const b = new FakeConnection('gw2').on((c) => isRelease(c.argv), { code: 92, stderr: 'cannot lock /run/ts-play/lock.guard' });
  const conns: Record<string, Connection> = { gw1: a, gw2: b };
  const { lock: l, warnings } = lock();
  await l.acquire(['gw1', 'gw2'], async (h) => conns[h]!);
  await l.release();
  t.true(a.argvs.some(isRelease));
  t.deepEqual(warnings, ['gw2: could not release the run lock /run/ts-play/lock (exit 92: cannot lock /run/ts-play/lock.guard): it expires by itself within 60 s']);
});

test('with a concurrency of 2, at most two hosts are sent a lock script at a time, taking and releasing', async (t) => {
  let now = 0;
  let most = 0;
  const slow = (h: string) => {
    const c = new FakeConnection(h);
    const exec = c.exec.bind(c);
    c.exec = async (argv, opts) => {
      most = Math.max(most, ++now);
      await new Promise((r) => setTimeout(r, 20));
      now--;
      return exec(argv, opts);
    };
    return c;
  };
  const conns = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((h) => [h, slow(h)]));
  const l = new RunLock({ argv: ['site.ts'], concurrency: 2, warn: () => undefined });
  await l.acquire(Object.keys(conns), async (h) => conns[h]!);
  t.is(most, 2, 'acquire');
  most = 0;
  await l.release();
  t.is(most, 2, 'release');
  for (const c of Object.values(conns)) t.true(c.argvs.some(isRelease));
});
