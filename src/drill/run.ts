import { converge } from './lab-control.ts';
import type { Scenario, ScenarioParams, ScenarioResult } from './scenarios/types.ts';
import type { DrillContext } from './window.ts';

/**
 * One scenario from a converged lab, back to converged afterwards. A failure is recorded in the result (the
 * report says what broke) and the lab is converged again before the next one.
 * Disturbances by other users of the shared lab (a busy iperf3 server, a lab
 * operation in progress, VIPs moved by someone else) are retried once.
 */
export async function runScenario(ctx: DrillContext, s: Scenario, params: ScenarioParams): Promise<ScenarioResult> {
  const p = { ...s.defaults, ...params };
  const started = Date.now();
  const base = { name: s.name, title: s.title, startedAt: new Date(started).toISOString() };
  for (let attempt = 1; ; attempt++) {
    try {
      await converge(ctx);
      const r = await s.run(ctx, p);
      // Leave the lab as found: preferred master holding the VIPs (cheap when already so).
      await converge(ctx);
      const disturbed = r.runs.flatMap((m) => m.probeErrors).filter((e) => /busy|another/i.test(e));
      if (disturbed.length && attempt === 1) {
        ctx.log(`${s.name}: disturbed (${disturbed[0]}): retrying once`);
        continue;
      }
      return { ...base, ok: true, durationS: Math.round((Date.now() - started) / 100) / 10, ...r };
    } catch (e) {
      const msg = (e as Error).message;
      ctx.log(`${s.name}: ${msg}`);
      await converge(ctx).catch((c: Error) => ctx.log(`converge after ${s.name}: ${c.message}`));
      if (attempt === 1 && /another lab operation|not running|disturbed/i.test(msg)) continue;
      return { ...base, ok: false, error: msg, durationS: Math.round((Date.now() - started) / 100) / 10, metrics: {}, switches: [], runs: [], notes: [] };
    }
  }
}
