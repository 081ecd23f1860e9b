import test from 'ava';
import { REARM_SECONDS, handoverRestart, parseSystemdTime, type HandoverRestartArgs } from '../../../src/modules/handover.ts';
import { ModuleArgumentError } from '../../../src/modules/common.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { applyTask, compareWith, res } from '../../helpers/run-task.ts';
import { ADDR_BACKUP, ADDR_HOLDER, conntrackdStats } from '../rollout/recorded.ts';

const facts = makeFacts();
const VIPS = [{ vip: '198.18.1.1', peer: '198.18.1.3' }, { vip: '198.19.0.1', peer: '198.19.0.3' }];
const base: HandoverRestartArgs = { unit: 'conntrackd', vips: VIPS, watch: ['/etc/conntrackd/conntrackd.conf'], peerAliveWindow: 0.01, pollMs: 1, takeoverTimeout: 1, healthyTimeout: 1 };

const show = (active: string, load = 'loaded') => res(0, `LoadState=${load}\nActiveState=${active}\nSubState=running\nUnitFileState=enabled\nNeedDaemonReload=no\n`);
// Recorded: keepalived's start and the watched file's mtime, as STARTED_PROBE prints them.
const started = (start: string, mtime: string) => res(0, `ActiveEnterTimestamp=Thu 2026-11-26 ${start} UTC\nmtime=${mtime} /etc/conntrackd/conntrackd.conf\n`);
const START = '10:41:52.308593';
const BEFORE = String(Date.parse('2026-11-26T10:41:52Z') / 1000 + 0.1); // mtime 0.2 s before the start
const AFTER = String(Date.parse('2026-11-26T10:41:52Z') / 1000 + 0.5); // mtime 0.2 s after it

const fixtures: { title: string; probes: ExecResult[]; status: 'ok' | 'change' | 'depends'; reason: RegExp; mode?: string }[] = [
  { title: 'no VIPs here: a plain restart', probes: [res(0, ADDR_BACKUP), show('active'), started(START, AFTER)], status: 'change', reason: /^restart conntrackd \(\/etc\/conntrackd\/conntrackd\.conf changed since it started\) \(no VIPs here\)$/, mode: 'restart' },
  { title: 'the VIP holder: hand over and restart', probes: [res(0, ADDR_HOLDER), show('active'), started(START, AFTER)], status: 'change', reason: /^hand over and restart: this node holds 198\.18\.1\.1, 198\.19\.0\.1; hand them to the peer, restart conntrackd/, mode: 'handover' },
  { title: 'started after the last change: nothing to do (idempotent)', probes: [res(0, ADDR_HOLDER), show('active'), started(START, BEFORE)], status: 'ok', reason: /started after the last change of \/etc\/conntrackd\/conntrackd\.conf: nothing to restart/ },
  { title: 'not running: just start it, no handover', probes: [res(0, ADDR_HOLDER), show('inactive'), started(START, AFTER)], status: 'change', reason: /^start \(inactive/, mode: 'start' },
  { title: 'not installed yet (check mode on a bare host)', probes: [res(0, ADDR_BACKUP), show('inactive', 'not-found'), res(0, '')], status: 'depends', reason: /not present yet \(would restart\)/ },
];

for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => {
    const c = compareWith(handoverRestart(base), facts, f.probes);
    t.is(c.status, f.status);
    t.regex((c as { reason: string }).reason, f.reason);
    if (f.mode) t.is((c as { plan: { mode: string } }).plan.mode, f.mode);
  });
}

test('probes only read: addresses, the unit, its start time and the watched files', (t) => {
  const argvs = handoverRestart(base).probes(facts).map((p) => p.argv);
  t.deepEqual(argvs[0], ['ip', '-o', '-4', 'addr', 'show']);
  t.is(argvs[1]![0], 'systemctl');
  t.is(argvs[1]![1], 'show');
  t.deepEqual(argvs[2]!.slice(3), ['sh', 'conntrackd', '/etc/conntrackd/conntrackd.conf']);
});

