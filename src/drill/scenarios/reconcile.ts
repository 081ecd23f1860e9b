import { summarize } from '../analyze.ts';
import { reconcile, summaryLine } from '../reconcile.ts';
import { measure } from '../window.ts';
import type { Scenario } from './types.ts';

/** Reconciliation while traffic flows: one TCP session and a UDP stream through the master. */
export const reconcileScenario: Scenario = {
  name: 'reconcile',
  title: 'Reconciliation: kernel table, internal and external caches compared',
  defaults: { seconds: 8 },
  async run(ctx, p) {
    const tg = ctx.target;
    const notes: string[] = [];
    let drift: Awaited<ReturnType<typeof reconcile>> | undefined;
    const m = await measure(ctx, Number(p.seconds), { echo: true, udp: true, parity: true }, async () => {
      await new Promise((r) => setTimeout(r, 3000));
      drift = await reconcile(ctx.exec, { gateways: [tg.master, tg.backup], vips: tg.vips, conntrackdConfig: tg.conntrackdConfig });
    });
    const metrics = summarize([m], [], tg.master, tg.backup);
    if (drift) {
      metrics.syncParityPct = drift.internalVsExternal.parityPct;
      metrics.driftMissing = drift.internalVsExternal.missing.length;
      metrics.driftExtra = drift.internalVsExternal.extra.length;
      notes.push(summaryLine(drift));
      if (drift.kernelVsInternal.missing.length) notes.push(`kernel flows missing from the internal cache: ${drift.kernelVsInternal.missing.slice(0, 5).join('; ')}`);
    }
    return { metrics, switches: [], runs: [m], notes };
  },
};
