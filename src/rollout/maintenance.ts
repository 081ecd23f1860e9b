import type { StopContext } from '../engine/play.ts';
import { UnreachableError } from '../connection/types.ts';
import { ADDRESSES_PROBE, parseIpv4Addresses } from '../facts/addresses.ts';
import { pairSettings } from './settings.ts';

export interface MaintenanceStopOptions {
  /** Variables the report falls back on (the roles' defaults), as for the gates. */
  defaults?: Record<string, unknown>;
  /** The variable that lists nodes already done, which the resume command sets. */
  doneVar?: string;
}

/** Comma-separated host names from a variable (`-e maintenance_done=gw2,gw3`), or a list. */
export function hostList(v: unknown): string[] {
  const items = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : [];
  return items.map((s) => s.trim()).filter(Boolean);
}

async function vipsOn(ctx: StopContext, host: string, vips: string[]): Promise<string[] | string> {
  try {
    const r = await (await ctx.connect(host)).exec(ADDRESSES_PROBE.argv);
    if (r.code !== 0) return `cannot read its addresses (exit ${r.code})`;
    const have = new Set(parseIpv4Addresses(r.stdout));
    return vips.filter((v) => have.has(v));
  } catch (e) {
    if (e instanceof UnreachableError) return `unreachable (${e.reason})`;
    return (e as Error).message;
  }
}

/**
 * A play's onStop for a maintenance window: where it stopped and why, which nodes are done,
 * whether the pair is serving now (who holds the VIPs, read from the nodes themselves), and
 * the exact command that resumes: the same command with the done nodes passed over, so a node
 * already patched (and rebooted, with maintenance_reboot=always) is not taken out again.
 */
export function maintenanceStop(opts: MaintenanceStopOptions = {}) {
  const doneVar = opts.doneVar ?? 'maintenance_done';
  return async (ctx: StopContext): Promise<string> => {
    const first = ctx.allHosts[0]!;
    const vips = pairSettings(first, ctx.vars(first), opts.defaults).vips;
    const earlier = hostList(ctx.vars(first)[doneVar]);
    // A node whose tasks all ran is patched even when the gate after it failed: passing it over on
    // resume is safe, because the gate before the next node checks the whole pair again.
    const done = [...new Set([...earlier, ...ctx.done, ...ctx.touched])];
    const lines: string[] = [];
    const f = ctx.failed[0];
    if (f) {
      const where = f.task ? `${f.role ? `role ${f.role}, ` : ''}task "${f.task}"` : 'before its tasks';
      lines.push(`maintenance stopped at ${f.host} (${where}): ${f.reason}`);
    } else if (ctx.touched.length) {
      lines.push(`maintenance stopped after ${ctx.touched.join(', ')}: patched, but the pair was not healthy after it (the gate above says why)`);
    } else {
      lines.push(`maintenance stopped before ${ctx.remaining[0] ?? 'the next node'}: nothing was changed on it`);
    }
    const held = await Promise.all(ctx.allHosts.map(async (h) => [h, await vipsOn(ctx, h, vips)] as const));
    const holders = held.filter(([, v]) => Array.isArray(v) && v.length === vips.length).map(([h]) => h);
    const detail = held.map(([h, v]) => `${h}: ${Array.isArray(v) ? (v.length ? v.join(', ') : 'no VIP') : v}`).join('; ');
    if (holders.length === 1) lines.push(`the pair is serving: ${holders[0]} holds the VIPs (${detail})`);
    else lines.push(`the pair is NOT serving as it should: ${holders.length ? 'both nodes hold the VIPs' : 'no node holds all the VIPs'} (${detail})`);
    lines.push(`done: ${done.join(', ') || 'none'}; not done: ${ctx.allHosts.filter((h) => !done.includes(h)).join(', ')}`);
    const fix = f ? `once ${f.host} is back and healthy (fix what stopped it first)` : 'once the gate\'s problem is fixed';
    const base = ctx.commandLine ?? 'the same ts-play command';
    const resume = done.length ? `${base} -e ${doneVar}=${done.join(',')}` : base;
    lines.push(`to resume ${fix}: ${resume}`);
    return lines.join('\n');
  };
}
