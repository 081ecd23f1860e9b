import { labExec, labKill, labLink, labReboot, labUp } from '../lab/lab.ts';
import { birdRoutesArgv, parseBirdRoutes, routeServerHosts } from '../lab/routeserver.ts';
import { run } from '../lab/run.ts';
import { LAB, fabricPeer } from '../lab/topology.ts';
import { DrillError, must, sleep, waitFor } from './exec.ts';
import { parseIpv4Addresses } from '../facts/addresses.ts';
import type { DrillContext } from './window.ts';

/** VIPs a gateway holds right now (from the control side, works whatever its container does). */
export async function vipsOn(ctx: DrillContext, host: string): Promise<string[]> {
  const r = await run(['ip', '-n', ctx.target.nsOf(host), '-o', '-4', 'addr', 'show'], { timeoutMs: 3000 });
  const have = new Set(r.code === 0 ? parseIpv4Addresses(r.stdout) : []);
  return ctx.target.vips.filter((v) => have.has(v));
}

export async function holdsAll(ctx: DrillContext, host: string): Promise<boolean> {
  return (await vipsOn(ctx, host)).length === ctx.target.vips.length;
}

/** The sync group's state as ha-notify recorded it (MASTER, BACKUP, FAULT), if any. */
export async function groupState(ctx: DrillContext, host: string): Promise<string | undefined> {
  const r = await ctx.exec(host, ['sh', '-c', 'cat /run/ha-notify/group-*.state 2>/dev/null'], 5);
  return r.code === 0 ? r.stdout.trim().split('\n')[0] || undefined : undefined;
}

export async function active(ctx: DrillContext, host: string, unit: string): Promise<boolean> {
  return (await ctx.exec(host, ['systemctl', 'is-active', '--quiet', unit], 5)).code === 0;
}

export const keepalived = (ctx: DrillContext, host: string, action: 'start' | 'stop' | 'restart'): Promise<string> =>
  must(ctx.exec, host, ['systemctl', action, 'keepalived'], 30);

export const link = (host: string, iface: 'lan' | 'wan' | 'sync', up: boolean): Promise<void> => labLink(host, iface, up);
export const powerKill = (host: string): Promise<void> => labKill(host);
export const reboot = (host: string): Promise<void> => labReboot(host);

const FLAP_TABLE = 'tsp_drill_flap';
/** Absolute: under npm/npx, node_modules/.bin is first in PATH and holds an unrelated `nft` (@vercel/nft). */
const NFT = '/usr/sbin/nft';

/**
 * Loss (and jitter when the kernel has netem) on the VRRP path: the fabric-side
 * ends of both gateways' LAN and WAN cables, in the lab's fabric namespace only.
 * Returns what could be applied; this machine's kernel may lack sch_netem.
 */
export async function impairVrrp(ctx: DrillContext, lossPct: number, jitterMs: number): Promise<string[]> {
  const devs = [ctx.target.master, ctx.target.backup].flatMap((h) => (['lan', 'wan'] as const).map((s) => fabricPeer(h, s)));
  const applied: string[] = [];
  const netem: string[] = [];
  for (const dev of devs) {
    const r = await run(['ip', 'netns', 'exec', LAB.fabricNs, 'tc', 'qdisc', 'replace', 'dev', dev, 'root', 'netem',
      'delay', `${jitterMs}ms`, `${jitterMs}ms`, 'loss', `${lossPct}%`]);
    if (r.code === 0) netem.push(dev);
  }
  if (netem.length === devs.length) {
    applied.push(`netem delay ${jitterMs}ms ±${jitterMs}ms loss ${lossPct}% on ${devs.join(', ')} (all traffic towards the gateways)`);
    return applied;
  }
  await clearImpairment();
  // No netem: drop VRRP at random with nftables on the cables' ingress (adverts from each gateway).
  const chains = devs.map((d, i) => `  chain c${i} { type filter hook ingress device "${d}" priority 0; policy accept;
    ip protocol vrrp numgen random mod 1000 < ${Math.round(lossPct * 10)} counter drop
  }`).join('\n');
  await runNft(`table netdev ${FLAP_TABLE} {\n${chains}\n}\n`);
  applied.push(`nftables: ${lossPct}% random loss of VRRP adverts leaving each gateway on ${devs.join(', ')}`);
  applied.push(`jitter ${jitterMs} ms NOT applied: this kernel has no sch_netem (tc: "Specified qdisc kind is unknown")`);
  return applied;
}

async function runNft(script: string): Promise<void> {
  const r = await run(['ip', 'netns', 'exec', LAB.fabricNs, NFT, '-f', '-'], { input: script });
  if (r.code !== 0) throw new DrillError(`nft in ${LAB.fabricNs} failed (exit ${r.code}): ${r.stderr.trim()}`);
}

