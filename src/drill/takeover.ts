import { journalArgv, parseTakeovers, takeoverAfter } from './probes/journal.ts';
import type { ScenarioResult } from './scenarios/types.ts';
import type { DrillContext, Measured } from './window.ts';

type Switch = ScenarioResult['switches'][number];

/**
 * Adds, per switch, the new master's own account of the takeover: fault ->
 * MASTER (VRRP), MASTER -> forwarding released (ha-hold around the conntrackd
 * commit). A host whose journal cannot be read just keeps the probe figures.
 */
export async function annotateTakeovers(ctx: DrillContext, m: Measured, switches: Switch[]): Promise<void> {
  const byHost = new Map<string, ReturnType<typeof parseTakeovers>>();
  for (const s of switches) {
    if (!byHost.has(s.to)) {
      const r = await ctx.exec(s.to, journalArgv(m.startMs - 2000), 15);
      byHost.set(s.to, r.code === 0 ? parseTakeovers(r.stdout) : []);
    }
    const fault = m.faults.find((f) => f.what === s.what)?.t;
    if (fault === undefined) continue;
    const tk = takeoverAfter(byHost.get(s.to)!, fault);
    if (!tk) continue;
    s.vrrpMs = Math.round(tk.masterAt - fault);
    if (tk.holdOffAt !== undefined) s.holdMs = Math.round(tk.holdOffAt - tk.masterAt);
    if (tk.commitAt !== undefined) s.commitMs = Math.round(tk.commitAt - tk.masterAt);
    if (tk.announcedAt !== undefined) s.announceMs = Math.round(tk.announcedAt - tk.masterAt);
  }
}

export function worstHold(switches: readonly Switch[]): number | undefined {
  const h = switches.map((s) => s.holdMs).filter((x): x is number => x !== undefined);
  return h.length ? Math.max(...h) : undefined;
}
