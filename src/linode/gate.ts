// A rollout gate for bgp mode on Linode: refuses to go on while the pair's public IPv4 is not
// shared between its two instances, or while an instance has no VLAN interface. Read-only, so
// it runs the same in --check.
import type { BatchContext } from '../engine/play.ts';
import { isRequiredMarker } from '../inventory/required.ts';
import { GateError } from '../rollout/wait.ts';
import { linodePair, pairProblems, type LinodePair, type LinodePairVars } from './pair.ts';
import { compareShare, compareVlans, readShare, readVlans } from './share.ts';

type HookContext = Pick<BatchContext, 'batch' | 'vars' | 'log'>;

export interface LinodeGateOptions {
  /** What the gate falls back on for variables the inventory, play and -e leave unset: the role's defaults. */
  defaults: LinodePairVars;
}

/** What is wrong with one pair, as sentences naming the instances; empty when failover can work. */
export async function pairFindings(p: LinodePair): Promise<string[]> {
  const out: string[] = [];
  const state = await readShare(p);
  const share = compareShare(p, state);
  if (share.status === 'fail') out.push(share.reason);
  // A change that only unshares other addresses (linode_share_exclusive) does not stop failover.
  if (state.owner && state.target && !state.shared.includes(p.ip)) {
    out.push(
      `${p.ip} (assigned to ${state.owner.name}, linode ${state.owner.id}) is not shared with ${state.target.name} (linode ${state.target.id}): run the rollout (the linode_ip_share role shares it) or share it in Cloud Manager`,
    );
  }
  for (const who of [p.self, p.peer]) {
    const v = compareVlans(p, await readVlans(p, who));
    if (v.status === 'fail') out.push(v.reason);
  }
  return out;
}

/**
 * A batch hook: for each host of the batch with linode_ip_share on, its pair's IP Sharing and
 * both instances' VLAN interfaces. Each pair is read once even when both of its hosts are in
 * the batch.
 */
export function linodePairGate(opts: LinodeGateOptions): (ctx: HookContext) => Promise<void> {
  // A required marker is a role's "no default": left in, it would read as a wrong value.
  const fallback = Object.fromEntries(Object.entries(opts.defaults).filter(([, v]) => !isRequiredMarker(v)));
  return async (ctx) => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const host of ctx.batch) {
      const vars = { ...fallback, ...ctx.vars(host) } as LinodePairVars;
      if (vars.linode_ip_share !== true) continue;
      const bad = pairProblems(vars);
      if (bad.length) {
        problems.push(...bad.map((b) => `${host}: ${b}`));
        continue;
      }
      const pair = linodePair(host, vars);
      const key = [pair.self.id, pair.peer.id].sort().join('/');
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        const found = await pairFindings(pair);
        if (found.length === 0) ctx.log(`Linode: ${pair.ip} is shared between ${host} and ${pair.peer.name}, and both have a VLAN interface`);
        problems.push(...found);
      } catch (e) {
        problems.push(`${host}: ${(e as Error).message}`);
      }
    }
    if (problems.length) throw new GateError(`the Linode pair cannot fail over: ${problems.join('; ')}`);
  };
}
