import test from 'ava';
import { definePlaybook } from 'ts-play';
import { GateError } from '../../../src/rollout/wait.ts';
import { linodeIpShare, linodeIpShareGate } from '../../../roles/linode_ip_share/index.ts';
import { A, B, SHARED, TOKEN, fakeApi, pairHosts } from './share-helpers.ts';
import type { FakeLinodeApi } from '../../helpers/linode-fake.ts';

function ctx(fake: FakeLinodeApi, batch: string[], over: Record<string, unknown> = {}) {
  const vars = (self: typeof A, peer: typeof A) => ({ linode_ip_share: true, linode_token: TOKEN, linode_api_url: fake.url, linode_id: self.id, linode_peer_id: peer.id, linode_peer_label: peer.host, wan_vip: `${SHARED}/24`, ...over });
  const all: Record<string, Record<string, unknown>> = { [A.host]: vars(A, B), [B.host]: vars(B, A) };
  const log: string[] = [];
  return { batch, vars: (h: string) => all[h] ?? {}, log: (m: string) => log.push(m), logged: log };
}

test('the gate stops a pair whose address is not shared, naming both instances', async (t) => {
  const fake = await fakeApi(t);
  const e = await t.throwsAsync(linodeIpShareGate(ctx(fake, [A.host])), { instanceOf: GateError });
  t.is(
    e!.message,
    `the Linode pair cannot fail over: ${SHARED} (assigned to ${A.host}, linode ${A.id}) is not shared with ${B.host} (linode ${B.id}): run the rollout (the linode_ip_share role shares it) or share it in Cloud Manager`,
  );
  t.true(fake.seen.every((s) => s.method === 'GET'));
});

test('the gate passes a shared pair with VLANs, reading each pair once', async (t) => {
  const fake = await fakeApi(t);
  fake.account.shared.set(B.id, [SHARED]);
  const c = ctx(fake, [A.host, B.host]);
  await linodeIpShareGate(c);
  t.deepEqual(c.logged, [`Linode: ${SHARED} is shared between ${A.host} and ${B.host}, and both have a VLAN interface`]);
  t.is(fake.seen.filter((s) => s.path.endsWith('/ips')).length, 2);
});

test('the gate names an instance without a VLAN, and bad variables by host', async (t) => {
  const fake = await fakeApi(t);
  fake.account.shared.set(B.id, [SHARED]);
  fake.account.byId(B.id)!.configs[0]!.interfaces!.pop();
  const e = await t.throwsAsync(linodeIpShareGate(ctx(fake, [A.host])));
  t.regex(e!.message, /: gw-ams-1-b \(linode 1002\) has no VLAN interface: add one/);
  const e2 = await t.throwsAsync(linodeIpShareGate(ctx(fake, [A.host], { linode_peer_id: undefined })));
  t.is(e2!.message, `the Linode pair cannot fail over: ${A.host}: linode_peer_id must be a Linode instance id (a positive whole number), got nothing`);
});

test('as an after-batch gate: check mode on an unshared pair stops after the first node; a real run passes', async (t) => {
  const fake = await fakeApi(t);
  const book = definePlaybook([{ name: 'linode', hosts: 'gateways', serial: 1, afterBatch: linodeIpShareGate, roles: [linodeIpShare()] }]);
  const hosts = pairHosts(fake);
  const check = await hosts.run(book, { check: true });
  t.regex(check.stopped ?? '', /^gate after batch 1 failed: the Linode pair cannot fail over: 203\.0\.113\.101 \(assigned to gw-ams-1-a, linode 1001\) is not shared with gw-ams-1-b/);
  t.deepEqual(fake.writes(), []);
  const real = await hosts.run(book);
  t.is(real.stopped, undefined);
  t.is(fake.writes().length, 1);
});
