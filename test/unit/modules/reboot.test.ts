import test from 'ava';
import { reboot, type RebootArgs } from '../../../src/modules/reboot.ts';
import { parseRebootNeed } from '../../../src/facts/reboot.ts';
import { ModuleArgumentError } from '../../../src/modules/common.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import { UnreachableError, type Connection } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const facts = makeFacts();
const OLD = '6d1a4f5e-1c2b-4a3d-9e8f-0123456789ab';
const NEW = '0f9e8d7c-6b5a-4c3d-8e2f-fedcba987654';

const needFixtures: { title: string; out: string; needed: boolean; reasons: string[] }[] = [
  { title: 'nothing pending (a container: no kernel installed)', out: 'running 6.1.0-18-amd64\n', needed: false, reasons: [] },
  { title: 'the running kernel is the newest installed', out: 'running 6.1.0-20-amd64\ninstalled 6.1.0-18-amd64\ninstalled 6.1.0-20-amd64\n', needed: false, reasons: [] },
  { title: 'a newer kernel is installed', out: 'running 6.1.0-18-amd64\ninstalled 6.1.0-18-amd64\ninstalled 6.1.0-20-amd64\n', needed: true, reasons: ['kernel 6.1.0-20-amd64 installed, 6.1.0-18-amd64 running'] },
  { title: '/run/reboot-required with the packages that asked', out: 'running 6.1.0-18-amd64\nrequired\nrequired tsp-maint-probe\nrequired libc6\n', needed: true, reasons: ['/run/reboot-required (tsp-maint-probe, libc6)'] },
  {
    title: 'needrestart: a kernel version upgrade and services on old libraries',
    out: 'running 6.1.0-18-amd64\nneedrestart VER 3.6\nneedrestart KCUR 6.1.0-18-amd64\nneedrestart KEXP 6.1.0-20-amd64\nneedrestart KSTA 3\nneedrestart SVC keepalived.service\nneedrestart SVC ssh.service\n',
    needed: true,
    reasons: ['needrestart: a kernel version upgrade is pending', 'needrestart: keepalived.service, ssh.service run on outdated libraries'],
  },
  { title: 'needrestart says the kernel is current', out: 'running 6.1.0-18-amd64\nneedrestart KSTA 1\n', needed: false, reasons: [] },
  {
    title: 'without needrestart: a replaced library still mapped by daemons',
    out: 'running 6.1.0-18-amd64\ndeleted 412 keepalived.service /usr/lib/x86_64-linux-gnu/libssl.so.3\ndeleted 413 keepalived.service /usr/lib/x86_64-linux-gnu/libssl.so.3\ndeleted 1 systemd /usr/lib/x86_64-linux-gnu/libc.so.6\n',
    needed: true,
    reasons: ['/usr/lib/x86_64-linux-gnu/libssl.so.3 replaced under keepalived.service (pid 412), keepalived.service (pid 413)', '/usr/lib/x86_64-linux-gnu/libc.so.6 replaced under systemd (pid 1)'],
  },
];

for (const f of needFixtures) {
  test(`reboot-need fact: ${f.title}`, (t) => {
    t.deepEqual(parseRebootNeed(res(0, f.out)), { needed: f.needed, reasons: f.reasons });
  });
}

test('reboot-need fact: a probe that failed is an error, not "no reboot"', (t) => {
  t.deepEqual(parseRebootNeed(res(1, '', 'sh: permission denied')), { error: 'reading whether a reboot is needed failed (exit 1): sh: permission denied' });
});

