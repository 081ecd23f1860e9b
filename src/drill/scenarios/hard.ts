import { analyzeSwitch, summarize } from '../analyze.ts';
import { DrillError, sleep, waitFor } from '../exec.ts';
import { converge, holdsAll, link, powerKill, reboot } from '../lab-control.ts';
import { type DrillContext, type Measured, measure } from '../window.ts';
import type { Scenario, ScenarioResult } from './types.ts';
import { annotateTakeovers, worstHold } from '../takeover.ts';

type Fault = 'wan' | 'lan' | 'kill';

const FAULTS: Record<Fault, { what: (h: string) => string; inject: (h: string) => Promise<void>; repair: (h: string) => Promise<void> }> = {
  wan: { what: (h) => `pull ${h}'s WAN cable`, inject: (h) => link(h, 'wan', false), repair: (h) => link(h, 'wan', true) },
  lan: { what: (h) => `pull ${h}'s LAN cable`, inject: (h) => link(h, 'lan', false), repair: (h) => link(h, 'lan', true) },
  kill: { what: (h) => `power-kill ${h}`, inject: (h) => powerKill(h), repair: (h) => reboot(h) },
};

/** One hard fault on the master; the lab is repaired and converged again afterwards, even on failure. */
async function oneFault(ctx: DrillContext, f: Fault, holdS: number): Promise<{ m: Measured; sw: ScenarioResult['switches'][number] }> {
  const { master, backup, vips } = ctx.target;
  const spec = FAULTS[f];
  let t = 0;
  try {
    const m = await measure(ctx, 3 + holdS + 4, { ping: true, echo: true, udp: true, parity: true }, async (fault) => {
      await sleep(2500);
      // Someone else sharing the lab may have moved the VIPs: measuring now would time their change.
      if (!(await holdsAll(ctx, master))) throw new DrillError(`disturbed: ${master} no longer holds every VIP before the fault (another user of the lab?)`);
      t = Date.now();
      fault(spec.what(master));
      await spec.inject(master);
      if (!(await waitFor(() => holdsAll(ctx, backup), 10_000, 20))) throw new DrillError(`${spec.what(master)}: ${backup} did not take every VIP within 10 s`);
      await sleep(holdS * 1000);
    });
    const sw = analyzeSwitch(m, spec.what(master), t, backup, vips);
    await annotateTakeovers(ctx, m, [sw]);
    return { m, sw };
  } finally {
    await spec.repair(master).catch((e: Error) => ctx.log(`repair after ${f}: ${e.message}`));
    await converge(ctx);
  }
}

export const hard: Scenario = {
  name: 'hard',
  title: 'Hard failover: WAN cable pulled, LAN cable pulled, power loss of the master',
  defaults: { faults: 'wan,lan,kill', hold: 3 },
  async run(ctx, p) {
    const faults = String(p.faults).split(',').map((s) => s.trim()).filter(Boolean) as Fault[];
    const bad = faults.find((f) => !(f in FAULTS));
    if (bad) throw new DrillError(`hard: unknown fault ${JSON.stringify(bad)} (wan, lan, kill)`);
    const runs: Measured[] = [];
    const switches: ScenarioResult['switches'] = [];
    for (const f of faults) {
      ctx.log(`hard: ${f}`);
      const r = await oneFault(ctx, f, Number(p.hold));
      runs.push(r.m);
      switches.push(r.sw);
    }
    const metrics = summarize(runs, switches, ctx.target.master, ctx.target.backup);
    const hold = worstHold(switches);
    if (hold !== undefined) metrics.holdMs = hold;
    return { metrics, switches, runs, notes: [] };
  },
};
