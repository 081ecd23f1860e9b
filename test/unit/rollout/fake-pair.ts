// The pair as the gates see it, from recorded outputs behind FakeConnections, and a hook context
// around it: shared by the gate tests.
import { FakeConnection } from '../../../src/connection/fake.ts';
import { UnreachableError } from '../../../src/connection/types.ts';
import type { BatchContext, Play } from '../../../src/engine/play.ts';
import { gatewayPair } from '../../../src/rollout/index.ts';
import type { Clock } from '../../../src/rollout/wait.ts';
import { defaults as keepalivedDefaults } from '../../../roles/keepalived/defaults.ts';
import { defaults as healthcheckDefaults } from '../../../roles/healthcheck/defaults.ts';
import { defaults as conntrackdDefaults } from '../../../roles/conntrackd/defaults.ts';
import { BGP_PROBE } from '../../../src/facts/bgp.ts';
import { ADDR_BACKUP, ADDR_HOLDER, conntrackdStats, HA_CHECK_LOG, states, units } from './recorded.ts';

export interface NodeScript {
  addr: string | (() => string);
  keepalived?: string;
  conntrackd?: string;
  group?: string | (() => string);
  check?: number;
  caches?: [number, number];
  /** bgp mode: what the node announces and its sessions' states. */
  bgp?: { announces: string; sessions: Record<string, string> | (() => Record<string, string>) };
  /** `ip addr` fails with this stderr. */
  addrFails?: string;
}

/** A gateway answering the gates' read commands from recorded outputs. */
export function node(host: string, n: NodeScript): FakeConnection {
  const val = <T>(v: T | (() => T)) => (typeof v === 'function' ? (v as () => T)() : v);
  const [internal, external] = n.caches ?? [2, 2];
  const c = new FakeConnection(host);
  // vtysh's JSON has many more fields per neighbor; the gates read bgpState.
  const bgp = n.bgp;
  if (bgp) c.on(BGP_PROBE.argv, () => ({ stdout: `announces ${bgp.announces}\n${JSON.stringify(Object.fromEntries(Object.entries(val(bgp.sessions)).map(([p, st]) => [p, { remoteAs: 65000, bgpState: st }])))}` }));
  return c
    .on(['ip', '-o', '-4', 'addr', 'show'], () => (n.addrFails ? { code: 1, stderr: n.addrFails } : { stdout: val(n.addr) }))
    .on(['systemctl', 'show'], { stdout: units(n.keepalived ?? 'active', n.conntrackd ?? 'active') })
    .on(['sh', '-c'], () => ({ stdout: n.group === undefined ? '' : states(val(n.group)) }))
    .on(['setpriv'], { code: n.check ?? 0 })
    .on(['journalctl'], { stdout: HA_CHECK_LOG })
    .on(['conntrackd'], n.conntrackd === 'absent' ? { code: 127, stderr: 'sh: conntrackd: not found' } : { stdout: conntrackdStats(internal, external) });
}

const LAB: Record<string, Record<string, unknown>> = {
  gw1: { lan_vip: '198.18.1.1/24', wan_vip: '198.19.0.1/24', node_role_preferred: 'master', keepalived_priority: 150, keepalived_peer_priority: 100, keepalived_preempt_delay: 30 },
  gw2: { lan_vip: '198.18.1.1/24', wan_vip: '198.19.0.1/24', node_role_preferred: 'backup', keepalived_priority: 100, keepalived_peer_priority: 150, keepalived_preempt_delay: 30 },
};

/** Time passes only when the gate sleeps: waits are exact and instant. */
export function fakeClock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}

export function setup(conns: Record<string, FakeConnection | 'down'>, o: { batch?: string[]; check?: boolean; extra?: Record<string, unknown> } = {}) {
  const clock = fakeClock();
  const gates = gatewayPair({ defaults: { ...keepalivedDefaults, ...healthcheckDefaults, ...conntrackdDefaults }, clock });
  const logs: string[] = [];
  const hosts = Object.keys(conns);
  const ctx: BatchContext = {
    play: { name: 'gateways', hosts: 'gateways', roles: [] } as Play,
    batch: o.batch ?? [hosts[0]!],
    allHosts: hosts,
    index: 0,
    total: hosts.length,
    check: o.check ?? false,
    connect: async (h) => {
      const c = conns[h];
      if (!c || c === 'down') throw new UnreachableError(h, 'connect ETIMEDOUT 198.18.0.11:22');
      return c;
    },
    vars: (h) => ({ ...LAB[h], ...o.extra }),
    log: (m) => logs.push(m),
  };
  return { gates, ctx, logs, clock };
}

export const healthyPair = () => ({
  gw1: node('gw1', { addr: ADDR_HOLDER, group: 'MASTER', caches: [120, 0] }),
  gw2: node('gw2', { addr: ADDR_BACKUP, group: 'BACKUP', caches: [0, 118] }),
});
