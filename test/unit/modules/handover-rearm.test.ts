// Issue 14: a handover killed between stopping keepalived on the VIP holder and starting it again
// must not leave the node out of the pair. The rearm runs on a real sh with a fake systemctl; the
// "session" is the process that ran it, killed as a killed ts-play's session ends.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REARM, REARM_DISARM } from '../../../src/modules/handover-scripts.ts';
import { FakeBin } from '../../helpers/fake-bin.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function armed(fb: FakeBin, marker: string) {
  const env = { ...process.env, PATH: `${fb.bin}:/usr/bin:/bin` };
  // The session that ran the rearm: it lives on (waiting) like an SSH session until it is killed.
  const session = spawn('sh', ['-c', '"$@"; exec sleep 300', 'session', 'sh', '-c', REARM, 'sh', 'keepalived', marker, '120', 'ts-play-rearm-keepalived-x'], { env, stdio: 'ignore' });
  return { session, env };
}

async function startedWithin(fb: FakeBin, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (fb.calls().includes('systemctl start -- keepalived')) return true;
    await sleep(100);
  }
  return false;
}

test('the session that stopped keepalived ends first: the host starts keepalived again at once', async (t) => {
  const fb = new FakeBin({ systemctl: 'exit 0', logger: 'exit 0' });
  const marker = fb.path('rearm/ts-play-rearm-keepalived-x');
  const { session } = armed(fb, marker);
  await sleep(800);
  t.false(fb.calls().includes('systemctl start -- keepalived'), 'nothing while the session lives');
  session.kill('SIGKILL');
  t.true(await startedWithin(fb, 4000), 'keepalived was not started again');
});

test('disarmed by the handover (it started keepalived itself): nothing happens when the session ends', async (t) => {
  const fb = new FakeBin({ systemctl: 'exit 0', logger: 'exit 0' });
  const marker = fb.path('rearm/ts-play-rearm-keepalived-x');
  const { session, env } = armed(fb, marker);
  await sleep(800);
  const d = spawn('sh', ['-c', REARM_DISARM, 'sh', marker, 'ts-play-rearm-keepalived-x'], { env, stdio: 'ignore' });
  await new Promise((r) => d.on('close', r));
  await sleep(1500);
  session.kill('SIGKILL');
  t.false(await startedWithin(fb, 3000));
  t.false(existsSync(marker), 'the watcher cleaned its marker up');
});
