import test from 'ava';
import { parseRouteLine, routeMovedAt } from '../../src/drill/probes/route-watch.ts';
import { parseTakeovers } from '../../src/drill/probes/journal.ts';

const GW = { '2001:2:0:10::11': 'gw1', '2001:2:0:10::12': 'gw2' };

// Lines as `ip -ts -o monitor route` printed them in rs1's namespace (TZ=UTC), BIRD installing
// the best path with an IPv6 next hop for the IPv4 /32, then the peer's after a failover.
test('route monitor lines: the shared /32 and which gateway it points at, deletions, other routes ignored', (t) => {
  const a = parseRouteLine('[2026-12-01T07:16:17.860123] 198.19.0.1 via inet6 2001:2:0:10::12 dev wan proto bird metric 32 ', '198.19.0.1/32', GW);
  t.deepEqual(a, { t: Date.UTC(2026, 11, 1, 7, 16, 17) + 860.123, via: 'gw2' });
  const d = parseRouteLine('[2026-12-01T07:16:17.850000] Deleted 198.19.0.1 via inet6 2001:2:0:10::11 dev wan proto bird metric 32 ', '198.19.0.1/32', GW);
  t.is(d?.via, undefined);
  t.is(parseRouteLine('[2026-12-01T07:16:17.850000] 198.19.1.0/24 dev inet proto kernel scope link src 198.19.1.1', '198.19.0.1/32', GW), undefined);
  const events = [{ t: 100, via: 'gw1' }, { t: 200, via: undefined }, { t: 260, via: 'gw2' }];
  t.is(routeMovedAt(events, 'gw2', 150), 260);
  t.is(routeMovedAt(events, 'gw2', 300), undefined);
});

test('journal: the announcement as primary after MASTER is read from ha-bgp', (t) => {
  const j = [
    '1796109377.800000 gw2 Keepalived_vrrp[1]: (VI_WAN) Entering MASTER STATE',
    '1796109377.816172 gw2 ha-bgp[34341]: announcing as primary (VRRP MASTER)',
    '1796109377.820946 gw2 ha-notify[34344]: /usr/local/sbin/ha-hold off: ok',
  ].join('\n');
  const [tk] = parseTakeovers(j);
  t.is(Math.round(tk!.announcedAt! - tk!.masterAt), 16);
});