test('systemd timestamps keep their microseconds', (t) => {
  t.is(parseSystemdTime('Thu 2026-11-26 10:41:52.308593 UTC'), Date.parse('2026-11-26T10:41:52Z') + 308.593);
  t.is(parseSystemdTime(''), undefined);
});

test('bad arguments are refused while the role builds its tasks', (t) => {
  t.throws(() => handoverRestart({ ...base, vips: [] }), { instanceOf: ModuleArgumentError, message: /vips must be a non-empty list/ });
  t.throws(() => handoverRestart({ ...base, vips: [{ vip: '198.18.1.1/24', peer: '198.18.1.3' }] }), { message: /plain IPv4/ });
  t.throws(() => handoverRestart({ ...base, takeoverTimeout: 0 }), { message: /takeoverTimeout must be 1\.\.600 seconds/ });
  t.throws(() => handoverRestart({ ...base, watch: ['relative/path'] }), { message: /absolute paths/ });
});

/** A VIP holder whose peer answers on the sync link and takes the VIPs over on the Nth look. */
function holder(o: { takesOverAt?: number; recv?: [number, number] } = {}) {
  let looks = 0;
  let recv = 0;
  const [r1, r2] = o.recv ?? [100, 103];
  return new FakeConnection('gw1')
    .on(['ip', '-o', '-4', 'addr', 'show'], { stdout: ADDR_HOLDER })
    .on(['systemctl', 'show'], show('active'))
    .on((c) => c.argv[0] === 'sh' && c.argv[3] === 'sh' && c.argv[4] === 'conntrackd', started(START, AFTER))
    .on(['conntrackd'], () => ({ stdout: conntrackdStats(2, 2, recv++ === 0 ? r1 : r2) }))
    .on((c) => c.argv[2]?.startsWith('rc=0') ?? false, () =>
      ++looks >= (o.takesOverAt ?? Infinity) ? { code: 0 } : { code: 1, stdout: '198.18.1.1 answers from 02:74:53:99:33:ef, the peer 198.18.1.3 from nothing\n' })
    .on(['date', '+%s'], { stdout: '1795689800\n' })
    .on((c) => c.argv[2]?.startsWith('dir=$1') ?? false, { stdout: 'keepalived=active\nconntrackd=ok\ngroup=BACKUP\nfresh=yes\nnow=1795689801\n' });
}

const actions = (c: FakeConnection) => c.argvs.filter((a) => a[0] === 'systemctl' && a[1] !== 'show').map((a) => a.join(' '));

/** The unit and the backstop delay the rearm was armed with; its marker and timer name are the run's own. */
function rearmArgs(c: FakeConnection): string[] {
  const arm = c.argvs.find((a) => a[2]?.startsWith('u=$1 m=$2'))!;
  const [unit, marker, secs, timer] = arm.slice(4);
  if (!/^ts-play-rearm-keepalived-[0-9a-z]+$/.test(timer!) || marker !== `/run/ts-play/rearm/${timer}`) throw new Error(`unexpected rearm ${arm.join(' ')}`);
  return [unit!, secs!];
}

