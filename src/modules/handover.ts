import type { Connection, ExecResult } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import type { Task } from '../task/task.ts';
import { check } from '../connection/errors.ts';
import { ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';
import { parseUnitState, unitProbe, type UnitState, type UnitView } from '../facts/units.ts';
import { ADDRESSES_PROBE, parseIpv4Addresses } from '../facts/addresses.ts';
import { parseKeyValues } from '../facts/keyvalue.ts';
import { unitCommand, unitName } from './unit-state.ts';
import { NODE_HEALTH, REARM, REARM_DISARM, STARTED_PROBE } from './handover-scripts.ts';
import { checkVips, giveVipsAway, peerAlive, seconds, secs, until, type HandoverSteps } from './handover-steps.ts';

export interface HandoverRestartArgs extends TaskOptions {
  /** The unit whose change needs a restart: keepalived itself or conntrackd. */
  unit: string;
  /** Each VIP (plain IP) with the peer's own address on the VIP's link, to see who answers for it. */
  vips: Array<{ vip: string; peer: string }>;
  /** Files that take effect only at a restart: a unit started after all of them changed is current. */
  watch?: string[];
  keepalivedUnit?: string;
  conntrackdConfig?: string;
  /** Where ha-notify records the VRRP group's state. */
  stateDir?: string;
  /** Seconds the peer gets to answer for every VIP once keepalived stopped here. */
  takeoverTimeout?: number;
  /** Seconds the node gets to be healthy again (keepalived up, conntrackd answering, VRRP state). */
  healthyTimeout?: number;
  /** Seconds to listen for the peer's conntrackd on the sync link first; 0 skips (always hand over). */
  peerAliveWindow?: number;
  pollMs?: number;
}

export interface HandoverState {
  unit: UnitState;
  holds: string[];
  /** ms since the epoch the unit last became active, when systemd says. */
  startedAt?: number;
  changed?: { path: string; mtime: number };
}

export interface HandoverPlan {
  mode: 'start' | 'restart' | 'handover';
  daemonReload: boolean;
}

/**
 * A handover killed midway: the host starts keepalived again as soon as the run's session is
 * gone, or after REARM_SECONDS at the latest (a systemd timer, should the watcher be gone too).
 */
export const REARM_SECONDS = 120;
export const REARM_DIR = '/run/ts-play/rearm';

/** "Thu 2026-11-26 10:41:52.308593 UTC" as ms since the epoch (fractions kept). */
export function parseSystemdTime(s: string | undefined): number | undefined {
  const m = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? UTC/.exec(s ?? '');
  if (!m) return undefined;
  return Date.parse(`${m[1]}T${m[2]}Z`) + (m[3] ? Number(m[3]) * 1000 : 0);
}

function parseStarted(r: ExecResult | undefined): Pick<HandoverState, 'startedAt' | 'changed'> {
  if (!r || r.code !== 0) return {};
  let startedAt: number | undefined;
  let changed: HandoverState['changed'];
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('ActiveEnterTimestamp=')) startedAt = parseSystemdTime(line.slice(21));
    const m = /^mtime=(\d+(?:\.\d+)?) (.*)$/.exec(line);
    if (m) {
      const mtime = Number(m[1]) * 1000;
      if (!changed || mtime > changed.mtime) changed = { path: m[2]!, mtime };
    }
  }
  return { ...(startedAt !== undefined ? { startedAt } : {}), ...(changed ? { changed } : {}) };
}

/**
 * For handlers of changes that only a restart applies (conntrackd.conf, the notify script, a
 * systemd drop-in). On a node without the VIPs: a plain restart. On the VIP holder: keepalived
 * is stopped cleanly (its priority-0 advert lets the peer take over after the skew time, and the
 * peer's notify script commits the synced flows), the VIPs are watched until they answer from
 * the peer, the unit is restarted, keepalived started again, and the node must be healthy again
 * before the run goes on; preemption then decides where the VIPs end up. If the peer never takes
 * over, keepalived is started again here so the pair keeps serving, and the task fails.
 */
