// Issue 14: a second ts-play started against the same hosts while the first was rolling them
// out went ahead and changed them at the same time. Now a run that may change hosts holds a
// lock on each; here both runs are real CLI processes on hosts that are this machine.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo, hostname } from 'node:os';
import { join } from 'node:path';
import { localInventory, sleep, startTsplay } from '../helpers/cli-process.ts';

const BOOK = 'test/fixtures/playbooks/steps.ts';

async function lockedBy(file: string): Promise<Record<string, string>> {
  while (!existsSync(file)) await sleep(50);
  return Object.fromEntries(readFileSync(file, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('a second run is refused with the first one\'s identity; --check is not blocked', async (t) => {
  const inv = localInventory(['h1', 'h2'], { step_sleep: 20 });
  const first = startTsplay([BOOK, '-i', inv.inventory]);
  const lock = await lockedBy(join(inv.hostDir('h2'), 'run.lock'));
  t.is(lock.user, userInfo().username);
  t.is(lock.control, hostname());
  t.is(lock.pid, String(first.child.pid));
  t.regex(lock.command!, /^ts-play test\/fixtures\/playbooks\/steps\.ts -i \S+hosts\.yml$/);
  t.regex(lock.expires!, /^\d+$/);

  const second = startTsplay([BOOK, '-i', inv.inventory, '-e', 'step_sleep=0']);
  t.is(await second.done, 1, second.stderr());
  const who = `${userInfo().username}@${hostname()} \\(pid ${first.child.pid}\\) since \\S+, running \`ts-play test/fixtures/playbooks/steps\\.ts -i \\S+\``;
  t.regex(second.stderr(), new RegExp(`h1 is locked by ${who}`));
  t.regex(second.stderr(), new RegExp(`h2 is locked by ${who}`));
  t.regex(second.stderr(), /Nothing was changed\. If that run is gone, wait for its lock to expire or pass --break-lock\./);
  t.false(existsSync(join(inv.hostDir('h1'), 'step2.pid')) && !existsSync(join(inv.hostDir('h1'), 'step1.done')), 'the refused run started nothing');

  const check = startTsplay([BOOK, '-i', inv.inventory, '--check']);
  t.is(await check.done, 0, check.stderr());
  t.regex(check.stdout(), /\[WARN\] h1: h1 is locked by .*another run is changing it, what --check reads may be moving/);

  t.is(await first.done, 0, first.stderr());
  t.false(existsSync(join(inv.hostDir('h1'), 'run.lock')));
});

test('the holder killed: its lock expires by itself, the next run takes over and says so', async (t) => {
  const inv = localInventory(['h1'], { step_sleep: 300 });
  const env = { TSPLAY_LOCK_TTL: '15' };
  const first = startTsplay([BOOK, '-i', inv.inventory], env);
  const lock = await lockedBy(join(inv.hostDir('h1'), 'run.lock'));
  first.child.kill('SIGKILL');
  await first.done;
  const refused = startTsplay([BOOK, '-i', inv.inventory, '-e', 'step_sleep=0'], env);
  t.is(await refused.done, 1, 'refused while the dead run\'s lock is still valid');
  while (Date.now() / 1000 < Number(lock.expires) + 1) await sleep(200);
  const next = startTsplay([BOOK, '-i', inv.inventory, '-e', 'step_sleep=0'], env);
  t.is(await next.done, 0, next.stderr());
  t.regex(next.stdout(), new RegExp(`h1: took over a lock that was expired: h1 is locked by .*\\(pid ${first.child.pid}\\)`));
});

test('--break-lock takes a live lock at once, with a warning naming the holder', async (t) => {
  const inv = localInventory(['h1']);
  writeFileSync(join(inv.hostDir('h1'), 'run.lock'), `id=other\nuser=alice\ncontrol=laptop\npid=4242\nsince=2026-11-26T10:00:00Z\ncommand=ts-play site.ts\ncwd=/home/alice\nexpires=${Math.floor(Date.now() / 1000) + 3600}\n`);
  const refused = startTsplay([BOOK, '-i', inv.inventory]);
  t.is(await refused.done, 1);
  t.regex(refused.stderr(), /h1 is locked by alice@laptop \(pid 4242\) since 2026-11-26T10:00:00Z, running `ts-play site\.ts` in \/home\/alice; the lock expires in \d+ s unless that run keeps it alive/);
  const broke = startTsplay([BOOK, '-i', inv.inventory, '--break-lock']);
  t.is(await broke.done, 0, broke.stderr());
  t.regex(broke.stdout(), /took over a lock that was broken \(--break-lock\): h1 is locked by alice@laptop/);
  t.false(existsSync(join(inv.hostDir('h1'), 'run.lock')));
});

test('a half-written lock file (no expiry, no id) is taken over, never a reason to fail', async (t) => {
  const inv = localInventory(['h1']);
  writeFileSync(join(inv.hostDir('h1'), 'run.lock'), 'id=x\nuser=bo');
  const run = startTsplay([BOOK, '-i', inv.inventory]);
  t.is(await run.done, 0, run.stderr());
});
