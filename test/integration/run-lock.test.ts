// Issue 14 on the lab (the lead runs it): two operators. A second ts-play started against the
// pair while a first one rolls it out is refused with the first one's identity and changes
// nothing; --check is not blocked; after the first is killed with SIGKILL its lock is refused
// until it expires (or --break-lock takes it), and the pair converges.
//
// The first run is stopped (SIGSTOP) once its locks are seen, and killed later: on a slow
// machine it had finished its rollout, and released its lock, before the second and --check
// runs were done, and the "dead run's lock" was no lock at all. A stopped run no longer
// refreshes its lock, so its TTL here covers the runs made meanwhile.
import test from 'ava';
import { hostname, userInfo } from 'node:os';
import { labUp } from '../../src/lab/cli.ts';
import { labExec, recap, SKIP_AUDIT } from '../helpers/cli.ts';
import { startSite as startAnySite, tail } from '../helpers/lab-site.ts';

const CHANGE = ['-e', 'nftables_icmp_rate=15', '-e', 'keepalived_garp_master_refresh=63'];
const LOCK_TTL = 20;
/** The stopped first run's lock: long enough for a refused run and a --check run after it stopped. */
const STOPPED_LOCK_TTL = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The lock does not depend on the lynis audits (SKIP_AUDIT).
const startSite: typeof startAnySite = (args, onLine, env) => startAnySite([...args, ...SKIP_AUDIT], onLine, env);

test.before(async () => {
  await labUp();
  const r = await startSite([]).done;
  if (r.code !== 0) throw new Error(`site.ts does not converge before the lock tests:\n${tail(r)}`);
});

test.serial('a second run is refused naming the first; --check is not blocked; the killed first run\'s lock expires; --break-lock', async (t) => {
  let started = false;
  const first = startSite(['-v', ...CHANGE], (line) => {
    if (line.endsWith('| sysctl | role start')) started = true;
  }, { TSPLAY_LOCK_TTL: String(STOPPED_LOCK_TTL) });
  while (!started) {
    if (first.child.exitCode !== null) throw new Error(`the first run ended early:\n${tail(await first.done)}`);
    await sleep(100);
  }
  first.child.kill('SIGSTOP');
  // Both gateways carry the first run's lock.
  for (const gw of ['gw1', 'gw2']) {
    const lock = (await labExec(gw, ['cat', '/run/ts-play/lock'])).stdout;
    t.regex(lock, new RegExp(`^pid=${first.child.pid}$`, 'm'), `${gw}: ${lock}`);
    t.regex(lock, new RegExp(`^user=${userInfo().username}$`, 'm'));
    t.regex(lock, /^command=ts-play playbooks\/site\.ts -i \S+ --limit gateways -v -e nftables_icmp_rate=15/m);
  }
  const second = await startSite(['-e', 'nftables_icmp_rate=16']).done;
  t.is(second.code, 1, tail(second));
  t.regex(second.stderr, new RegExp(`gw[12] is locked by ${userInfo().username}@${hostname()} \\(pid ${first.child.pid}\\) since \\S+, running \`ts-play playbooks/site\\.ts`));
  t.regex(second.stderr, /Nothing was changed\./);
  t.notRegex(second.stdout, /\| changed/, 'the refused run changed nothing');

  const check = await startSite(['--check']).done;
  t.notRegex(check.stderr, /Nothing was changed\. If that run is gone/, '--check is not refused');
  t.regex(check.stdout, /is locked by .*what --check reads may be moving/);

  t.is(first.child.exitCode, null, 'the first run is still there (stopped) until it is killed');
  first.child.kill('SIGKILL');
  await first.done;
  const tooEarly = await startSite(CHANGE).done;
  t.is(tooEarly.code, 1, 'the dead run\'s lock holds until it expires');
  t.regex(tooEarly.stderr, new RegExp(`\\(pid ${first.child.pid}\\)`));

  // --break-lock takes it at once and says whose it was.
  const broke = await startSite(['--break-lock', ...CHANGE]).done;
  t.is(broke.code, 0, tail(broke));
  t.regex(broke.stdout, new RegExp(`took over a lock that was broken \\(--break-lock\\): \\S+ is locked by .*\\(pid ${first.child.pid}\\)`));

  // Back to the inventory's values; no lock left behind by a finished run.
  const back = await startSite([]).done;
  t.is(back.code, 0, tail(back));
  for (const gw of ['gw1', 'gw2']) {
    t.is((await labExec(gw, ['sh', '-c', 'test -e /run/ts-play/lock && echo held || echo free'])).stdout.trim(), 'free');
  }
  t.is(recap(back.stdout, 'gw1')?.unreachable, 0);
});

test.serial('a killed run\'s lock expires by itself within its TTL', async (t) => {
  let started = false;
  const first = startSite(['-v', ...CHANGE], (line) => {
    if (line.endsWith('| sysctl | role start')) started = true;
  }, { TSPLAY_LOCK_TTL: String(LOCK_TTL) });
  while (!started && first.child.exitCode === null) await sleep(100);
  first.child.kill('SIGKILL');
  await first.done;
  await sleep((LOCK_TTL + 2) * 1000);
  const next = await startSite([]).done;
  t.is(next.code, 0, tail(next));
  t.regex(next.stdout, /took over a lock that was expired/);
});
