import { M } from './metrics.ts';
import { ONSET, STEP, sel, type Labels, type Scenario, type Series } from './scenario-kit.ts';

// Promtool scenarios of the conntrackd sync alerts that issue 14 added (alert-scenarios.ts has the rest).

/**
 * The silent stall (field notes): on the backup, lost messages climb while the external cache
 * takes in nothing. Silent: a lossy link FTFW recovers from (the external cache still moves),
 * the same counters on the master, and an idle pair.
 */
export function stallScenarios(
  g: { n: number; k: number; windowS: number },
  gw1: Labels, gw2: Labels, inst: { lan: Labels; wan: Labels },
  steady: (v: number) => string, rampFrom: (base: number, inc: number) => string,
  vrrp: (node: Labels, i: Labels, values: string) => Series,
): Scenario[] {
  // Grows until just before ONSET, flat from then on.
  const stopsAt = (base: number, inc: number) => `${base}+${inc}x${g.k - 1} ${base + inc * (g.k - 1)}x${g.n - g.k}`;
  const events = (node: Labels, cache: string, event: string, values: string) => ({ series: sel(M.conntrackdEvents, { ...node, cache, event }), values });
  const roles = [vrrp(gw1, inst.lan, steady(2)), vrrp(gw1, inst.wan, steady(2)), vrrp(gw2, inst.lan, steady(1)), vrrp(gw2, inst.wan, steady(1))];
  const flowing = (node: Labels, cache: string) => [events(node, cache, 'created', rampFrom(100, 20)), events(node, cache, 'updated', rampFrom(400, 50))];
  const stalled = (node: Labels) => [events(node, 'external', 'created', stopsAt(100, 20)), events(node, 'external', 'updated', stopsAt(400, 50))];
  return [
    {
      alert: 'ConntrackdSyncStalled', name: 'backup loses messages and its external cache stops growing',
      series: [...roles, ...flowing(gw1, 'internal'), ...stalled(gw2), { series: sel(M.conntrackdLost, gw2), values: rampFrom(0, 3) }],
      // The first evaluation whose window no longer holds the external cache's last growth.
      onset: ONSET - 2 * STEP + g.windowS, slack: STEP, fires: [gw2],
    },
    {
      alert: 'ConntrackdSyncStalled', name: 'lossy sync link that FTFW recovers from (external cache still growing)',
      series: [...roles, ...flowing(gw1, 'internal'), ...flowing(gw2, 'external'), { series: sel(M.conntrackdLost, gw2), values: rampFrom(0, 3) }],
    },
    {
      alert: 'ConntrackdSyncStalled', name: 'lost messages on the master, whose external cache never grows',
      series: [...roles, ...stalled(gw1), { series: sel(M.conntrackdLost, gw1), values: rampFrom(0, 3) }],
    },
    {
      alert: 'ConntrackdSyncStalled', name: 'idle pair: nothing lost, nothing synced',
      series: [...roles, events(gw2, 'external', 'created', steady(5)), events(gw2, 'external', 'updated', steady(9)), { series: sel(M.conntrackdLost, gw2), values: steady(2) }],
    },
  ];
}

/** The sync link cut: the peer's alive messages stop arriving. Silent while they arrive, and on a node whose conntrackd is down. */
export function peerSilentScenarios(g: { n: number; k: number; windowS: number }, gw1: Labels, gw2: Labels, steady: (v: number) => string): Scenario[] {
  const N = g.n;
  const k = g.k;
  return [
    {
      alert: 'ConntrackdPeerSilent', name: 'the sync link is cut: gw2 receives nothing any more',
      series: [
        { series: sel(M.conntrackdUp, gw2), values: steady(1) },
        { series: sel(M.conntrackdPackets, { ...gw2, direction: 'received' }), values: `0+15x${k - 1} ${15 * (k - 1)}x${N - k}` },
        { series: sel(M.conntrackdPackets, { ...gw1, direction: 'received' }), values: `0+15x${N}` },
        { series: sel(M.conntrackdUp, gw1), values: steady(1) },
      ],
      onset: ONSET - 2 * STEP + g.windowS, slack: STEP, fires: [gw2],
    },
    {
      alert: 'ConntrackdPeerSilent', name: 'alive messages every second on both, and a node whose conntrackd is down (ConntrackdDown covers it)',
      series: [
        { series: sel(M.conntrackdPackets, { ...gw1, direction: 'received' }), values: `0+15x${N}` },
        { series: sel(M.conntrackdUp, gw1), values: steady(1) },
        { series: sel(M.conntrackdPackets, { ...gw2, direction: 'received' }), values: steady(40) },
        { series: sel(M.conntrackdUp, gw2), values: steady(0) },
      ],
    },
  ];
}
