import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../src/connection/local.ts';
import { guardedFile } from '../../src/modules/guarded.ts';
import type { FilePlan } from '../../src/modules/file.ts';
import { defaultConfirm, sshBanner, type Confirm } from '../../src/modules/confirm.ts';
import { applyTask, readAndCompare } from '../helpers/run-task.ts';
import { makeFacts } from '../helpers/facts.ts';

// These run the real host-side scripts with sh on this machine (no systemd here, so the
// detached-sleep variant of the timer); nothing outside a temp directory is touched.
const facts = makeFacts({ init: 'sysvinit' });
const conn = new LocalConnection();

function setup(previous?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-guard-'));
  const path = join(dir, 'rules.conf');
  const log = join(dir, 'activations.log');
  if (previous !== undefined) writeFileSync(path, previous);
  // The "activation" records what was live: the file's content, or "none".
  const activate = ['sh', '-c', 'if [ -e "$1" ]; then cat "$1"; else echo none; fi >> "$2"', 'sh', path, log];
  return { dir, path, log, activate, state: join(dir, 'state') };
}

const ok: Confirm = async () => undefined;
const refused: Confirm = async () => {
  throw new Error('connection refused (test)');
};

test('a confirmed activation stays: new file live, the timer disarmed', async (t) => {
  const s = setup('old\n');
  const task = guardedFile({ path: s.path, content: 'new\n', activate: s.activate, window: 5, confirm: ok, stateDir: s.state, backup: false });
  const { first, outcome } = await applyTask(task, conn, facts);
  t.is(first.status, 'change');
  t.deepEqual(outcome, { changed: true });
  await new Promise((r) => setTimeout(r, 6500));
  t.is(readFileSync(s.path, 'utf8'), 'new\n');
  t.is(readFileSync(s.log, 'utf8'), 'new\n', 'activated once, never reverted');
});

test('an unconfirmed activation is reverted by the host itself and the task fails saying so', async (t) => {
  const s = setup('old\n');
  const task = guardedFile({ path: s.path, content: 'new\n', activate: s.activate, window: 5, confirm: refused, stateDir: s.state, backup: false });
  const started = Date.now();
  const err = await t.throwsAsync(applyTask(task, conn, facts));
  t.regex(err!.message, /not confirmed within 5s \(connection refused \(test\)\); the host restored the previous version \(re-activation exited 0\)/);
  t.true(Date.now() - started < 14_000);
  t.is(readFileSync(s.path, 'utf8'), 'old\n');
  t.is(readFileSync(s.log, 'utf8'), 'new\nold\n', 'the new version was live, then the old one again');
});

test('without a previous file the revert removes the new one and runs activateWithout', async (t) => {
  const s = setup();
  const marker = join(s.dir, 'cleared');
  const task = guardedFile({
    path: s.path, content: 'new\n', activate: s.activate, window: 5, confirm: refused, stateDir: s.state,
    activateWithout: ['touch', marker],
  });
  await t.throwsAsync(applyTask(task, conn, facts), { message: /not confirmed/ });
  t.false(existsSync(s.path));
  t.true(existsSync(marker));
});

test('a failing activation is reverted at once', async (t) => {
  const s = setup('old\n');
  const activate = ['sh', '-c', 'cat "$1" >> "$2"; grep -q old "$1"', 'sh', s.path, s.log];
  const task = guardedFile({ path: s.path, content: 'new\n', activate, window: 30, confirm: ok, stateDir: s.state, backup: false });
  const started = Date.now();
  const err = await t.throwsAsync(applyTask(task, conn, facts));
  t.regex(err!.message, /activation `sh -c .*` exited 1.*previous version restored/s);
  t.true(Date.now() - started < 5000, 'no waiting for the window');
  t.is(readFileSync(s.path, 'utf8'), 'old\n');
});

test('a candidate that fails validation never goes live and disarms nothing it needs', async (t) => {
  const s = setup('old\n');
  const task = guardedFile({ path: s.path, content: 'bad\n', activate: s.activate, window: 30, confirm: ok, stateDir: s.state, validate: ['grep', '-q', 'good', '%s'] });
  await t.throwsAsync(applyTask(task, conn, facts), { message: /validation `grep -q good .*` exited 1/ });
  t.is(readFileSync(s.path, 'utf8'), 'old\n');
  t.false(existsSync(s.log), 'never activated');
});

test('window and argv arguments are checked when the task is built', (t) => {
  t.throws(() => guardedFile({ path: '/etc/x', content: '', activate: ['true'], window: 1, confirm: ok }), { message: /window must be whole seconds between 5 and 3600/ });
  t.throws(() => guardedFile({ path: '/etc/x', content: '', activate: [], window: 30, confirm: ok }), { message: /activate must be a non-empty argv/ });
});

test('the banner check fails fast on a closed port and names it', async (t) => {
  const err = await t.throwsAsync(sshBanner('127.0.0.1', 1)({ host: 'x', conn, timeoutMs: 2000 }));
  t.regex(err!.message, /127\.0\.0\.1:1: .*ECONNREFUSED/);
});

test('the default confirmation uses the engine\'s fresh login when the engine lends one', async (t) => {
  const s = setup('old\n');
  // Port 1 is closed: the banner fallback would fail, so success proves the engine's probe was used.
  const task = guardedFile({ path: s.path, content: 'new\n', activate: s.activate, window: 5, confirm: defaultConfirm('127.0.0.1', 1), stateDir: s.state, backup: false });
  const first = await readAndCompare(task, conn, facts);
  let logins = 0;
  const env = { probeFreshLogin: async () => void logins++ };
  t.deepEqual(await task.apply(conn, (first.status === 'change' ? first.plan : null) as FilePlan, facts, env), { changed: true });
  t.is(logins, 1);
  const failing = guardedFile({ path: s.path, content: 'newer\n', activate: s.activate, window: 5, confirm: defaultConfirm('127.0.0.1', 1), stateDir: s.state, backup: false });
  const again = await readAndCompare(failing, conn, facts);
  const err = await t.throwsAsync(failing.apply(conn, (again.status === 'change' ? again.plan : null) as FilePlan, facts, { probeFreshLogin: async () => { throw new Error('a fresh login failed after the change: timed out'); } }));
  t.regex(err!.message, /not confirmed within 5s \(a fresh login failed after the change: timed out\); the host restored the previous version/);
  t.is(readFileSync(s.path, 'utf8'), 'new\n');
});
