import { summarize } from '../analyze.ts';
import { DrillError, sleep } from '../exec.ts';
import { clearImpairment, converge, impairVrrp, impairmentDrops } from '../lab-control.ts';
import { type DrillContext, measure } from '../window.ts';
import type { Scenario, ScenarioParams, ScenarioResult } from './types.ts';

/** The transient unit the load runs in on each gateway: stopped by its name, never by a pattern. */
const LOAD_UNIT = 'tsp-drill-load';

/**
 * keepalived's state changes in a journal (`Entering MASTER|BACKUP|FAULT STATE`), and why they
 * happened: health checks that failed (a timed-out check is a failure to keepalived, and the
 * weight hands the VIPs over by design) against elections a backup forced while the master was
 * alive (its adverts late or lost: the VRRP timers).
 */
export function keepalivedChanges(journal: string): { transitions: number; checkFailures: number; forcedElections: number } {
  const out = { transitions: 0, checkFailures: 0, forcedElections: 0 };
  for (const l of journal.split('\n')) {
    if (/\(VI_\w+\) Entering (MASTER|BACKUP|FAULT) STATE/.test(l)) out.transitions++;
    else if (/VRRP_Script\(\w+\) failed/.test(l)) out.checkFailures++;
    else if (/Received advert from \S+ with lower priority \d+, ours \d+, forcing new election/.test(l)) out.forcedElections++;
  }
  return out;
}

/**
 * stress-ng's CPU workers on both gateways (one per CPU, at `pct` % each) for `seconds`, in a
 * transient unit; stress-ng comes from the host's own repository (the lab's offline one).
 */
async function loadCpus(ctx: DrillContext, hosts: string[], pct: number, seconds: number): Promise<string> {
  for (const h of hosts) {
    const have = await ctx.exec(h, ['sh', '-c', 'command -v stress-ng >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q stress-ng >/dev/null'], 300);
    if (have.code !== 0) throw new DrillError(`stress-ng is not installable on ${h} (exit ${have.code}): ${have.stderr.trim().slice(-300)}`);
    const r = await ctx.exec(h, ['systemd-run', '--quiet', '--collect', `--unit=${LOAD_UNIT}`, 'stress-ng', '--cpu', '0', '--cpu-load', String(pct), '--timeout', `${seconds}s`], 30);
    if (r.code !== 0) throw new DrillError(`starting stress-ng on ${h} failed (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
  }
  return `stress-ng --cpu 0 --cpu-load ${pct} (one worker per CPU) on ${hosts.join(' and ')} for ${seconds} s: both gateways share this machine's cores with the lab`;
}

async function stopLoad(ctx: DrillContext, hosts: string[]): Promise<void> {
  for (const h of hosts) await ctx.exec(h, ['systemctl', 'stop', LOAD_UNIT], 30);
}

/**
 * Loss (and jitter where the kernel allows) on the VRRP path for N seconds, optionally with both
 * gateways' CPUs loaded: no VIP may move, and keepalived may not change state even briefly.
 */
async function impaired(ctx: DrillContext, p: ScenarioParams, cpuPct: number): Promise<Omit<ScenarioResult, 'name' | 'title' | 'ok' | 'startedAt' | 'durationS'>> {
  const seconds = Number(p.seconds);
  const notes: string[] = [];
  const gws = [ctx.target.master, ctx.target.backup];
  try {
    const m = await measure(ctx, seconds + 2, { ping: true, udp: true, parity: true }, async () => {
      if (cpuPct > 0) notes.push(await loadCpus(ctx, gws, cpuPct, seconds));
      notes.push(...(await impairVrrp(ctx, Number(p.loss), Number(p.jitter))));
      await sleep(seconds * 1000);
      notes.push(`VRRP adverts dropped by the impairment: ${await impairmentDrops()}`);
    });
    const metrics = summarize([m], [], ctx.target.master, ctx.target.backup);
    // Every VIP arrival after the start snapshot is a failover (or a flap back).
    metrics.failovers = m.vipEvents.filter((e) => e.present && e.t > m.startMs + 50 && e.host !== ctx.target.master).length;
    // A backup that went MASTER for a moment may never have shown a VIP to the monitor: keepalived's
    // own state changes are the stricter count.
    metrics.vrrpTransitions = metrics.checkFailures = metrics.forcedElections = 0;
    for (const h of gws) {
      const j = await ctx.exec(h, ['journalctl', '-o', 'cat', '--no-pager', '-t', 'Keepalived', '-t', 'Keepalived_vrrp', '--since', `@${Math.floor(m.startMs / 1000)}`], 15);
      // A flap never restarts or reloads keepalived; someone sharing the lab (a rollout test) does.
      if (/Reloading|Stopping|Starting Keepalived/.test(j.stdout)) throw new DrillError(`disturbed: keepalived was reloaded or restarted on ${h} during the window`);
      const c = keepalivedChanges(j.stdout);
      metrics.vrrpTransitions += c.transitions;
      metrics.checkFailures += c.checkFailures;
      metrics.forcedElections += c.forcedElections;
    }
    return { metrics, switches: [], runs: [m], notes };
  } finally {
    if (cpuPct > 0) await stopLoad(ctx, gws);
    await clearImpairment();
    await converge(ctx);
  }
}

export const flap: Scenario = {
  name: 'flap',
  title: 'Flap resistance: loss and jitter on the VRRP path',
  defaults: { seconds: 60, loss: 5, jitter: 50 },
  run: (ctx, p) => impaired(ctx, p, 0),
};

export const soak: Scenario = {
  name: 'soak',
  title: 'Soak: VRRP advert loss with both gateways\' CPUs loaded',
  defaults: { seconds: 600, loss: 5, jitter: 0, cpu: 100 },
  run: (ctx, p) => impaired(ctx, p, Number(p.cpu)),
};
