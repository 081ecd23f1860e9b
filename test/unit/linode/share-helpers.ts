// The linode_ip_share role run by the real engine (hosts are local folders reached through sh:
// the role itself only talks to the fake Linode API on 127.0.0.1).
import { definePlaybook } from 'ts-play';
import { linodeIpShare } from '../../../roles/linode_ip_share/index.ts';
import { gatewayAccount, type FakeAccount } from '../../helpers/linode-account.ts';
import { startFake, type FakeLinodeApi } from '../../helpers/linode-fake.ts';
import { LocalHosts, taskEvents } from '../../helpers/engine-harness.ts';
import type { EngineEvent } from '../../../src/engine/events.ts';

export const TOKEN = 'fake-token-0123456789abcdef';
/** Pair ams-1 of the fake account: 1001 holds 203.0.113.101 (its additional IPv4), 1002 is the other side. */
export const A = { host: 'gw-ams-1-a', id: 1001 };
export const B = { host: 'gw-ams-1-b', id: 1002 };
export const SHARED = '203.0.113.101';

export async function fakeApi(t: { teardown(fn: () => unknown): void }, account: FakeAccount = gatewayAccount()): Promise<FakeLinodeApi> {
  const fake = await startFake(account, TOKEN);
  t.teardown(() => fake.stop());
  return fake;
}

export function pairHosts(fake: FakeLinodeApi, over: Record<string, unknown> = {}): LocalHosts {
  const vars = (self: typeof A, peer: typeof A) => ({
    linode_ip_share: true,
    linode_token: TOKEN,
    linode_api_url: fake.url,
    linode_id: self.id,
    linode_peer_id: peer.id,
    linode_peer_label: peer.host,
    wan_vip: `${SHARED}/24`,
    ...over,
  });
  return new LocalHosts([A.host, B.host], { gateways: [A.host, B.host] }, { [A.host]: vars(A, B), [B.host]: vars(B, A) });
}

export const shareBook = (hosts = 'gateways') => definePlaybook([{ name: 'linode', hosts, serial: 1, roles: [linodeIpShare()] }]);

export function outcome(events: EngineEvent[]): Array<[string, string, string]> {
  return taskEvents(events).map((e) => [e.host, e.module, e.status]);
}
