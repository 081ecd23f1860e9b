import test from 'ava';
import { createServer } from 'node:net';
import { waitFor, type WaitForArgs } from '../../../src/modules/wait-for.ts';
import { ModuleArgumentError } from '../../../src/modules/common.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const facts = makeFacts();

const fixtures: { title: string; args: WaitForArgs; probe: ExecResult; expect: Expected; argv: string[] }[] = [
  {
    title: 'a port already open on the host',
    args: { condition: { port: 9100 } },
    probe: res(0, 'open\n'),
    expect: { status: 'ok', reason: '127.0.0.1:9100 is open' },
    argv: ['timeout', '2', 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2" && exec 3>&- && echo open', 'bash', '127.0.0.1', '9100'],
  },
  {
    title: 'a port not open yet: wait for it (what check mode reports)',
    args: { condition: { port: 22, address: '198.18.0.11' }, timeout: 60 },
    probe: res(1, '', 'bash: connect: Connection refused'),
    expect: { status: 'change', reason: 'wait up to 60s for port 198.18.0.11:22 open (now: 198.18.0.11:22 is closed)' },
    argv: ['timeout', '2', 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2" && exec 3>&- && echo open', 'bash', '198.18.0.11', '22'],
  },
  {
    title: 'waiting for a port to close',
    args: { condition: { port: 80, state: 'closed' } },
    probe: res(1),
    expect: { status: 'ok', reason: '127.0.0.1:80 is closed' },
    argv: ['timeout', '2', 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2" && exec 3>&- && echo open', 'bash', '127.0.0.1', '80'],
  },
  { title: 'a file present', args: { condition: { path: '/run/nologin', state: 'absent' } }, probe: res(1), expect: { status: 'ok', reason: '/run/nologin does not exist' }, argv: ['test', '-e', '/run/nologin'] },
  {
    title: 'a command whose output does not match yet',
    args: { condition: { argv: ['systemctl', 'is-active', 'keepalived'], match: /^active$/m }, timeout: 30 },
    probe: res(3, 'activating\n'),
    expect: { status: 'change', reason: 'wait up to 30s for `systemctl is-active keepalived` matching /^active$/m (now: `systemctl is-active keepalived` exited 3, last line: activating)' },
    argv: ['systemctl', 'is-active', 'keepalived'],
  },
];

for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => {
    const task = waitFor(f.args);
    t.deepEqual(task.probes(facts).map((p) => p.argv), [f.argv]);
    assertComparison(t, compareWith(task, facts, [f.probe]), f.expect);
  });
}

function fakeClock() {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}

test('apply polls every interval until the condition holds; waiting changes nothing, so it is ok', async (t) => {
  const clock = fakeClock();
  let n = 0;
  const conn = new FakeConnection('gw1').on(['test'], () => ({ code: ++n >= 3 ? 0 : 1 }));
  const out = await waitFor({ condition: { path: '/run/ha-notify/group-G_NAT.state' }, interval: 2, initialDelay: 1, clock }).apply(conn, null, facts);
  t.is(conn.calls.length, 3);
  t.like(out, { changed: false, reason: '/run/ha-notify/group-G_NAT.state exists after 5s', result: { met: true, waited: 5 } });
});

test('apply gives up after the timeout, naming what it saw last', async (t) => {
  const clock = fakeClock();
  const conn = new FakeConnection('gw1').on(['systemctl'], { code: 3, stdout: 'failed\n' });
  const task = waitFor({ condition: { argv: ['systemctl', 'is-active', 'conntrackd'], match: /^active$/ }, timeout: 10, interval: 3, clock });
  await t.throwsAsync(task.apply(conn, null, facts), { message: '`systemctl is-active conntrackd` matching /^active$/: not so after 10s (last: `systemctl is-active conntrackd` exited 3, last line: failed)' });
});

test('from the control side: the port is tried from this machine and the host is not asked', async (t) => {
  const server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const task = waitFor({ condition: { port, address: '127.0.0.1', from: 'control' } });
    t.deepEqual(task.probes(facts), []);
    const s = await task.readControl!(facts);
    t.deepEqual(task.compare(s, facts), { status: 'ok', reason: `127.0.0.1:${port} is open from the control side` });
  } finally {
    server.close();
  }
  const closed = waitFor({ condition: { port, address: '127.0.0.1', from: 'control', state: 'closed' } });
  t.is(closed.compare(await closed.readControl!(facts), facts).status, 'ok');
});

test('bad arguments are refused while the role builds its tasks', (t) => {
  t.throws(() => waitFor({ condition: { port: 0 } }), { instanceOf: ModuleArgumentError, message: /port must be 1\.\.65535/ });
  t.throws(() => waitFor({ condition: { path: 'relative' } }), { message: /path must be absolute/ });
  t.throws(() => waitFor({ condition: { argv: ['true'], match: 'x' as unknown as RegExp } }), { message: /match must be a RegExp/ });
  t.throws(() => waitFor({ condition: { path: '/x' }, timeout: -1 }), { message: /timeout must be 0\.\.86400 seconds/ });
});
