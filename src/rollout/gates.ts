import type { BatchContext, Play } from '../engine/play.ts';
import type { Connection } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import { announcementProblems, healthProblems, holder, isSessionProblem, roleProblems, serving, servingProblems, syncProblems } from './checks.ts';
import { readNode, type NodeState } from './node-state.ts';
import { pairSettings, SettingsError, type PairSettings } from './settings.ts';
import { GateError, realClock, settle, type Clock } from './wait.ts';

type HookContext = Omit<BatchContext, 'batch' | 'index' | 'total'>;

export interface PairGateOptions {
  /** Variables the gates fall back on (the roles' defaults: hooks only see inventory, play and -e). */
  defaults?: Record<string, unknown>;
  clock?: Clock;
  /**
   * The after-gate also waits for conntrack sync to catch up (the backup's external cache
   * within the margin of the master's internal one): after a node rebooted, its caches start
   * empty, and the next node must not be touched before its flows are mirrored again.
   */
  syncAfter?: boolean;
  /**
   * How old (ms) the last reading of the pair (the order hook's, or a gate's) may be for the next
   * before-gate to judge it instead of reading both nodes again, when the run changed nothing on
   * the pair since. Default 3000: the order hook's reading is milliseconds old when the first
   * gate comes, and a batch that found nothing to change takes about a second. A reading that
   * found a problem is read again anyway.
   */
  reuseOrderReadMs?: number;
}

/** The play hooks that keep a gateway pair serving while it is rolled out one node at a time. */
export type PairGates = Required<Pick<Play, 'order' | 'beforeBatch' | 'afterBatch'>>;

function disabled(ctx: HookContext, host: string): boolean {
  const v = ctx.vars(host).rollout_gates;
  return v === false || v === 'false' || v === 'no';
}

async function connectTo(ctx: HookContext, host: string): Promise<Connection | UnreachableError> {
  try {
    return await ctx.connect(host);
  } catch (e) {
    if (e instanceof UnreachableError) return e;
    throw e;
  }
}

/**
 * A node the gate cannot reach stays so for the rest of the run: a run never reopens a session
 * it lost or could not open. Waiting out the gate's timeout for it only keeps the run, and the
 * other hosts' locks, from stopping.
 */
function stopIfUnreachable(what: string, states: NodeState[]): void {
  const gone = states.filter((n) => !n.reachable);
  if (gone.length) throw new GateError(`${what}: ${gone.map((n) => `${n.host} is unreachable (${n.unreachableReason})`).join('; ')}`);
}

