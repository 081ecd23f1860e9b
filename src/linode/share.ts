// IP Sharing for a gateway pair, and its VLAN interfaces: read, compare and apply, run on the
// control machine (docs/linode.md).
import { controlTask } from '../task/control-task.ts';
import type { AnyTask, Comparison } from '../task/task.ts';
import { instance, instanceIps, instanceVlans, share, sharedRangesOf, type VlanInterface } from './api.ts';
import type { LinodePair } from './pair.ts';

export interface ShareState {
  /** The pair instance the address is assigned to; null when it is on neither. */
  owner: { id: number; name: string } | null;
  /** The other instance: the one the address must be shared with. */
  target: { id: number; name: string } | null;
  /** Everything shared with the target now (IPv4 addresses and BGP-shared IPv6 ranges). */
  shared: string[];
}

export interface SharePlan {
  target: number;
  ips: string[];
}

/** Reads which instance holds the address and what is shared with the other one. Read-only. */
export async function readShare(p: LinodePair): Promise<ShareState> {
  const mine = await instanceIps(p.client, p.self.id);
  const theirs = await instanceIps(p.client, p.peer.id);
  const holds = (r: typeof mine) => r.ipv4.public.find((a) => a.address === p.ip);
  const [owner, target, targetIps] = holds(mine) ? [p.self, p.peer, theirs] : holds(theirs) ? [p.peer, p.self, mine] : [null, null, null];
  if (!owner || !target || !targetIps) return { owner: null, target: null, shared: [] };
  const region = (holds(mine) ?? holds(theirs))!.region;
  const shared = [...targetIps.ipv4.shared.map((a) => a.address), ...(await sharedRangesOf(p.client, target.id, region))];
  return { owner, target, shared };
}

export function compareShare(p: LinodePair, s: ShareState): Comparison<SharePlan> {
  if (!s.owner || !s.target) {
    return {
      status: 'fail',
      reason: `${p.ip} is assigned to neither ${p.self.name} (linode ${p.self.id}) nor ${p.peer.name} (linode ${p.peer.id}): assign it to one of them first (Cloud Manager, or POST /networking/ips/assign); ts-play does not move addresses`,
    };
  }
  const where = `${p.ip} (assigned to ${s.owner.name}, linode ${s.owner.id})`;
  const others = s.shared.filter((a) => a !== p.ip);
  const wanted = p.exclusive ? [p.ip] : [...s.shared.filter((a) => a !== p.ip), p.ip];
  if (s.shared.includes(p.ip) && (!p.exclusive || others.length === 0)) {
    return { status: 'ok', reason: `${where} is shared with ${s.target.name} (linode ${s.target.id})` };
  }
  const removed = p.exclusive && others.length ? `; unshare ${others.join(', ')} from it (linode_share_exclusive)` : '';
  const adds = s.shared.includes(p.ip) ? `keep ${where} shared with ${s.target.name} (linode ${s.target.id})` : `share ${where} with ${s.target.name} (linode ${s.target.id})`;
  return {
    status: 'change',
    reason: `${adds}${removed}`,
    plan: { target: s.target.id, ips: wanted },
    diffs: [{ path: `linode ${s.target.id} (${s.target.name}): addresses shared with it`, before: lines(s.shared), after: lines(wanted) }],
    warnings: s.shared.includes(p.ip) ? [] : [`in a data centre with BGP-based IP Sharing ${p.ip} answers only where a BGP speaker announces it: configure the speakers next`],
  };
}

const lines = (list: string[]) => list.map((a) => `${a}\n`).join('');

export interface VlanState {
  name: string;
  id: number;
  vlans: VlanInterface[];
}

export async function readVlans(p: LinodePair, who: { id: number; name: string }): Promise<VlanState> {
  const inst = await instance(p.client, who.id);
  return { ...who, vlans: await instanceVlans(p.client, inst) };
}

/** A gateway pair needs a VLAN on each instance: the LAN VIP and conntrackd's sync run over it. */
export function compareVlans(p: LinodePair, s: VlanState): Comparison<never> {
  const wanted = s.vlans.filter((v) => !p.vlanLabel || v.label === p.vlanLabel);
  const active = wanted.find((v) => v.active);
  const named = p.vlanLabel ? ` '${p.vlanLabel}'` : '';
  if (active) return { status: 'ok', reason: `${s.name} (linode ${s.id}) has VLAN ${active.label}${active.ipam_address ? ` (${active.ipam_address})` : ''}` };
  if (wanted.length) {
    const v = wanted[0]!;
    return { status: 'fail', reason: `${s.name} (linode ${s.id}): VLAN ${v.label} is in configuration profile '${v.config}', which the instance did not boot with: reboot it with that profile` };
  }
  return {
    status: 'fail',
    reason: `${s.name} (linode ${s.id}) has no VLAN interface${named}: add one (purpose vlan) to the configuration profile it boots with, then reboot it; the pair's LAN VIP and conntrackd sync run over it`,
  };
}

/** The control-side tasks of roles/linode_ip_share: share the pair's address, then check this instance's VLAN. */
export function linodePairTasks(p: LinodePair): AnyTask[] {
  return [
    controlTask<ShareState, SharePlan>({
      module: 'linode_ip_share',
      name: `Linode IP Sharing: ${p.ip} between ${p.self.name} and ${p.peer.name}`,
      read: () => readShare(p),
      compare: (s) => compareShare(p, s),
      apply: async (plan) => {
        await share(p.client, plan.target, plan.ips);
      },
    }),
    ...(p.requireVlan
      ? [
          controlTask<VlanState, never>({
            module: 'linode_vlan',
            name: `Linode VLAN interface on ${p.self.name}`,
            read: () => readVlans(p, p.self),
            compare: (s) => compareVlans(p, s),
            apply: async () => undefined,
          }),
        ]
      : []),
  ];
}