export function handoverRestart(args: HandoverRestartArgs): Task<HandoverState, HandoverPlan> {
  const unit = unitName('handoverRestart', args.unit);
  const keepalived = unitName('handoverRestart', args.keepalivedUnit ?? 'keepalived');
  const vips = checkVips('handoverRestart', unit, args.vips);
  const watch = args.watch ?? [];
  if (watch.some((p) => typeof p !== 'string' || !p.startsWith('/'))) throw new ModuleArgumentError('handoverRestart', `${unit}: watch must list absolute paths`);
  const healthy = seconds('handoverRestart', 'healthyTimeout', args.healthyTimeout, 30, 1);
  const conf = args.conntrackdConfig ?? '/etc/conntrackd/conntrackd.conf';
  const stateDir = args.stateDir ?? '/run/ha-notify';
  const vipList = vips.map((p) => p.vip);
  const steps: HandoverSteps = {
    keepalived, vips, conntrackdConfig: conf, pollMs: args.pollMs ?? 200,
    takeoverTimeout: seconds('handoverRestart', 'takeoverTimeout', args.takeoverTimeout, 10, 1),
    peerAliveWindow: seconds('handoverRestart', 'peerAliveWindow', args.peerAliveWindow, 2.5, 0),
  };

  async function handover(conn: Connection, facts: Facts): Promise<{ changed: boolean; warnings?: string[] }> {
    const host = conn.host;
    if (!(await peerAlive(conn, steps))) {
      // A pair of one (the first rollout, the peer not built yet): nobody could take over.
      await unitCommand(conn, facts.init, unit, 'restart');
      return { changed: true, warnings: [`no sync messages from a peer in ${steps.peerAliveWindow}s: nobody to hand the VIPs to, ${unit} restarted in place`] };
    }
    // Should ts-play die between the stop and the start, the host starts keepalived again by
    // itself: the node rejoins as backup instead of staying out of the pair (and failing the
    // next run's gate, which will not touch a node whose keepalived is down).
    const rearm = `ts-play-rearm-${keepalived.replace(/[^A-Za-z0-9]/g, '-')}-${Date.now().toString(36)}`;
    const marker = `${REARM_DIR}/${rearm}`;
    await check(conn, ['sh', '-c', REARM, 'sh', keepalived, marker, String(REARM_SECONDS), rearm]);
    const disarm = () => conn.exec(['sh', '-c', REARM_DISARM, 'sh', marker, rearm]).catch(() => undefined);
    let stoppedMs: number;
    let tookMs: number;
    try {
      ({ stoppedMs, tookMs } = await giveVipsAway(conn, facts, steps, `${unit} not restarted`));
    } catch (e) {
      await disarm();
      throw e;
    }
    if (unit !== keepalived) await unitCommand(conn, facts.init, unit, 'restart');
    const since = Number((await check(conn, ['date', '+%s'])).stdout.trim());
    await unitCommand(conn, facts.init, keepalived, 'start');
    await disarm();
    const sick = await until(steps, healthy, async () => {
      const kv = parseKeyValues((await conn.exec(['sh', '-c', NODE_HEALTH, 'sh', stateDir, conf, String(since), keepalived])).stdout);
      const problems = [
        kv.keepalived !== 'active' ? `${keepalived} is ${kv.keepalived ?? 'unknown'}` : '',
        kv.conntrackd !== 'ok' ? 'conntrackd does not answer' : '',
        !kv.group ? `no VRRP group state in ${stateDir}` : kv.fresh !== 'yes' ? 'no VRRP state recorded since the start' : !['BACKUP', 'MASTER'].includes(kv.group) ? `VRRP group is ${kv.group}` : '',
      ].filter(Boolean);
      return problems.length ? problems.join(', ') : undefined;
    });
    if (sick !== undefined) throw new Error(`${host}: ${unit} restarted after handing the VIPs over, but the node is not healthy after ${healthy}s: ${sick}; the peer keeps the VIPs`);
    return { changed: true, warnings: [`VIPs ${vipList.join(', ')} handed to the peer before restarting ${unit}: ${keepalived} stopped in ${secs(stoppedMs)}, the peer answered for them ${secs(tookMs)} later`] };
  }

  return {
    module: 'handoverRestart',
    ...passThrough(args, `restart ${unit}, handing the VIPs over first if this node holds them`),
    probes: (facts) => [
      ADDRESSES_PROBE,
      unitProbe(unit, facts),
      { argv: ['sh', '-c', STARTED_PROBE, 'sh', unit, ...watch] },
    ],
    parse: ([addr, u, started], facts) => {
      const have = new Set(parseIpv4Addresses(addr?.stdout ?? ''));
      return { unit: parseUnitState(unit, u, facts), holds: vipList.filter((v) => have.has(v)), ...parseStarted(started) };
    },
    compare(s, facts) {
      if ('error' in s.unit) return { status: 'fail', reason: s.unit.error };
      if (facts.init !== 'systemd') return { status: 'fail', reason: `handoverRestart drives keepalived through systemd; this host runs ${facts.init}` };
      const u: UnitView = s.unit;
      if (!u.exists) return { status: 'depends', reason: `unit ${unit} not present yet (would restart)` };
      if (!u.active) return { status: 'change', reason: `start (${u.activeText})`, plan: { mode: 'start', daemonReload: u.needReload } };
      if (watch.length && s.startedAt !== undefined && (!s.changed || s.startedAt > s.changed.mtime)) {
        return { status: 'ok', reason: `${unit} started after the last change${s.changed ? ` of ${s.changed.path}` : ''}: nothing to restart` };
      }
      const why = s.changed && watch.length ? ` (${s.changed.path} changed since it started)` : '';
      if (s.holds.length) {
        return { status: 'change', reason: `hand over and restart: this node holds ${s.holds.join(', ')}; hand them to the peer, restart ${unit}${why}`, plan: { mode: 'handover', daemonReload: u.needReload } };
      }
      return { status: 'change', reason: `restart ${unit}${why} (no VIPs here)`, plan: { mode: 'restart', daemonReload: u.needReload } };
    },
    async apply(conn, plan, facts) {
      if (plan.daemonReload) await unitCommand(conn, facts.init, unit, 'daemon-reload');
      if (plan.mode === 'start') await unitCommand(conn, facts.init, unit, 'start');
      else if (plan.mode === 'restart') await unitCommand(conn, facts.init, unit, 'restart');
      else return handover(conn, facts);
      return { changed: true };
    },
  };
}