test('on the holder: keepalived stops, the peer takes over, conntrackd restarts, keepalived starts, the node is healthy', async (t) => {
  const conn = holder({ takesOverAt: 3 });
  const { outcome } = await applyTask(handoverRestart(base), conn, facts);
  t.deepEqual(actions(conn), ['systemctl stop -- keepalived', 'systemctl restart -- conntrackd', 'systemctl start -- keepalived']);
  const order = conn.argvs.map((a) => a[0] === 'sh' ? (a[2]!.startsWith('rc=0') ? 'peer-owns?' : a[2]!.startsWith('for v') ? 'forget' : a[2]!.startsWith('dir=') ? 'health?' : a[2]!.startsWith('u=$1 m=$2') ? 'rearm' : a[2]!.startsWith('m=$1 timer=$2') ? 'disarm' : 'probe') : a.slice(0, 2).join(' '));
  // Between the stop and the start the host would start keepalived again by itself (issue 14).
  const from = order.indexOf('rearm');
  t.deepEqual(order.slice(from), ['rearm', 'systemctl stop', 'forget', 'peer-owns?', 'peer-owns?', 'peer-owns?', 'systemctl restart', 'date +%s', 'systemctl start', 'disarm', 'health?']);
  t.deepEqual(rearmArgs(conn), ['keepalived', String(REARM_SECONDS)]);
  t.deepEqual(conn.argvs.find((a) => a[2]?.startsWith('rc=0'))!.slice(4), ['198.18.1.1', '198.18.1.3', '198.19.0.1', '198.19.0.3']);
  t.true(outcome!.changed);
  t.regex(outcome!.warnings![0]!, /VIPs 198\.18\.1\.1, 198\.19\.0\.1 handed to the peer before restarting conntrackd: keepalived stopped in \d+\.\ds, the peer answered for them \d+\.\ds later/);
});

test('on the holder, a peer that never takes over: keepalived is started again, conntrackd untouched, the task fails', async (t) => {
  const conn = holder();
  const e = await t.throwsAsync(applyTask(handoverRestart(base), conn, facts));
  t.regex(e!.message, /^gw1: the peer did not take over the VIPs within 1s after keepalived stopped \(198\.18\.1\.1 answers from 02:74:53:99:33:ef, the peer 198\.18\.1\.3 from nothing\); keepalived started again here, conntrackd not restarted$/);
  t.deepEqual(actions(conn), ['systemctl stop -- keepalived', 'systemctl start -- keepalived']);
  t.true(conn.argvs.some((a) => a[2]?.startsWith('m=$1 timer=$2')), 'disarmed after starting keepalived again');
});

test('on the holder with no peer on the sync link (first rollout): restart in place, with a warning', async (t) => {
  const conn = holder({ recv: [40, 40] });
  const { outcome } = await applyTask(handoverRestart(base), conn, facts);
  t.deepEqual(actions(conn), ['systemctl restart -- conntrackd']);
  t.regex(outcome!.warnings![0]!, /no sync messages from a peer .* nobody to hand the VIPs to, conntrackd restarted in place/);
});

test('unit keepalived on the holder: stopped, handed over, started again (no separate restart)', async (t) => {
  const conn = holder({ takesOverAt: 1 });
  conn.on(['systemctl', 'show'], show('active'));
  await applyTask(handoverRestart({ ...base, unit: 'keepalived', watch: [] }), conn, facts);
  t.deepEqual(actions(conn), ['systemctl stop -- keepalived', 'systemctl start -- keepalived']);
});

test('a node that is not healthy after the restart fails the task, naming what is wrong', async (t) => {
  const conn = holder({ takesOverAt: 1 });
  const sick = new FakeConnection('gw1', [{ match: (c) => c.argv[2]?.startsWith('dir=$1') ?? false, answer: { stdout: 'keepalived=active\nconntrackd=down\ngroup=FAULT\nfresh=yes\n' } }]);
  // The health read answers from `sick`, everything else from the holder.
  const wrapped = { host: 'gw1', roundTrips: 0, close: async () => {}, exec: (argv: readonly string[]) => (argv[2]?.startsWith('dir=$1') ? sick.exec(argv) : conn.exec(argv)) };
  const e = await t.throwsAsync(applyTask(handoverRestart(base), wrapped, facts));
  t.regex(e!.message, /conntrackd restarted after handing the VIPs over, but the node is not healthy after 1s: conntrackd does not answer, VRRP group is FAULT; the peer keeps the VIPs/);
  t.true(sick.calls.length >= 1);
});
