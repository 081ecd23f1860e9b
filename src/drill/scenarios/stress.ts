import { analyzeSwitch, percentile, summarize } from '../analyze.ts';
import { DrillError, agentScript, sleep, streamIn, waitFor } from '../exec.ts';
import { converge, holdsAll, keepalived, resyncBackup } from '../lab-control.ts';
import { parseEntries } from '../probes/conntrack.ts';
import { PORTS, measure } from '../window.ts';
import type { Scenario } from './types.ts';
import { annotateTakeovers } from '../takeover.ts';

interface Phase {
  phase: 'opened' | 'before' | 'after';
  opened?: number;
  failed?: number;
  created?: [number, number][];
  alive?: number;
  resets?: number;
  timeouts?: number;
}

/** Per connection: ms from its creation on the client to its first sighting in the backup's external cache. */
export function syncLatencies(created: readonly [number, number][], firstSeen: ReadonlyMap<number, number>): number[] {
  return created.map(([port, t]) => {
    const s = firstSeen.get(port);
    return s === undefined ? Infinity : Math.max(0, s - t);
  });
}

/**
 * N concurrent TCP connections from the client through the master, held open;
 * the backup's external cache is polled to time each one's sync; then a soft
 * failover with all of them live, and one echo on each afterwards.
 */
export const stress: Scenario = {
  name: 'stress',
  title: 'Stress: 10,000 concurrent NAT connections, sync latency, failover with all live',
  defaults: { connections: 10000, rate: 2000 },
  async run(ctx, p) {
    const tg = ctx.target;
    const n = Number(p.connections);
    const rate = Number(p.rate);
    const openS = n / rate;
    const seconds = Math.ceil(openS + 45);
    const trigger = '/tmp/tsp-drill-trigger';
    const phases: Phase[] = [];
    const firstSeen = new Map<number, number>();
    const coverage: { t: number; v: number }[] = [];
    const notes: string[] = [];
    let faultAt = 0;
    try {
      const m = await measure(ctx, seconds, { ping: true, parity: true }, async (fault) => {
        const holder = ctx.exec(tg.server, ['python3', '-c', agentScript('server'), 'tcp-echo', String(PORTS.stress), String(seconds)], seconds + 5);
        await ctx.exec(tg.client, ['rm', '-f', trigger], 5);
        await sleep(600);
        const load = streamIn(tg.client, ['python3', '-c', agentScript('client'), 'load', tg.serverAddr, String(PORTS.stress), String(n), String(rate), trigger, String(seconds)], seconds + 5, (l) => {
          try {
            phases.push(JSON.parse(l) as Phase);
          } catch { /* not a phase line */ }
        });
        const opened = (): Phase | undefined => phases.find((x) => x.phase === 'opened');
        // Poll the backup's external cache until every opened connection was seen (or 10 s after opening).
        const pollEnd = () => (opened() ? Date.now() > (openedAt ?? Date.now()) + 10_000 : Date.now() > start + (openS + 20) * 1000);
        const start = Date.now();
        let openedAt: number | undefined;
        while (!pollEnd()) {
          const r = await ctx.exec(tg.backup, ['conntrackd', '-C', tg.conntrackdConfig, '-e'], 10);
          const t = Date.now();
          for (const e of parseEntries(r.stdout)) {
            if (e.proto === 'tcp' && e.dport === PORTS.stress && e.sport !== undefined && !firstSeen.has(e.sport)) firstSeen.set(e.sport, t);
          }
          coverage.push({ t, v: firstSeen.size });
          const o = opened();
          if (o && openedAt === undefined) openedAt = Date.now();
          if (o && (o.created ?? []).every(([port]) => firstSeen.has(port))) break;
          await sleep(100);
        }
        if (!opened()) throw new DrillError(`stress: the load generator did not report its ${n} connections within ${Math.round(openS + 20)} s`);
        await waitFor(async () => phases.some((x) => x.phase === 'before'), 15_000);
        faultAt = Date.now();
        fault(`stop keepalived on ${tg.master} with ${opened()!.opened} connections open`);
        await keepalived(ctx, tg.master, 'stop');
        if (!(await waitFor(() => holdsAll(ctx, tg.backup), 10_000, 20))) throw new DrillError(`stress: ${tg.backup} did not take the VIPs within 10 s`);
        await sleep(2000);
        await ctx.exec(tg.client, ['touch', trigger], 5);
        await waitFor(async () => phases.some((x) => x.phase === 'after'), 20_000);
        await ctx.exec(tg.client, ['touch', trigger], 5);
        await Promise.all([load, holder]);
      });
      const o = phases.find((x) => x.phase === 'opened');
      const before = phases.find((x) => x.phase === 'before');
      const after = phases.find((x) => x.phase === 'after');
      const lat = syncLatencies(o?.created ?? [], firstSeen);
      const finite = lat.filter((x) => Number.isFinite(x)).map((x) => Math.round(x));
      const sw = faultAt ? [analyzeSwitch(m, m.faults[0]?.what ?? 'failover', faultAt, tg.backup, tg.vips)] : [];
      await annotateTakeovers(ctx, m, sw);
      const metrics = summarize([m], sw, tg.master, tg.backup);
      metrics.connections = o?.opened ?? 0;
      if (lat.length) {
        metrics.parityWithin2sPct = Math.round((10000 * lat.filter((x) => x <= 2000).length) / lat.length) / 100;
        metrics.syncLatencyP50Ms = percentile(finite, 50);
        metrics.syncLatencyP99Ms = percentile(finite, 99);
        metrics.syncLatencyMaxMs = finite.length ? Math.max(...finite) : undefined;
        metrics.syncParityPct = Math.round((10000 * finite.length) / lat.length) / 100;
      }
      if (after) metrics.aliveAfterFailover = after.alive;
      metrics.tcpResets = after?.resets ?? 0;
      metrics.tcpDropped = (o?.opened ?? 0) - (after?.alive ?? 0);
      notes.push(`opened ${o?.opened ?? 0} of ${n} (failed ${o?.failed ?? 0}); echo before failover: ${before?.alive ?? '?'} alive, ${before?.resets ?? '?'} reset, ${before?.timeouts ?? '?'} timed out; after: ${after?.alive ?? '?'} alive, ${after?.resets ?? '?'} reset, ${after?.timeouts ?? '?'} timed out`);
      notes.push(`sync latency is measured by polling the backup's external cache (conntrackd -e); resolution = one poll (dump of ${n} entries)`);
      return {
        metrics, switches: sw, runs: [m], notes,
        series: { 'synced connections': coverage.map((c) => ({ t: c.t, v: c.v })), 'created connections': (o?.created ?? []).filter((_, i) => i % 50 === 0).map(([, t], i) => ({ t, v: i * 50 })) },
      };
    } finally {
      await ctx.exec(tg.client, ['touch', trigger], 5);
      await converge(ctx);
      await resyncBackup(ctx);
    }
  },
};
