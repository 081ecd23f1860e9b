// Issue 14: Ctrl-C printed nothing, wrote no recap and no --json, and left the remote command
// running. ts-play runs here as a user runs it, against hosts that are this machine
// (ansible_connection: local), and gets SIGINT the way a terminal sends it.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, localInventory, sleep, startTsplay } from '../helpers/cli-process.ts';

const BOOK = 'test/fixtures/playbooks/steps.ts';

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (alive(pid) && Date.now() < until) await sleep(100);
  return !alive(pid);
}

test('a run without interrupt: exit 0, every step done, the lock gone afterwards', async (t) => {
  const inv = localInventory(['h1']);
  const run = startTsplay([BOOK, '-i', inv.inventory]);
  t.is(await run.done, 0, run.stderr());
  for (const n of [1, 2, 3]) t.true(existsSync(join(inv.hostDir('h1'), `step${n}.done`)));
  t.regex(run.stdout(), /^h1 : ok=0 changed=3 unreachable=0 failed=0 skipped=0$/m);
  t.false(existsSync(join(inv.hostDir('h1'), 'run.lock')), 'the run lock is released');
});

// SIGTERM (a CI timeout, timeout(1), a service manager) must stop a run exactly as a first Ctrl-C does.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`first ${signal}: the running step finishes, nothing new starts, recap and --json, lock released, exit 130`, async (t) => {
    const inv = localInventory(['h1'], { step_sleep: 3 });
    const json = join(inv.dir, 'run.json');
    const run = startTsplay([BOOK, '-i', inv.inventory, '--json', json]);
    const dir = inv.hostDir('h1');
    while (!existsSync(join(dir, 'step1.pid'))) await sleep(50);
    run.child.kill(signal);
    t.is(await run.done, 130, run.stderr());
    t.true(existsSync(join(dir, 'step1.done')), 'the running step was let finish');
    t.false(existsSync(join(dir, 'step2.pid')), 'no new step started');
    t.regex(run.stderr(), /interrupted: starting nothing new, letting the running tasks finish \(Ctrl-C again to abort at once\)/);
    t.regex(run.stdout(), /PLAY RECAP \(interrupted\)\nh1 : ok=0 changed=1 unreachable=0 failed=0 skipped=0/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    t.is(doc.exitCode, 130);
    t.deepEqual(doc.recap.h1.changed, 1);
    t.false(existsSync(join(dir, 'run.lock')), 'the run lock is released');
  });
}

test('second Ctrl-C: exit 130 at once, --json written, and the running command on the host is ended', async (t) => {
  const inv = localInventory(['h1'], { step_sleep: 300 });
  const json = join(inv.dir, 'run.json');
  const run = startTsplay([BOOK, '-i', inv.inventory, '--json', json]);
  const dir = inv.hostDir('h1');
  while (!existsSync(join(dir, 'step1.pid'))) await sleep(50);
  const pid = Number(readFileSync(join(dir, 'step1.pid'), 'utf8'));
  run.child.kill('SIGINT');
  await run.waitFor(/Ctrl-C again/);
  const t0 = Date.now();
  run.child.kill('SIGINT');
  t.is(await run.done, 130);
  t.true(Date.now() - t0 < 3000, 'aborted at once');
  t.regex(run.stderr(), /aborted/);
  t.is(JSON.parse(readFileSync(json, 'utf8')).exitCode, 130);
  t.true(await gone(pid, 6000), 'the step started on the host outlived ts-play');
  t.false(existsSync(join(dir, 'step1.done')));
});

test('ts-play killed with SIGKILL mid-step: what it started on the host ends within seconds', async (t) => {
  const inv = localInventory(['h1'], { step_sleep: 300 });
  const run = startTsplay([BOOK, '-i', inv.inventory]);
  const dir = inv.hostDir('h1');
  while (!existsSync(join(dir, 'step1.pid'))) await sleep(50);
  const pid = Number(readFileSync(join(dir, 'step1.pid'), 'utf8'));
  run.child.kill('SIGKILL');
  await run.done;
  t.true(await gone(pid, 6000), 'the step started on the host outlived ts-play');
});

test('Ctrl-C from a terminal reaches the whole process group: the local step still finishes, exit 130', async (t) => {
  const inv = localInventory(['h1'], { step_sleep: 3 });
  const run = startTsplay([BOOK, '-i', inv.inventory], {}, { ownGroup: true });
  const dir = inv.hostDir('h1');
  while (!existsSync(join(dir, 'step1.pid'))) await sleep(50);
  process.kill(-run.child.pid!, 'SIGINT');
  t.is(await run.done, 130, run.stderr());
  t.true(existsSync(join(dir, 'step1.done')), 'the running step was not killed by the terminal\'s SIGINT');
  t.regex(run.stdout(), /h1 \| steps \| step 1 \| changed/);
  t.false(existsSync(join(dir, 'step2.pid')));
});
