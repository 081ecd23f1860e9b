import test from 'ava';
import type { FakeCall } from '../../../src/connection/fake.ts';
import { ADDR_BACKUP, ADDR_HOLDER, ADDR_LAN_ONLY } from './recorded.ts';
import { healthyPair, node, setup } from './fake-pair.ts';

test('order: the node without the VIPs first, the holder last', async (t) => {
  const { gates, ctx, logs } = setup(healthyPair());
  t.deepEqual(await gates.order(['gw1', 'gw2'], ctx), ['gw2', 'gw1']);
  t.regex(logs[0]!, /gw1 holds the VIPs and goes last/);
  const bare = setup({ gw1: node('gw1', { addr: ADDR_BACKUP }), gw2: node('gw2', { addr: ADDR_BACKUP }) });
  t.deepEqual(await bare.gates.order(['gw1', 'gw2'], bare.ctx), ['gw1', 'gw2']);
});

test('order: an unreachable node stops the rollout before anything runs', async (t) => {
  const { gates, ctx } = setup({ gw1: 'down', gw2: node('gw2', { addr: ADDR_BACKUP }) });
  await t.throwsAsync(gates.order(['gw1', 'gw2'], ctx), { message: /cannot read the VIPs on gw1: unreachable \(connect ETIMEDOUT/ });
});

test('before: a ready peer and current sync pass; only read commands are sent', async (t) => {
  const pair = healthyPair();
  const { gates, ctx, logs } = setup(pair, { batch: ['gw2'] });
  await gates.beforeBatch(ctx);
  t.regex(logs.at(-1)!, /gw2: gw1 is ready to take over, gw1 holds the VIPs, conntrack sync current/);
  const reads = [/^ip -o -4 addr show$/, /^systemctl show -p /, /^sh -c /, /^setpriv /, /^journalctl /, /^conntrackd -C \S+ -s$/];
  const sent = [...pair.gw1.calls, ...pair.gw2.calls].map((c: FakeCall) => c.argv.join(' '));
  t.true(sent.every((s) => reads.some((r) => r.test(s))), sent.join('\n'));
  // Each read of a node is one round trip, whatever the number of commands in it.
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [1, 1]);
});

test('before: the peer\'s failing ha-check stops the rollout with what failed, after the gate timeout', async (t) => {
  const pair = { gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER', check: 1 }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP' }) };
  const { gates, ctx, clock } = setup(pair, { batch: ['gw2'] });
  const e = await t.throwsAsync(gates.beforeBatch(ctx));
  t.regex(e!.message, /^before touching gw2: ha-check fails on gw1 when run as keepalived_script \(exit 1: http: http:\/\/198\.19\.0\.100\/ answered 000 \(want 204\)\)/);
  t.regex(e!.message, /still so after 20s/);
  t.is(clock.t, 20_000);
});

test('before: the node about to be touched must be healthy too (its own check failing stops it)', async (t) => {
  const pair = { gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER', check: 1 }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP' }) };
  const { gates, ctx } = setup(pair, { batch: ['gw1'] });
  await t.throwsAsync(gates.beforeBatch(ctx), { message: /before touching gw1: ha-check fails on gw1/ });
});

test('before: a peer in FAULT or without keepalived cannot take over', async (t) => {
  const fault = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'FAULT' }) }, { batch: ['gw1'] });
  await t.throwsAsync(fault.gates.beforeBatch(fault.ctx), { message: /gw2 is in VRRP FAULT \(VI_LAN, VI_WAN, group-G_NAT\)/ });
  const stopped = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP', keepalived: 'inactive' }) }, { batch: ['gw1'] });
  await t.throwsAsync(stopped.gates.beforeBatch(stopped.ctx), { message: /keepalived on gw2 is inactive so it could not take over the VIPs/ });
});

test('before: conntrack sync must be current within the margin', async (t) => {
  const behind = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER', caches: [500, 0] }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP', caches: [0, 300] }) }, { batch: ['gw1'] });
  await t.throwsAsync(behind.gates.beforeBatch(behind.ctx), { message: /conntrack sync is behind: gw2's external cache has 300 flows, gw1's internal cache 500 \(margin 20\)/ });
  const close = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER', caches: [500, 0] }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP', caches: [0, 485] }) }, { batch: ['gw1'] });
  await t.notThrowsAsync(close.gates.beforeBatch(close.ctx));
  const big = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER', caches: [10000, 0] }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP', caches: [0, 9850] }) }, { batch: ['gw1'] });
  await t.notThrowsAsync(big.gates.beforeBatch(big.ctx), '2% of 10000 = 200 entries of margin');
  const strict = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER', caches: [500, 0] }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP', caches: [0, 485] }) }, { batch: ['gw1'], extra: { rollout_sync_margin: 5 } });
  await t.throwsAsync(strict.gates.beforeBatch(strict.ctx), { message: /margin 10/ }, '-e rollout_sync_margin=5: 2% of 500 wins');
});

