// Issue 14: nothing ts-play starts on a host outlives its session. The wrapper runs on a real sh
// here; the "session" is the parent process, or a process named sshd further up, as on a host.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionBound } from '../../../src/connection/session-bound.ts';
import { LocalConnection } from '../../../src/connection/local.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsp-bound-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Running: a zombie left to a pid 1 that does not reap counts as gone. */
const alive = (pid: number) => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

/** Waits for a file a started command writes its pid into. */
async function pidFrom(file: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(file) && readFileSync(file, 'utf8').trim()) return Number(readFileSync(file, 'utf8').trim());
    await sleep(50);
  }
  throw new Error(`${file} never written`);
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await sleep(100);
  }
  return !alive(pid);
}

/** A long command that records its pid and that of a child it starts (the process group). */
function longCommand(name: string): { argv: string[]; pidFile: string; childFile: string } {
  const pidFile = join(dir, `${name}.pid`);
  const childFile = join(dir, `${name}.child`);
  return { argv: ['sh', '-c', 'sleep 300 & echo $! > "$1"; echo $$ > "$0"; wait', pidFile, childFile], pidFile, childFile };
}

const kids: ChildProcess[] = [];
test.after.always(() => kids.forEach((k) => k.kill('SIGKILL')));

test('stdin, stdout, stderr and the exit status pass through the wrapper', async (t) => {
  const conn = new LocalConnection('h', { bound: true });
  const r = await conn.exec(['sh', '-c', 'cat; echo oops >&2; exit 3'], { stdin: 'hello\nworld' });
  t.deepEqual([r.code, r.stdout, r.stderr], [3, 'hello\nworld', 'oops\n']);
  t.is((await conn.exec(['no-such-command-h14'])).code, 127);
});

test('the control process killed (SIGKILL): the command and its children end within seconds', async (t) => {
  const { argv, pidFile, childFile } = longCommand('parent');
  // The parent stands for ts-play with a local connection: the wrapper is its child.
  const parent = spawn('sh', ['-c', '"$@" & wait', 'control', ...sessionBound(argv)], { stdio: 'ignore' });
  kids.push(parent);
  const pid = await pidFrom(pidFile);
  const child = await pidFrom(childFile);
  await sleep(300);
  t.true(alive(pid) && alive(child));
  parent.kill('SIGKILL');
  t.true(await gone(pid, 5000), 'the command outlived its session');
  t.true(await gone(child, 5000), 'a child of the command outlived its session');
});

test('the sshd session process gone, a sudo-like process in between still alive: the command ends', async (t) => {
  // A copy of sh named sshd is the session process; the sh in between waits like sudo does.
  const sshd = join(dir, 'sshd');
  copyFileSync('/bin/sh', sshd);
  const { argv, pidFile, childFile } = longCommand('sudo');
  const session = spawn(sshd, ['-c', 'sh -c \'"$@"; true\' sudo "$@" & wait', 'sshd', ...sessionBound(argv)], { stdio: 'ignore' });
  kids.push(session);
  const pid = await pidFrom(pidFile);
  const child = await pidFrom(childFile);
  session.kill('SIGKILL');
  t.true(await gone(pid, 5000), 'the command outlived the sshd session process');
  t.true(await gone(child, 5000));
});

test('a command the session does not lose runs to its end, and nothing of the wrapper lingers on', async (t) => {
  const conn = new LocalConnection('h', { bound: true });
  const t0 = Date.now();
  const r = await conn.exec(['sh', '-c', 'sleep 1.5; echo done']);
  t.is(r.stdout, 'done\n');
  t.true(Date.now() - t0 < 4000);
});

test('what a command detaches on purpose (setsid, a revert timer) outlives the session', async (t) => {
  const marker = join(dir, 'detached.pid');
  const parent = spawn('sh', ['-c', '"$@" & wait', 'control', ...sessionBound(['sh', '-c', 'setsid sh -c \'echo $$ > "$1"; exec sleep 30\' sh "$0" </dev/null >/dev/null 2>&1 & sleep 300', marker])], { stdio: 'ignore' });
  kids.push(parent);
  const detached = await pidFrom(marker);
  parent.kill('SIGKILL');
  await sleep(4500);
  t.true(alive(detached), 'the detached timer was killed with the session');
  process.kill(detached, 'SIGKILL');
});
