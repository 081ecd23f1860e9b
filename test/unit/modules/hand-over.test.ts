import test from 'ava';
import { handOver } from '../../../src/modules/hand-over.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { applyTask, compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison } from '../../helpers/expect.ts';
import { ADDR_BACKUP, ADDR_HOLDER, conntrackdStats } from '../rollout/recorded.ts';

const facts = makeFacts();
const VIPS = [{ vip: '198.18.1.1', peer: '198.18.1.3' }, { vip: '198.19.0.1', peer: '198.19.0.3' }];
const base = { vips: VIPS, peerAliveWindow: 0.01, pollMs: 1, takeoverTimeout: 1 };
const show = (active: string) => res(0, `LoadState=loaded\nActiveState=${active}\nSubState=running\nUnitFileState=enabled\nNeedDaemonReload=no\n`);

test('compare: the holder hands over; a node without VIPs has nothing to do', (t) => {
  assertComparison(t, compareWith(handOver(base), facts, [res(0, ADDR_HOLDER), show('active')]), { status: 'change', reason: 'hand 198.18.1.1, 198.19.0.1 to the peer (keepalived stops here)' });
  assertComparison(t, compareWith(handOver(base), facts, [res(0, ADDR_BACKUP), show('inactive')]), { status: 'ok', reason: 'this node holds no VIP: nothing to hand over' });
  assertComparison(t, compareWith(handOver(base), facts, [res(0, ADDR_HOLDER), show('failed')]), { status: 'fail', reason: /holds 198\.18\.1\.1, 198\.19\.0\.1 but keepalived is failed/ });
});

function holder(o: { takesOverAt?: number; recv?: [number, number] } = {}) {
  let looks = 0;
  let recv = 0;
  const [r1, r2] = o.recv ?? [100, 103];
  return new FakeConnection('gw1')
    .on(['ip', '-o', '-4', 'addr', 'show'], { stdout: ADDR_HOLDER })
    .on(['systemctl', 'show'], show('active'))
    .on(['conntrackd'], () => ({ stdout: conntrackdStats(2, 2, recv++ === 0 ? r1 : r2) }))
    .on((c) => c.argv[2]?.startsWith('rc=0') ?? false, () => (++looks >= (o.takesOverAt ?? Infinity) ? { code: 0 } : { code: 1, stdout: '198.18.1.1 answers from 02:74:53:99:33:ef\n' }));
}

const actions = (c: FakeConnection) => c.argvs.filter((a) => a[0] === 'systemctl' && a[1] !== 'show').map((a) => a.join(' '));

test('apply: keepalived stops, the peer takes over, and keepalived stays stopped for the maintenance', async (t) => {
  const conn = holder({ takesOverAt: 2 });
  const { outcome } = await applyTask(handOver(base), conn, facts);
  t.deepEqual(actions(conn), ['systemctl stop -- keepalived']);
  t.regex((outcome as { reason: string }).reason, /^VIPs 198\.18\.1\.1, 198\.19\.0\.1 handed to the peer: keepalived stopped in \d+\.\ds, the peer answered for them \d+\.\ds later$/);
});

test('apply: a peer that never takes over: keepalived is started again and the task fails', async (t) => {
  const conn = holder();
  await t.throwsAsync(applyTask(handOver(base), conn, facts), { message: /the peer did not take over the VIPs within 1s after keepalived stopped .*; keepalived started again here, the node stays in service$/ });
  t.deepEqual(actions(conn), ['systemctl stop -- keepalived', 'systemctl start -- keepalived']);
});

test('apply: nobody on the sync link: nothing is stopped, the task fails (never take down the only node)', async (t) => {
  const conn = holder({ recv: [40, 40] });
  await t.throwsAsync(applyTask(handOver(base), conn, facts), { message: /no sync messages from a peer in 0\.01s: nobody to hand the VIPs to; keepalived left running/ });
  t.deepEqual(actions(conn), []);
});
