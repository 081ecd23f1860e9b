import { converge } from './lab-control.ts';
import type { Scenario, ScenarioParams, ScenarioResult } from './scenarios/types.ts';
import type { DrillContext } from './window.ts';

/**
 * One scenario from a converged lab, back to converged afterwards. A failure is recorded in the
 * result (the report says which scenario could not run and why) and the lab is converged again
 * before the next one. One disturbance is retried: a probe that found the shared lab's iperf3
 * server busy, or the lab lock held by another operation; the retry and its cause are written
 * into the scenario's notes, so a report never hides that the first attempt did not count. A
 * host that went down, a reboot that failed or a lab command that broke is the scenario's
 * failure, never retried.
 */
export async function runScenario(ctx: DrillContext, s: Scenario, params: ScenarioParams): Promise<ScenarioResult> {
  const p = { ...s.defaults, ...params };
  const started = Date.now();
  const base = { name: s.name, title: s.title, startedAt: new Date(started).toISOString() };
  const retried: string[] = [];
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  for (let attempt = 1; ; attempt++) {
    try {
      await converge(ctx);
      const r = await s.run(ctx, p);
      // Leave the lab as found: preferred master holding the VIPs (cheap when already so).
      await converge(ctx);
      const disturbed = r.runs.flatMap((m) => m.probeErrors).filter((e) => /busy|another/i.test(e));
      if (disturbed.length && attempt === 1) {
        ctx.log(`${s.name}: disturbed (${disturbed[0]}): retrying once`);
        retried.push(`attempt 1 discarded: disturbed (${disturbed[0]})`);
        continue;
      }
      return { ...base, ok: true, durationS: seconds(), ...r, notes: [...retried, ...r.notes] };
    } catch (e) {
      const msg = (e as Error).message;
      ctx.log(`${s.name}: ${msg}`);
      await converge(ctx).catch((c: Error) => ctx.log(`converge after ${s.name}: ${c.message}`));
      if (attempt === 1 && /another lab operation/i.test(msg)) {
        retried.push(`attempt 1 discarded: ${msg}`);
        continue;
      }
      return { ...base, ok: false, error: msg, durationS: seconds(), metrics: {}, switches: [], runs: [], notes: retried };
    }
  }
}
