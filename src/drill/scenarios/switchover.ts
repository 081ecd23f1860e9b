import { analyzeSwitch, summarize } from '../analyze.ts';
import { DrillError, sleep, waitFor } from '../exec.ts';
import { groupState, holdsAll, keepalived } from '../lab-control.ts';
import { type DrillContext, measure } from '../window.ts';
import { annotateTakeovers, worstHold } from '../takeover.ts';
import type { Scenario, ScenarioParams, ScenarioResult } from './types.ts';

/**
 * N soft failovers in a row, alternating: stop keepalived on whoever holds the
 * VIPs (it sends priority 0), wait for the peer to hold them, start it again
 * and wait until it is BACKUP. An even N ends on the preferred master. Every
 * probe runs across all switches: one TCP session, one UDP stream.
 */
export async function switchSeries(ctx: DrillContext, count: number, settleS: number): Promise<Awaited<ReturnType<Scenario['run']>>> {
  const { master, backup, vips } = ctx.target;
  const perSwitch = 6 + 2 * settleS;
  const seconds = 3 + count * perSwitch;
  const planned: { what: string; t: number; to: string }[] = [];
  const notes: string[] = [];
  const m = await measure(ctx, seconds, { ping: true, iperf: true, echo: true, udp: true, parity: true }, async (fault) => {
    await sleep(2000);
    let holder = master;
    const windowEnd = Date.now() + seconds * 1000 - 1500;
    for (let i = 0; i < count; i++) {
      const to = holder === master ? backup : master;
      if (Date.now() + perSwitch * 1000 > windowEnd) {
        notes.push(`stopped after ${i} of ${count} switches: the probe window (${seconds} s) was used up`);
        break;
      }
      if (!(await holdsAll(ctx, holder))) throw new DrillError(`disturbed: ${holder} no longer holds every VIP before switch ${i + 1} (another user of the lab?)`);
      const what = `switch ${i + 1}: stop keepalived on ${holder}`;
      ctx.log(what);
      const t = Date.now();
      fault(what);
      planned.push({ what, t, to });
      await keepalived(ctx, holder, 'stop');
      if (!(await waitFor(() => holdsAll(ctx, to), 10_000, 20))) throw new DrillError(`${what}: ${to} did not take every VIP within 10 s`);
      await sleep(settleS * 1000);
      await keepalived(ctx, holder, 'start');
      if (!(await waitFor(async () => (await groupState(ctx, holder)) === 'BACKUP', 15_000, 100))) {
        throw new DrillError(`${holder} did not come back as BACKUP within 15 s after keepalived started`);
      }
      await sleep(settleS * 1000);
      holder = to;
    }
  });
  const switches = planned.map((p) => analyzeSwitch(m, p.what, p.t, p.to, vips));
  await annotateTakeovers(ctx, m, switches);
  const metrics = summarize([m], switches, master, backup);
  const hold = worstHold(switches);
  if (hold !== undefined) metrics.holdMs = hold;
  return { metrics, switches, runs: [m], notes };
}

export const soft: Scenario = {
  name: 'soft',
  title: 'Soft failover: keepalived stopped on the master, then back',
  defaults: { switches: 2, settle: 2 },
  run: (ctx, p: ScenarioParams) => switchSeries(ctx, Number(p.switches), Number(p.settle)),
};

export const tcp: Scenario = {
  name: 'tcp',
  title: 'Stateful TCP and UDP across 20 consecutive failovers',
  defaults: { switches: 20, settle: 2 },
  run: (ctx, p: ScenarioParams) => switchSeries(ctx, Number(p.switches), Number(p.settle)),
};

export type SwitchResult = Pick<ScenarioResult, 'metrics' | 'switches' | 'runs' | 'notes'>;
