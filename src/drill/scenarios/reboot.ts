import { summarize, analyzeSwitch } from '../analyze.ts';
import { DrillError, sleep, waitFor } from '../exec.ts';
import { active, converge, groupState, holdsAll, reboot } from '../lab-control.ts';
import { sshAnswers } from '../../lab/container.ts';
import { findHost, mgmtIp } from '../../lab/topology.ts';
import { type DrillContext, measure } from '../window.ts';
import type { Scenario } from './types.ts';
import { annotateTakeovers } from '../takeover.ts';

/** keepalived in a stable role and conntrackd answering: the node is back in the pair. */
async function rolesBack(ctx: DrillContext, host: string): Promise<boolean> {
  const st = await groupState(ctx, host);
  if (st !== 'BACKUP' && st !== 'MASTER') return false;
  if (!(await active(ctx, host, 'keepalived'))) return false;
  return (await ctx.exec(host, ['conntrackd', '-C', ctx.target.conntrackdConfig, '-s'], 5)).code === 0;
}

/**
 * Reboots the master, then the backup, with real `systemctl reboot`s: nothing
 * is started by the drill, whatever comes back was enabled by the roles.
 * Measures, from the moment sshd answers again: both roles back, and (for the
 * preferred master) holding the VIPs again per the preempt policy.
 */
export const rebootScenario: Scenario = {
  name: 'reboot',
  title: 'Reboot sequence: master, then backup',
  defaults: { rolesTimeout: 60 },
  async run(ctx, p) {
    const { master, backup, vips, preemptDelayS } = ctx.target;
    const timeout = Number(p.rolesTimeout) * 1000;
    const notes: string[] = [];
    const timing: Record<string, number> = {};
    /** Sees the host's sshd go away and records when it answers again. */
    const sshWatch = (h: string) => {
      const ip = mgmtIp(findHost(h)!);
      const w = { down: false, upAt: undefined as number | undefined, stop: false };
      void (async () => {
        while (!w.stop && w.upAt === undefined) {
          const ok = await sshAnswers(ip, 200);
          if (!ok) w.down = true;
          else if (w.down) w.upAt = Date.now();
          await sleep(50);
        }
      })();
      return w;
    };
    /** Reboots `h` and returns seconds from sshd answering again to both roles back. */
    const rebootAndTime = async (h: string): Promise<number> => {
      const w = sshWatch(h);
      // The reboot may fail long before the wait below gives up (the host's supervisor ended):
      // its error is kept, ends the wait at once, and is the one reported.
      let failed: Error | undefined;
      const done = reboot(h).catch((e: Error) => {
        failed = e;
      });
      const at = await waitFor(
        async () => (failed ? 'failed' : w.upAt !== undefined && (await rolesBack(ctx, h)) ? Date.now() : undefined),
        60_000 + timeout, 50,
      );
      await done;
      w.stop = true;
      if (failed) throw new DrillError(`reboot of ${h} failed: ${failed.message}`);
      if (typeof at !== 'number' || w.upAt === undefined) throw new DrillError(`${h}: keepalived/conntrackd not back within ${timeout / 1000} s of sshd`);
      sshAt[h] = w.upAt;
      return Math.max(0, at - w.upAt) / 1000;
    };
    const sshAt: Record<string, number> = {};
    const seconds = 10 + preemptDelayS + 2 * 15 + 10;
    try {
      const m = await measure(ctx, seconds, { ping: true, echo: true, udp: true, parity: true }, async (fault) => {
        await sleep(2000);
        fault(`reboot ${master}`);
        timing.master_roles = await rebootAndTime(master);
        if (!(await waitFor(() => holdsAll(ctx, master), (preemptDelayS + 30) * 1000, 100))) {
          notes.push(`${master} did not take the VIPs back within preempt_delay + 30 s`);
        } else timing.master_preferred = (Date.now() - sshAt[master]!) / 1000;
        await sleep(3000);
        fault(`reboot ${backup}`);
        timing.backup_roles = await rebootAndTime(backup);
      });
      const rb = m.faults[0]!;
      const sw = [analyzeSwitch(m, rb.what, rb.t, backup, vips)];
      await annotateTakeovers(ctx, m, sw);
      const metrics = summarize([m], sw, master, backup);
      metrics.rolesBackS = Math.max(timing.master_roles ?? Infinity, timing.backup_roles ?? Infinity);
      if (timing.master_preferred !== undefined) metrics.preferredMasterS = Math.round(timing.master_preferred * 10) / 10;
      metrics.rolesBackS = Math.round(metrics.rolesBackS * 100) / 100;
      notes.push(`after sshd answered: ${master} roles back in ${timing.master_roles?.toFixed(2)} s, VIPs back on ${master} in ${timing.master_preferred?.toFixed(1) ?? 'n/a'} s (preempt_delay ${preemptDelayS} s), ${backup} roles back in ${timing.backup_roles?.toFixed(2)} s`);
      return { metrics, switches: sw, runs: [m], notes };
    } finally {
      await converge(ctx);
    }
  },
};