const compareFixtures: { title: string; args: RebootArgs; probes: [string, string]; expect: Expected }[] = [
  { title: 'always: reboot, saying whether it was needed', args: {}, probes: [`${OLD}\n`, 'running 6.1.0-18-amd64\n'], expect: { status: 'change', reason: 'reboot (no reboot needed)' } },
  { title: 'only if needed, and nothing needs it', args: { onlyIfNeeded: true }, probes: [`${OLD}\n`, 'running 6.1.0-18-amd64\n'], expect: { status: 'ok', reason: 'no reboot needed' } },
  { title: 'only if needed, and a package asked for it', args: { onlyIfNeeded: true }, probes: [`${OLD}\n`, 'running x\nrequired\nrequired tsp-maint-probe\n'], expect: { status: 'change', reason: 'reboot: /run/reboot-required (tsp-maint-probe)' } },
  { title: 'an unreadable boot id fails: the reboot could not be proven', args: {}, probes: ['garbage\n', 'running x\n'], expect: { status: 'fail', reason: /cannot read the boot id/ } },
];

for (const f of compareFixtures) {
  test(`compare: ${f.title}`, (t) => {
    assertComparison(t, compareWith(reboot(f.args), facts, [res(0, f.probes[0]), res(0, f.probes[1])]), f.expect);
  });
}

test('bad arguments are refused while the role builds its tasks', (t) => {
  t.throws(() => reboot({ timeout: -1 }), { instanceOf: ModuleArgumentError, message: /timeout must be 0\.\.7200 seconds/ });
  t.throws(() => reboot({ command: [] }), { message: /command must be a non-empty argv array/ });
});

function fakeClock() {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}

/** A host whose logins after the reboot go: refused, the old boot still answering, then the new boot. */
function rebooting(after: Array<'down' | 'old' | 'new'>) {
  const before = new FakeConnection('gw1').on(['cat', '/proc/sys/kernel/random/boot_id'], { stdout: `${OLD}\n` }).on(['sh', '-c'], () => {
    throw new UnreachableError('gw1', 'connection lost during a command');
  });
  const logins: FakeConnection[] = [];
  const reconnect = async (): Promise<Connection> => {
    const next = after.shift() ?? 'down';
    if (next === 'down') throw new UnreachableError('gw1', 'connect ECONNREFUSED 198.18.0.11:22');
    const c = new FakeConnection('gw1').on(['cat', '/proc/sys/kernel/random/boot_id'], { stdout: `${next === 'old' ? OLD : NEW}\n` }).on(['sh', '-c'], { stdout: 'running 6.1.0-20-amd64\n' });
    logins.push(c);
    return c;
  };
  return { before, logins, env: { probeFreshLogin: async () => {}, reconnect } };
}

test('apply: the dropped connection is expected; it logs in until a new boot id answers, and says so', async (t) => {
  const clock = fakeClock();
  const host = rebooting(['down', 'old', 'down', 'new']);
  const task = reboot({ clock, timeout: 60, initialDelay: 2, interval: 2 });
  const out = await task.apply(host.before, null, facts, host.env);
  t.is(host.before.argvs[1]![0], 'sh', 'the reboot command ran on the run connection');
  t.is(host.logins.length, 2, 'one login still saw the old boot, the next the new one');
  t.like(out, { changed: true, stale: true, result: { bootIdBefore: OLD, bootIdAfter: NEW, seconds: 8, need: { needed: false, reasons: [] } } });
  t.regex(out!.reason!, /^rebooted in 8s \(boot id 6d1a4f5e -> 0f9e8d7c\)$/);
});

test('apply: a host that never comes back fails the task after the timeout, with the last thing seen', async (t) => {
  const clock = fakeClock();
  const host = rebooting([]);
  const e = await t.throwsAsync(reboot({ clock, timeout: 30 }).apply(host.before, null, facts, host.env));
  t.is(e!.message, 'the host did not come back with a new boot within 30s of the reboot (last: connect ECONNREFUSED 198.18.0.11:22)');
  t.false(e instanceof UnreachableError, 'a task failure (exit 2), not an unreachable host');
});

test('apply: without an engine that reconnects it refuses before rebooting anything', async (t) => {
  const conn = new FakeConnection('gw1');
  await t.throwsAsync(reboot().apply(conn, null, facts, { probeFreshLogin: async () => {} }), { message: /needs an engine that can reconnect/ });
  t.is(conn.calls.length, 0);
});