export function gatewayPair(opts: PairGateOptions = {}): PairGates {
  const clock = opts.clock ?? realClock;
  const reuseMs = opts.reuseOrderReadMs ?? 3000;
  // The order hook and the gates read every node in full (one round trip each) and leave the
  // reading here for the next before-gate, which would read the same again: the first gate
  // after the order, and the gate after a batch that changed nothing. A batch that changed the
  // node drops it. Keyed by the connection it came through: one playbook's gates serve every
  // run that loads it in a process, and a reading is only this run's if the gate would ask the
  // same session (a reconnect in between, after a reboot, is a reason to read again anyway).
  const orderRead = new WeakMap<Connection, { at: number; state: NodeState }>();
  const remember = async (ctx: HookContext, states: NodeState[], at: number) => {
    const conns = await Promise.all(states.map((n) => connectTo(ctx, n.host)));
    conns.forEach((c, i) => {
      if (!(c instanceof UnreachableError) && states[i]!.reachable) orderRead.set(c, { at, state: states[i]! });
    });
  };
  const settingsOf = (ctx: HookContext, host: string): PairSettings => {
    try {
      return pairSettings(host, ctx.vars(host), opts.defaults);
    } catch (e) {
      if (e instanceof SettingsError) throw new GateError(e.message);
      throw e;
    }
  };

  async function readThrough(ctx: HookContext, host: string): Promise<{ state: NodeState; conn?: Connection }> {
    const s = settingsOf(ctx, host);
    const conn = await connectTo(ctx, host);
    if (conn instanceof UnreachableError) {
      return { state: { host, reachable: false, unreachableReason: conn.reason, vips: [], keepalived: 'unknown', conntrackd: 'unknown', vrrp: {}, check: { status: 'failing', detail: 'unreachable' } } };
    }
    return { state: await readNode(host, conn, s), conn };
  }
  const read = async (ctx: HookContext, host: string) => (await readThrough(ctx, host)).state;

  /** The sessions the gates would read node and peer through now (none for an unreachable one). */
  async function sessions(ctx: HookContext, hosts: string[]): Promise<Connection[]> {
    const conns = await Promise.all(hosts.map((h) => connectTo(ctx, h)));
    return conns.filter((c): c is Connection => !(c instanceof UnreachableError));
  }

  /** The last reading of node and peer, once, while it is fresh: the gate's first look. */
  async function takeOrderRead(ctx: HookContext, node: string, peer: string): Promise<Array<{ states: [NodeState, NodeState]; at: number }>> {
    const conns = await sessions(ctx, [node, peer]);
    const got = conns.map((c) => orderRead.get(c));
    for (const c of conns) orderRead.delete(c);
    const [n, p] = got;
    const at = n && p ? Math.min(n.at, p.at) : 0;
    const fresh = conns.length === 2 && n && p && clock.now() - at <= reuseMs;
    return fresh ? [{ states: [n.state, p.state], at }] : [];
  }

  /** The node of this batch and its peer; the gates are for a pair rolled out one node at a time. */
  function pairOf(ctx: BatchContext): { node: string; peer: string } {
    if (ctx.batch.length !== 1) {
      throw new GateError(`batch ${ctx.index + 1} holds ${ctx.batch.join(', ')}: a gateway pair is rolled out one node at a time (serial: 1)`);
    }
    const others = ctx.allHosts.filter((h) => h !== ctx.batch[0]);
    if (others.length !== 1) {
      throw new GateError(
        `the pair gates need both gateways of the pair in the run, this play has ${ctx.allHosts.join(', ')} ` +
          '(a --limit to one node leaves its peer unchecked: run both, or pass -e rollout_gates=false knowingly)',
      );
    }
    return { node: ctx.batch[0]!, peer: others[0]! };
  }

  return {
    async order(hosts, ctx) {
      if (hosts.some((h) => disabled(ctx, h))) return hosts;
      const reads = await Promise.all(hosts.map((h) => readThrough(ctx, h)));
      const states = reads.map((r) => r.state);
      for (const n of states) {
        if (!n.reachable) throw new GateError(`cannot read the VIPs on ${n.host}: unreachable (${n.unreachableReason})`);
        if (n.addressesError) throw new GateError(`cannot read the VIPs on ${n.host}: ${n.addressesError}`);
      }
      const at = clock.now();
      for (const r of reads) if (r.conn) orderRead.set(r.conn, { at, state: r.state });
      const holders = new Set(states.filter((n) => n.vips.length > 0).map((n) => n.host));
      const ordered = [...hosts.filter((h) => !holders.has(h)), ...hosts.filter((h) => holders.has(h))];
      ctx.log(holders.size ? `rollout order ${ordered.join(', ')}: ${[...holders].join(', ')} holds the VIPs and goes last` : `rollout order ${ordered.join(', ')}: no node holds the VIPs`);
      return ordered;
    },

    async beforeBatch(ctx) {
      if (ctx.batch.some((h) => disabled(ctx, h))) return ctx.log('rollout gates disabled (rollout_gates=false)');
      const { node, peer } = pairOf(ctx);
      const s = settingsOf(ctx, node);
      const ps = settingsOf(ctx, peer);
      let last: NodeState[] = [];
      let lastAt = 0;
      const reused = await takeOrderRead(ctx, node, peer);
      await settle(`before touching ${node}`, s.gateTimeout, async () => {
        const earlier = reused.shift();
        const [n, p] = earlier?.states ?? (await Promise.all([read(ctx, node), read(ctx, peer)]));
        last = [n, p];
        lastAt = earlier?.at ?? clock.now();
        if (!serving([n, p])) return [];
        stopIfUnreachable(`before touching ${node}`, last);
        const problems = [...servingProblems([n, p], s), ...healthProblems(p, ps, 'peer')];
        // A node that has no keepalived yet (first rollout) has no health to lose.
        if (n.keepalived !== 'absent') problems.push(...healthProblems(n, s, 'node'));
        const master = holder([n, p], s);
        if (master && problems.length === 0) problems.push(...announcementProblems([n, p], s), ...syncProblems(master, master === n ? p : n, s));
        return problems;
      }, clock);
      await remember(ctx, last, lastAt);
      if (!serving(last)) return ctx.log(`${node}: the pair is not serving yet (no VIPs, no keepalived): nothing to protect`);
      const master = holder(last, s);
      const age = clock.now() - lastAt;
      ctx.log(`${node}: ${peer} is ready to take over, ${master?.host ?? '?'} holds the VIPs, conntrack sync current${age >= 100 ? ` (read ${(age / 1000).toFixed(1)} s ago, nothing changed since)` : ''}`);
    },

    async afterBatch(ctx) {
      if (ctx.batch.some((h) => disabled(ctx, h))) return;
      const { node, peer } = pairOf(ctx);
      const s = settingsOf(ctx, node);
      // Nothing was touched, so there is nothing to come back from: the before gate's reading of
      // the pair stands (for the next gate too, while it is fresh). A dry run still checks
      // roles, which is what it is for.
      if (!ctx.check && ctx.changed && !ctx.changed.includes(node)) return ctx.log(`${node}: nothing changed, the pair is as the gate before it found it`);
      // The batch may have moved the VIPs: no earlier reading stands for any gate.
      for (const c of await sessions(ctx, [node, peer])) orderRead.delete(c);
      // In check mode nothing moved: the pair must already be where it belongs.
      const wait = ctx.check ? s.gateTimeout : (s.preferred === 'master' ? s.preemptDelay : 0) + s.settleTimeout;
      let last: NodeState[] = [];
      // A route server holding a restarted node's sessions back is waited for longer (not in a dry
      // run: nothing moved there).
      const sessionWait = s.bgp && !ctx.check ? { timeoutSec: s.sessionTimeout, only: isSessionProblem } : undefined;
      await settle(`${node} after its changes`, wait, async () => {
        const [n, p] = await Promise.all([read(ctx, node), read(ctx, peer)]);
        last = [n, p];
        if (!serving([n, p])) return [];
        stopIfUnreachable(`${node} after its changes`, last);
        const problems = [...healthProblems(n, s, 'node'), ...servingProblems([n, p], s), ...roleProblems(n, p, s), ...announcementProblems([n, p], s)];
        const master = holder([n, p], s);
        if (opts.syncAfter && master && problems.length === 0) problems.push(...syncProblems(master, master === n ? p : n, s));
        return problems;
      }, clock, 1000, sessionWait);
      // The pair as it settled, milliseconds ago: the next before-gate's first look.
      await remember(ctx, last, clock.now());
      if (!serving(last)) return ctx.log(`${node}: the pair is not serving (keepalived not running on either node)`);
      ctx.log(`${node}: healthy and back in its role; ${holder(last, s)?.host ?? '?'} holds the VIPs${opts.syncAfter ? ', conntrack sync current' : ''}`);
    },
  };
}