test('before: a split sync group or both nodes holding the VIPs stops the rollout', async (t) => {
  const split = setup({ gw1: node('gw1', { addr: ADDR_LAN_ONLY, group: 'MASTER' }), gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP' }) }, { batch: ['gw2'] });
  await t.throwsAsync(split.gates.beforeBatch(split.ctx), { message: /gw1 holds only 198\.18\.1\.1 of the VIPs 198\.18\.1\.1, 198\.19\.0\.1: the sync group is split/ });
  const both = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }), gw2: node('gw2', { addr: ADDR_HOLDER, group: 'MASTER' }) }, { batch: ['gw2'] });
  await t.throwsAsync(both.gates.beforeBatch(both.ctx), { message: /both gw2 and gw1 hold the VIPs \(split brain\)/ });
});

test('before: bare hosts (first rollout) have nothing to protect; a peer not built yet is not asked for sync', async (t) => {
  const bare = () => node('x', { addr: ADDR_BACKUP, keepalived: 'absent', conntrackd: 'absent', check: 127 });
  const first = setup({ gw1: bare(), gw2: bare() });
  await t.notThrowsAsync(first.gates.beforeBatch(first.ctx));
  t.regex(first.logs.at(-1)!, /not serving yet/);
  const second = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }), gw2: bare() }, { batch: ['gw2'] });
  await t.notThrowsAsync(second.gates.beforeBatch(second.ctx));
});

test('a transient problem that clears within the gate timeout passes', async (t) => {
  let reads = 0;
  const pair = {
    gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }),
    gw2: node('gw2', { addr: ADDR_BACKUP, group: () => (++reads < 3 ? 'FAULT' : 'BACKUP') }),
  };
  const { gates, ctx, clock } = setup(pair, { batch: ['gw1'] });
  await gates.beforeBatch(ctx);
  t.is(clock.t, 2000);
});

test('after: the preferred master must hold the VIPs again, waiting out its preempt delay', async (t) => {
  let reads = 0;
  const back = () => (++reads > 25 ? ADDR_HOLDER : ADDR_BACKUP);
  const pair = {
    gw1: node('gw1', { addr: back, group: () => (reads > 25 ? 'MASTER' : 'BACKUP') }),
    gw2: node('gw2', { addr: () => (reads > 25 ? ADDR_BACKUP : ADDR_HOLDER), group: 'MASTER' }),
  };
  const { gates, ctx, clock, logs } = setup(pair, { batch: ['gw1'] });
  await gates.afterBatch(ctx);
  t.is(clock.t, 25_000);
  t.regex(logs.at(-1)!, /gw1: healthy and back in its role; gw1 holds the VIPs/);
  const never = setup({ gw1: node('gw1', { addr: ADDR_BACKUP, group: 'BACKUP' }), gw2: node('gw2', { addr: ADDR_HOLDER, group: 'MASTER' }) }, { batch: ['gw1'] });
  const e = await t.throwsAsync(never.gates.afterBatch(never.ctx));
  t.regex(e!.message, /^gw1 after its changes: gw1 is the preferred master but does not hold the VIPs \(gw2 still holds them; gw1 is BACKUP, preempt_delay 30s\) \(still so after 60s\)$/);
});

