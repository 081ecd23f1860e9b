import { summarize } from '../analyze.ts';
import { DrillError, sleep } from '../exec.ts';
import { clearImpairment, converge, impairVrrp, impairmentDrops } from '../lab-control.ts';
import { measure } from '../window.ts';
import type { Scenario } from './types.ts';

/** Loss (and jitter where the kernel allows) on the VRRP path for N seconds: no VIP may move. */
export const flap: Scenario = {
  name: 'flap',
  title: 'Flap resistance: loss and jitter on the VRRP path',
  defaults: { seconds: 60, loss: 5, jitter: 50 },
  async run(ctx, p) {
    const seconds = Number(p.seconds);
    const notes: string[] = [];
    try {
      const m = await measure(ctx, seconds + 2, { ping: true, parity: true }, async () => {
        notes.push(...(await impairVrrp(ctx, Number(p.loss), Number(p.jitter))));
        await sleep(seconds * 1000);
        notes.push(`VRRP adverts dropped by the impairment: ${await impairmentDrops()}`);
      });
      const metrics = summarize([m], [], ctx.target.master, ctx.target.backup);
      // Every VIP arrival after the start snapshot is a failover (or a flap back).
      metrics.failovers = m.vipEvents.filter((e) => e.present && e.t > m.startMs + 50 && e.host !== ctx.target.master).length;
      if (metrics.failovers > 0) {
        // A flap never restarts or reloads keepalived; someone sharing the lab (a rollout test) does.
        for (const h of [ctx.target.master, ctx.target.backup]) {
          const j = await ctx.exec(h, ['journalctl', '-o', 'cat', '--no-pager', '-t', 'Keepalived', '-t', 'Keepalived_vrrp', '--since', `@${Math.floor(m.startMs / 1000)}`], 15);
          if (/Reloading|Stopping|Starting Keepalived/.test(j.stdout)) throw new DrillError(`disturbed: keepalived was reloaded or restarted on ${h} during the flap window`);
        }
      }
      return { metrics, switches: [], runs: [m], notes };
    } finally {
      await clearImpairment();
      await converge(ctx);
    }
  },
};
