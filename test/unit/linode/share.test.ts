import test from 'ava';
import { taskEvents } from '../../helpers/engine-harness.ts';
import { PlanError } from '../../../src/engine/plan.ts';
import { linodeIpShareGate } from '../../../roles/linode_ip_share/index.ts';
import { A, B, SHARED, fakeApi, outcome, pairHosts, shareBook } from './share-helpers.ts';

test('the pair address is shared with the other instance once; a second run sends no POST', async (t) => {
  const fake = await fakeApi(t);
  const hosts = pairHosts(fake);
  const first = await hosts.run(shareBook());
  t.deepEqual(outcome(first.events), [
    [A.host, 'linode_ip_share', 'changed'],
    [A.host, 'linode_vlan', 'ok'],
    [B.host, 'linode_ip_share', 'ok'],
    [B.host, 'linode_vlan', 'ok'],
  ]);
  t.deepEqual(fake.writes().map((w) => [w.path, w.body]), [['/networking/ips/share', { linode_id: B.id, ips: [SHARED] }]]);
  t.deepEqual(fake.account.shared.get(B.id), [SHARED]);
  const ev = taskEvents(first.events)[0]!;
  t.is(ev.reason, `share ${SHARED} (assigned to ${A.host}, linode ${A.id}) with ${B.host} (linode ${B.id})`);
  t.deepEqual(ev.diffs, [{ path: `linode ${B.id} (${B.host}): addresses shared with it`, before: '', after: `${SHARED}\n` }]);

  const second = await hosts.run(shareBook());
  t.deepEqual(outcome(second.events).map(([, , s]) => s), ['ok', 'ok', 'ok', 'ok']);
  t.is(fake.writes().length, 1, 'no POST on the second run');
  t.is(hosts.conns.get(A.host)!.roundTrips, 1, 'facts only: the role sends nothing over SSH');
});

test('check mode reads and reports the change, and sends no write', async (t) => {
  const fake = await fakeApi(t);
  const r = await pairHosts(fake).run(shareBook(), { check: true });
  t.deepEqual(outcome(r.events).map(([h, m, s]) => `${h} ${m} ${s}`), [`${A.host} linode_ip_share changed`, `${A.host} linode_vlan ok`, `${B.host} linode_ip_share changed`, `${B.host} linode_vlan ok`]);
  t.deepEqual(fake.writes(), []);
  t.true(fake.seen.every((s) => s.method === 'GET'));
});

// Whichever side runs the task, the address stays on its owner and is shared with the other one.
for (const side of [A, B]) {
  test(`run on ${side.host} alone, the share goes to the side that does not hold the address`, async (t) => {
    const fake = await fakeApi(t);
    await pairHosts(fake).run(shareBook(side.host));
    t.deepEqual(fake.writes().map((w) => w.body), [{ linode_id: B.id, ips: [SHARED] }]);
  });
}

test('addresses and IPv6 ranges already shared with the instance are kept', async (t) => {
  const fake = await fakeApi(t);
  fake.account.shared.set(B.id, ['203.0.113.5']);
  fake.account.ranges.set('2600:3c00:e000:3a1::', { region: 'nl-ams', prefix: 64, linodes: [A.id, B.id] });
  fake.account.ranges.set('2600:3c00:e000:3a2::', { region: 'nl-ams', prefix: 64, linodes: [1003] });
  await pairHosts(fake).run(shareBook());
  t.deepEqual(fake.writes().map((w) => w.body), [{ linode_id: B.id, ips: ['203.0.113.5', '2600:3c00:e000:3a1::', SHARED] }]);
});

test('linode_share_exclusive unshares what else is shared, and says so', async (t) => {
  const fake = await fakeApi(t);
  fake.account.shared.set(B.id, ['203.0.113.5', SHARED]);
  const r = await pairHosts(fake, { linode_share_exclusive: true }).run(shareBook(A.host));
  const ev = taskEvents(r.events)[0]!;
  t.is(ev.reason, `keep ${SHARED} (assigned to ${A.host}, linode ${A.id}) shared with ${B.host} (linode ${B.id}); unshare 203.0.113.5 from it (linode_share_exclusive)`);
  t.deepEqual(fake.account.shared.get(B.id), [SHARED]);
});

