import { summarize } from '../analyze.ts';
import { DrillError, agentScript, sleep, streamIn } from '../exec.ts';
import { converge, resyncBackup } from '../lab-control.ts';
import { cutPaths, healPaths, partitionDrops, partitionFigures, type Cut } from '../partition.ts';
import { parseEntries } from '../probes/conntrack.ts';
import { PORTS, measure, type DrillContext } from '../window.ts';
import type { Metrics, Scenario, ScenarioParams } from './types.ts';

interface LoadPhase {
  phase: 'opened' | 'before' | 'after';
  opened?: number;
  created?: [number, number][];
  alive?: number;
  resets?: number;
  timeouts?: number;
}

/** Flows the backup's external cache holds among `ports` (the load's source ports). */
async function syncedOnBackup(ctx: DrillContext, ports: ReadonlySet<number>): Promise<number> {
  const r = await ctx.exec(ctx.target.backup, ['conntrackd', '-C', ctx.target.conntrackdConfig, '-e'], 10);
  return parseEntries(r.stdout).filter((e) => e.proto === 'tcp' && e.dport === PORTS.stress && e.sport !== undefined && ports.has(e.sport)).length;
}

/**
 * A partition between the gateways for `seconds`, then healed for `heal` seconds, under
 * traffic: pings through the VIPs, one interactive TCP session, and `flows` TCP connections
 * opened through the NAT while the cut lasts and echoed on after the heal. What it costs:
 * time with two VIP holders (split brain), time to one holder after the heal, pings lost,
 * connections that did not survive, and for a cut sync link the flows the backup missed and
 * how long after the heal it had them. The report adds the alerts that fired.
 */
async function partition(ctx: DrillContext, p: ScenarioParams, cut: Cut) {
  checkPartitionParams(p);
  const tg = ctx.target;
  const seconds = Number(p.seconds);
  const heal = Number(p.heal);
  const flows = Number(p.flows);
  const window = seconds + heal + 5;
  const trigger = '/tmp/tsp-drill-partition-trigger';
  const notes: string[] = [];
  const phases: LoadPhase[] = [];
  let cutAt = 0;
  let healAt = 0;
  let missedAtHeal: number | undefined;
  let resyncedAfterMs: number | undefined;
  try {
    await ctx.exec(tg.client, ['rm', '-f', trigger], 5);
    const m = await measure(ctx, window, { ping: true, echo: true, parity: true }, async (fault) => {
      const holder = ctx.exec(tg.server, ['python3', '-c', agentScript('server'), 'tcp-echo', String(PORTS.stress), String(window + 5)], window + 10);
      await sleep(2000);
      notes.push(await cutPaths([tg.master, tg.backup], cut));
      cutAt = Date.now();
      fault(`partition: ${cut.vrrp ? 'VRRP' : ''}${cut.vrrp && cut.sync ? ' + ' : ''}${cut.sync ? 'sync' : ''} cut`);
      const load = streamIn(tg.client, ['python3', '-c', agentScript('client'), 'load', tg.serverAddr, String(PORTS.stress), String(flows), String(Math.max(1, flows / Math.max(1, seconds / 2))), trigger, String(window)], window + 10, (l) => {
        try {
          phases.push(JSON.parse(l) as LoadPhase);
        } catch { /* not a phase line */ }
      });
      await sleep(seconds * 1000);
      const ports = new Set((phases.find((x) => x.phase === 'opened')?.created ?? []).map(([port]) => port));
      if (ports.size) missedAtHeal = ports.size - (await syncedOnBackup(ctx, ports));
      const drops = await partitionDrops();
      notes.push(`dropped by the cut: ${Object.entries(drops).map(([c, n]) => `${c} ${n}`).join(', ') || 'nothing'}`);
      await healPaths();
      healAt = Date.now();
      fault('partition healed');
      // The backup catching up with the flows opened during the cut (sync cut only).
      while (ports.size && missedAtHeal && Date.now() - healAt < heal * 1000) {
        if ((await syncedOnBackup(ctx, ports)) === ports.size) {
          resyncedAfterMs = Date.now() - healAt;
          break;
        }
        await sleep(250);
      }
      await sleep(Math.max(0, heal * 1000 - (Date.now() - healAt)));
      await ctx.exec(tg.client, ['touch', trigger], 5);
      await Promise.all([load, holder]);
    });
    const fig = partitionFigures(m.vipEvents, tg.vips, m.startMs, m.endMs, cutAt, healAt);
    const opened = phases.find((x) => x.phase === 'opened');
    const after = phases.find((x) => x.phase === 'after');
    const metrics: Metrics = {
      ...summarize([m], [], tg.master, tg.backup),
      splitBrainS: fig.splitBrainS,
      ...(fig.splitBrainAfterMs !== undefined ? { splitBrainAfterMs: fig.splitBrainAfterMs } : {}),
      ...(fig.healedAfterMs !== undefined ? { healedAfterMs: fig.healedAfterMs } : {}),
      failovers: fig.vipMoves,
      connections: opened?.opened ?? 0,
      ...(after ? { aliveAfterFailover: after.alive ?? 0 } : {}),
      ...(missedAtHeal !== undefined ? { missedByBackup: missedAtHeal } : {}),
      ...(resyncedAfterMs !== undefined ? { resyncedAfterMs } : {}),
    };
    if (fig.healedAfterMs === undefined) notes.push(`a VIP was still held by ${fig.splitBrainS > 0 ? 'both gateways or ' : ''}no single gateway at the end of the window`);
    notes.push(`${opened?.opened ?? 0} connections opened through the NAT during the cut; after the heal ${after?.alive ?? '?'} answered, ${after?.resets ?? '?'} were reset, ${after?.timeouts ?? '?'} timed out`);
    if (missedAtHeal !== undefined) notes.push(`the backup's external cache lacked ${missedAtHeal} of them when the cut was healed${resyncedAfterMs !== undefined ? `, and held all of them ${resyncedAfterMs} ms later` : ''}`);
    return { metrics, switches: [], runs: [m], notes };
  } finally {
    await healPaths();
    await ctx.exec(tg.client, ['touch', trigger], 5).catch(() => undefined);
    await converge(ctx);
    await resyncBackup(ctx);
  }
}

const defaults = { seconds: 90, heal: 45, flows: 200 };

export const partitionVrrp: Scenario = {
  name: 'partition-vrrp',
  title: 'Partition: VRRP path cut, sync link up (split brain)',
  defaults,
  run: (ctx, p) => partition(ctx, p, { vrrp: true, sync: false }),
};

export const partitionSync: Scenario = {
  name: 'partition-sync',
  title: 'Partition: sync link cut, VRRP up (state not replicated)',
  defaults,
  run: (ctx, p) => partition(ctx, p, { vrrp: false, sync: true }),
};

export const partitionBoth: Scenario = {
  name: 'partition-both',
  title: 'Partition: VRRP path and sync link cut (split brain without state sync)',
  defaults,
  run: (ctx, p) => partition(ctx, p, { vrrp: true, sync: true }),
};

/** For scenario parameters given on the command line (`--set partition-vrrp.seconds=60`). */
export function checkPartitionParams(p: ScenarioParams): void {
  for (const k of ['seconds', 'heal', 'flows'] as const) {
    if (!(Number(p[k]) > 0)) throw new DrillError(`partition: ${k} must be a positive number, got ${JSON.stringify(p[k])}`);
  }
}