test('after: the preferred backup must be BACKUP without VIPs; in check mode the wait is the short gate timeout', async (t) => {
  const ok = setup({ gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP' }), gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }) });
  await t.notThrowsAsync(ok.gates.afterBatch(ok.ctx));
  const wrong = setup({ gw2: node('gw2', { addr: ADDR_HOLDER, group: 'MASTER' }), gw1: node('gw1', { addr: ADDR_BACKUP, group: 'BACKUP' }) }, { check: true });
  await t.throwsAsync(wrong.gates.afterBatch(wrong.ctx), { message: /gw2 is the preferred backup but holds 198\.18\.1\.1, 198\.19\.0\.1 .*still so after 20s/ });
  t.is(wrong.clock.t, 20_000);
});

test('after: a node that does not come back healthy is named with its state', async (t) => {
  const pair = { gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP', conntrackd: 'failed' }), gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }) };
  const { gates, ctx } = setup(pair);
  await t.throwsAsync(gates.afterBatch(ctx), { message: /conntrackd on gw2 is failed: flows would not survive a takeover/ });
});

test('a node the run cannot reach stops a gate at once: a lost session never comes back within a run', async (t) => {
  // The node lost its session while changing (the holder serves on): no waiting out the 25 s.
  const after = setup({ gw2: 'down', gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }) }, { batch: ['gw2'] });
  await t.throwsAsync(after.gates.afterBatch(after.ctx), { message: /^gw2 after its changes: gw2 is unreachable \(connect ETIMEDOUT 198\.18\.0\.11:22\)$/ });
  t.is(after.clock.t, 0);
  // A peer gone before the node is touched: nobody could take over, and waiting will not change that.
  const before = setup({ gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER' }), gw2: 'down' }, { batch: ['gw1'] });
  await t.throwsAsync(before.gates.beforeBatch(before.ctx), { message: /^before touching gw1: gw2 is unreachable/ });
  t.is(before.clock.t, 0);
  // A pair that serves nothing yet has nothing to protect: the reachable node is rolled out.
  const bare = setup({ gw1: node('gw1', { addr: ADDR_BACKUP, keepalived: 'absent' }), gw2: 'down' }, { batch: ['gw1'] });
  await t.notThrowsAsync(bare.gates.beforeBatch(bare.ctx));
});

test('the gates refuse a batch of both nodes and a run without the peer; rollout_gates=false opts out', async (t) => {
  const both = setup(healthyPair(), { batch: ['gw1', 'gw2'] });
  await t.throwsAsync(both.gates.beforeBatch(both.ctx), { message: /one node at a time \(serial: 1\)/ });
  const limited = setup({ gw1: node('gw1', { addr: ADDR_HOLDER }) });
  await t.throwsAsync(limited.gates.beforeBatch(limited.ctx), { message: /need both gateways of the pair in the run.*--limit/ });
  const pair = healthyPair();
  const off = setup({ gw1: pair.gw1 }, { extra: { rollout_gates: false } });
  await off.gates.beforeBatch(off.ctx);
  await off.gates.afterBatch(off.ctx);
  t.deepEqual(await off.gates.order(['gw1'], off.ctx), ['gw1']);
  t.is(pair.gw1.calls.length, 0);
});

test('a missing or wrong variable is named', async (t) => {
  const { gates, ctx } = setup(healthyPair(), { extra: { keepalived_preempt_delay: 'soon' } });
  await t.throwsAsync(gates.beforeBatch(ctx), { message: /gw1: keepalived_preempt_delay must be a non-negative number, got "soon"/ });
});

test('after: a node the batch did not change is not waited for, except in a dry run', async (t) => {
  // gw1 away from its role: a gate that read it would wait out the preempt delay and fail.
  const pair = { gw1: node('gw1', { addr: ADDR_BACKUP, group: 'BACKUP' }), gw2: node('gw2', { addr: ADDR_HOLDER, group: 'MASTER' }) };
  const untouched = setup(pair, { batch: ['gw1'] });
  await untouched.gates.afterBatch({ ...untouched.ctx, changed: [] });
  t.regex(untouched.logs.at(-1)!, /gw1: nothing changed/);
  t.deepEqual([pair.gw1.roundTrips, pair.gw2.roundTrips], [0, 0]);
  const touched = setup(pair, { batch: ['gw1'] });
  await t.throwsAsync(touched.gates.afterBatch({ ...touched.ctx, changed: ['gw1'] }));
  const dry = setup(pair, { batch: ['gw1'], check: true });
  await t.throwsAsync(dry.gates.afterBatch({ ...dry.ctx, changed: [] }));
});

// bgp mode: the shared WAN IP on lo (even on both nodes, briefly) is no split brain, the LAN VIP says
// who forwards, and the holder must announce as primary with a live route-server session.
const BGP_EXTRA = { keepalived_vip_mode: 'bgp' };
const UP = { '2001:2:0:34::1': 'Established', '2001:2:0:34::2': 'Established' };
const onLo = (addr: string) => addr.replace('1: lo    inet 127.0.0.1/8 scope host lo', '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n1: lo    inet 198.19.0.1/32 scope global lo');
const bgpPair = (holderAnnounces = 'primary', peerSessions: Record<string, string> = UP) => ({
  gw1: node('gw1', { addr: onLo(ADDR_HOLDER), group: 'MASTER', caches: [120, 0], bgp: { announces: holderAnnounces, sessions: UP } }),
  gw2: node('gw2', { addr: onLo(ADDR_BACKUP), group: 'BACKUP', caches: [0, 118], bgp: { announces: 'secondary', sessions: peerSessions } }),
});

test('bgp mode: a holder announcing as primary and a peer with a live session pass; the shared IP on both is not a split', async (t) => {
  const { gates, ctx, logs } = setup(bgpPair(), { batch: ['gw2'], extra: BGP_EXTRA });
  await gates.beforeBatch(ctx);
  t.regex(logs.at(-1)!, /gw2: gw1 is ready to take over, gw1 holds the VIPs/);
  t.deepEqual(await gates.order(['gw1', 'gw2'], setup(bgpPair(), { extra: BGP_EXTRA }).ctx), ['gw2', 'gw1']);
});

test('bgp mode: the holder announcing as secondary, or a peer whose sessions are all down, stops the rollout', async (t) => {
  const wrong = setup(bgpPair('secondary'), { batch: ['gw2'], extra: BGP_EXTRA });
  await t.throwsAsync(wrong.gates.beforeBatch(wrong.ctx), { message: /gw1 announces the shared IP as secondary but holds the VIPs: it should announce as primary/ });
  const down = setup(bgpPair('primary', { '2001:2:0:34::1': 'Active', '2001:2:0:34::2': 'Connect' }), { batch: ['gw1'], extra: BGP_EXTRA });
  await t.throwsAsync(down.gates.beforeBatch(down.ctx), { message: /gw2 has no established session with a route server \(2001:2:0:34::1 Active, 2001:2:0:34::2 Connect\): its announcement would reach nobody/ });
});

test('bgp mode, after a node: sessions a route server holds back are waited for up to rollout_bgp_session_timeout, anything else only the settle timeout', async (t) => {
  const DOWN = { '2001:2:0:34::1': 'Active', '2001:2:0:34::2': 'Active' };
  // gw2's sessions come back 100 s after its FRR restart (a route server's error delay).
  const w: ReturnType<typeof setup> = setup({
    gw1: node('gw1', { addr: onLo(ADDR_HOLDER), group: 'MASTER', caches: [120, 0], bgp: { announces: 'primary', sessions: UP } }),
    gw2: node('gw2', { addr: onLo(ADDR_BACKUP), group: 'BACKUP', caches: [0, 118], bgp: { announces: 'secondary', sessions: () => (w.clock.t >= 100_000 ? UP : DOWN) } }),
  }, { batch: ['gw2'], extra: BGP_EXTRA });
  await w.gates.afterBatch({ ...w.ctx, changed: ['gw2'] });
  t.true(w.clock.t >= 100_000 && w.clock.t < 102_000, `passed once the sessions were back, at ${w.clock.t} ms`);

  const never = setup(bgpPair('primary', DOWN), { batch: ['gw2'], extra: BGP_EXTRA });
  await t.throwsAsync(never.gates.afterBatch({ ...never.ctx, changed: ['gw2'] }), { message: /gw2 has no established session with a route server .*\(still so after 330s\)/ });

  // A dry run moved nothing: no longer wait than its gate timeout.
  const dry = setup(bgpPair('primary', DOWN), { batch: ['gw2'], extra: BGP_EXTRA, check: true });
  await t.throwsAsync(dry.gates.afterBatch({ ...dry.ctx, changed: [] }), { message: /gw2 has no established session with a route server .*\(still so after 20s\)/ });

  // Another problem beside the sessions: the settle timeout, as in arp mode.
  const worse = setup({ ...bgpPair('primary', DOWN), gw2: node('gw2', { addr: onLo(ADDR_BACKUP), keepalived: 'inactive', caches: [0, 118], bgp: { announces: 'secondary', sessions: DOWN } }) }, { batch: ['gw2'], extra: BGP_EXTRA });
  await t.throwsAsync(worse.gates.afterBatch({ ...worse.ctx, changed: ['gw2'] }), { message: /keepalived on gw2 is inactive.*\(still so after 30s\)/ });
});