test('an address on neither instance fails the task and changes nothing', async (t) => {
  const fake = await fakeApi(t);
  const r = await pairHosts(fake, { wan_vip: '203.0.113.5/24' }).run(shareBook());
  const ev = taskEvents(r.events)[0]!;
  t.is(ev.status, 'failed');
  t.regex(ev.reason!, /^203\.0\.113\.5 is assigned to neither gw-ams-1-a \(linode 1001\) nor gw-ams-1-b \(linode 1002\): assign it to one of them first/);
  t.deepEqual(fake.writes(), []);
  t.regex(r.stopped ?? '', /1 of 1 host/);
});

test('a read that fails halfway sends no write and names the request', async (t) => {
  const fake = await fakeApi(t);
  fake.fault((s) => s.path === `/linode/instances/${B.id}/ips`, { status: 503, headers: { 'retry-after': '600' } });
  const r = await pairHosts(fake).run(shareBook(A.host));
  const ev = taskEvents(r.events)[0]!;
  t.is(ev.status, 'failed');
  t.regex(ev.reason!, /^GET \/v4\/linode\/instances\/1002\/ips: 503 /);
  t.deepEqual(fake.writes(), []);
});

test('a share the API refuses fails the task, names the request and leaves the shares as they were', async (t) => {
  const fake = await fakeApi(t);
  fake.account.shared.set(B.id, ['203.0.113.5']);
  fake.fault((s) => s.method === 'POST', { status: 500, headers: { 'retry-after': '600' } });
  const r = await pairHosts(fake).run(shareBook(A.host));
  const ev = taskEvents(r.events)[0]!;
  t.is(ev.status, 'failed');
  t.is(ev.reason, `POST /v4beta/networking/ips/share {"linode_id":1002,"ips":["203.0.113.5","${SHARED}"]}: 500 fault 500 (gave up after 1 attempt: Retry-After asks for 600 s, more than the 60 s left of the 60 s retry budget)`);
  t.deepEqual(fake.account.shared.get(B.id), ['203.0.113.5']);
});

test('an instance without a VLAN interface, or with one in a profile it did not boot, fails the VLAN check', async (t) => {
  const fake = await fakeApi(t);
  fake.account.byId(A.id)!.configs[0]!.interfaces = [{ purpose: 'public', label: null, ipam_address: null, active: true }];
  const cfg = fake.account.byId(B.id)!.configs[0]!;
  cfg.interfaces![1]!.active = false;
  // Both hosts at once, and a failure does not stop the other: both findings show.
  const book = { plays: [{ ...shareBook().plays[0]!, serial: 2, maxFailPercentage: 100 }] };
  const r = await pairHosts(fake).run(book);
  const failed = taskEvents(r.events).filter((e) => e.module === 'linode_vlan').map((e) => e.reason).sort();
  t.deepEqual(failed, [
    `${A.host} (linode ${A.id}) has no VLAN interface: add one (purpose vlan) to the configuration profile it boots with, then reboot it; the pair's LAN VIP and conntrackd sync run over it`,
    `${B.host} (linode ${B.id}): VLAN lan-ams-1 is in configuration profile 'My Debian 12 Disk Profile', which the instance did not boot with: reboot it with that profile`,
  ]);
});

test('variables are checked before anything runs: token, ids, address', async (t) => {
  const fake = await fakeApi(t);
  delete process.env.LINODE_TOKEN;
  const e = await t.throwsAsync(pairHosts(fake, { linode_token: '', linode_peer_id: A.id, wan_vip: '' }).run(shareBook(A.host)), { instanceOf: PlanError });
  t.deepEqual(e!.message.split('\n'), [
    `${A.host}: role linode_ip_share: linode_token is empty and LINODE_TOKEN is not set: the Linode API needs a token (docs/linode.md)`,
    `${A.host}: role linode_ip_share: linode_peer_id is this instance's own id (1001): it must name the other instance of the pair`,
    `${A.host}: role linode_ip_share: linode_shared_ipv4 (or wan_vip) must give the pair's shared public IPv4, got ""`,
  ]);
  t.deepEqual(fake.seen, []);
});

test('without linode_ip_share the role and the gate do nothing: a lab or another cloud can share the playbook', async (t) => {
  const fake = await fakeApi(t);
  const off = { linode_ip_share: false, linode_token: '', linode_id: 0, linode_peer_id: 0, wan_vip: '' };
  const book = { plays: [{ ...shareBook().plays[0]!, afterBatch: linodeIpShareGate }] };
  const r = await pairHosts(fake, off).run(book);
  t.deepEqual(taskEvents(r.events), []);
  t.is(r.stopped, undefined);
  t.deepEqual(fake.seen, []);
});