/** VRRP drops counted by the flap table (0 when there is none). */
export async function impairmentDrops(): Promise<number> {
  const r = await run(['ip', 'netns', 'exec', LAB.fabricNs, NFT, 'list', 'table', 'netdev', FLAP_TABLE]);
  return [...r.stdout.matchAll(/counter packets (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
}

export async function clearImpairment(): Promise<void> {
  for (const h of LAB.hosts.filter((x) => x.name.startsWith('gw'))) {
    for (const s of ['lan', 'wan'] as const) {
      await run(['ip', 'netns', 'exec', LAB.fabricNs, 'tc', 'qdisc', 'del', 'dev', fabricPeer(h.name, s), 'root']);
    }
  }
  await run(['ip', 'netns', 'exec', LAB.fabricNs, NFT, 'delete', 'table', 'netdev', FLAP_TABLE]);
}

/**
 * bgp mode: what every route server makes of the shared IP, or undefined when it is served as a
 * converged pair should be: the master's path best, and the backup's there too (its session is
 * up, so it can take over). A node whose session failed waits out the route server's error delay
 * (BIRD: 60 s, doubling on repeated failures) before it is taken back.
 */
export async function routeServersUnsettled(ctx: DrillContext): Promise<string | undefined> {
  const bgp = ctx.target.bgp;
  if (!bgp) return undefined;
  const { master, backup } = ctx.target;
  for (const rs of routeServerHosts().map((h) => h.name)) {
    const r = await labExec(rs, birdRoutesArgv(bgp.prefix), 'pipe');
    const paths = r.code === 0 ? parseBirdRoutes(r.stdout) : [];
    const best = paths.find((p) => p.best)?.from;
    if (best !== master || !paths.some((p) => p.from === backup)) {
      return `${rs}: best path ${best ?? 'none'}, paths from ${paths.map((p) => p.from).join(', ') || 'no gateway'}`;
    }
  }
  return undefined;
}

/**
 * Back to the converged state every scenario starts from: hosts up, cables in,
 * daemons running, the preferred master holding every VIP, its peer BACKUP, and
 * in bgp mode both announced to every route server with the master's path best.
 * A preferred master waiting out its preempt delay is handed the VIPs at once
 * by restarting keepalived on the peer (a planned failover). Bounded: 90 s, and in
 * bgp mode 330 s, the longest a route server here delays taking a failed session back.
 */
export async function converge(ctx: DrillContext): Promise<void> {
  const { master, backup } = ctx.target;
  await clearImpairment();
  await labUp({});
  for (const h of [master, backup]) {
    await must(ctx.exec, h, ['systemctl', 'start', 'conntrackd', 'keepalived'], 30);
  }
  let routes: string | undefined;
  const settled = async (): Promise<boolean> =>
    (await holdsAll(ctx, master)) && (await vipsOn(ctx, backup)).length === 0 && (await groupState(ctx, backup)) === 'BACKUP' &&
    (routes = await routeServersUnsettled(ctx)) === undefined;
  if (await settled()) return;
  const started = Date.now();
  const end = started + (ctx.target.bgp ? 330_000 : 90_000);
  let said = false;
  while (Date.now() < end) {
    if (routes && !said && Date.now() - started > 10_000) {
      ctx.log(`converge: waiting for the route servers (${routes})`);
      said = true;
    }
    if (await settled()) {
      await sleep(1000);
      return;
    }
    // The master is back and healthy but waits out preempt_delay: hand it the VIPs now.
    if ((await holdsAll(ctx, backup)) && (await groupState(ctx, master)) === 'BACKUP') {
      await sleep(3000);
      if ((await groupState(ctx, master)) === 'BACKUP') {
        ctx.log(`converge: ${master} is BACKUP behind ${backup}: restarting keepalived on ${backup} to hand the VIPs back`);
        await keepalived(ctx, backup, 'restart');
        await waitFor(async () => holdsAll(ctx, master), 10_000);
        continue;
      }
    }
    await sleep(500);
  }
  const state = `${master}: ${(await vipsOn(ctx, master)).join(',') || 'no VIP'} (${await groupState(ctx, master)}), ${backup}: ${(await vipsOn(ctx, backup)).join(',') || 'no VIP'} (${await groupState(ctx, backup)})`;
  throw new DrillError(`the gateways did not converge within ${Math.round((end - started) / 1000)} s: ${state}${routes ? `; ${routes}` : ''}`);
}

/**
 * Drops the backup's external cache and asks the master for a fresh copy: after
 * thousands of flows closed across a failover and failback, the backup keeps
 * stale entries (reconcile reports them) that would trip the rollout's sync gate.
 */
export async function resyncBackup(ctx: DrillContext): Promise<void> {
  const cfg = ['-C', ctx.target.conntrackdConfig];
  await must(ctx.exec, ctx.target.backup, ['conntrackd', ...cfg, '-f', 'external'], 10);
  await must(ctx.exec, ctx.target.backup, ['conntrackd', ...cfg, '-n'], 10);
  await sleep(1000);
}
