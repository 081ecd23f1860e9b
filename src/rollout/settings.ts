import { TsPlayError } from '../base/errors.ts';

/**
 * What the gates need from a gateway's variables. The engine gives hooks the inventory, play
 * and -e layers only (role defaults are not merged there), so the playbook passes the role
 * defaults it wants the gates to fall back on.
 */
export interface PairSettings {
  host: string;
  /**
   * The VIPs that move between the nodes, as plain IPs: LAN first, then WAN. In bgp mode only
   * the LAN VIP: the shared WAN IP is on the MASTER's lo and the BGP announcement moves it.
   */
  vips: string[];
  /** bgp mode: the shared IP is announced to route servers, primary by the VIP holder only. */
  bgp: boolean;
  preferred: 'master' | 'backup';
  priority?: number;
  peerPriority?: number;
  /** Seconds a node waits before taking the VIPs back; 0 with nopreempt. */
  preemptDelay: number;
  nopreempt: boolean;
  stateDir: string;
  checkUser: string;
  conntrackdConfig: string;
  /** Entries the backup's external cache may differ from the master's internal cache. */
  syncMargin: number;
  /** The same as a share of the master's internal cache (whichever is larger wins). */
  syncMarginPercent: number;
  /** Seconds a gate keeps re-reading before it gives up (short hiccups pass). */
  gateTimeout: number;
  /** Seconds, beyond the preempt delay, the after-gate waits for the node's expected role. */
  settleTimeout: number;
  /**
   * bgp mode: seconds the after-gate waits for a node's route-server sessions, when that is all
   * that is missing. A route server may hold a session back after what it counts as an error
   * (BIRD: 60 s, doubling up to 300 s), and a planned FRR restart with BFD is one: BFD goes down
   * before BGP.
   */
  sessionTimeout: number;
}

/** The rollout's own variables (override with inventory or -e). */
export const rolloutDefaults = {
  rollout_sync_margin: 20,
  rollout_sync_margin_percent: 2,
  rollout_gate_timeout: 20,
  rollout_settle_timeout: 30,
  rollout_bgp_session_timeout: 330,
};

export class SettingsError extends TsPlayError {}

const ip = (v: unknown) => String(v).split('/')[0]!;

function num(vars: Record<string, unknown>, key: string, host: string): number {
  const v = vars[key];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new SettingsError(`${host}: ${key} must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

function str(vars: Record<string, unknown>, key: string, host: string): string {
  const v = vars[key];
  if (typeof v !== 'string' || v === '') throw new SettingsError(`${host}: ${key} is not set (the rollout gates need it)`);
  return v;
}

export function pairSettings(host: string, hostVars: Record<string, unknown>, fallback: Record<string, unknown> = {}): PairSettings {
  const v: Record<string, unknown> = { ...rolloutDefaults, ...fallback, ...hostVars };
  const priority = typeof v.keepalived_priority === 'number' ? v.keepalived_priority : undefined;
  const peerPriority = typeof v.keepalived_peer_priority === 'number' ? v.keepalived_peer_priority : undefined;
  let preferred = v.node_role_preferred;
  if (preferred !== 'master' && preferred !== 'backup') {
    if (priority === undefined || peerPriority === undefined) throw new SettingsError(`${host}: node_role_preferred must be master or backup, got ${JSON.stringify(preferred)}`);
    preferred = priority > peerPriority ? 'master' : 'backup';
  }
  const bgp = v.keepalived_vip_mode === 'bgp';
  const nopreempt = v.keepalived_nopreempt === true || bgp;
  return {
    host,
    vips: bgp ? [ip(str(v, 'lan_vip', host))] : [ip(str(v, 'lan_vip', host)), ip(str(v, 'wan_vip', host))],
    bgp,
    preferred: preferred as 'master' | 'backup',
    ...(priority !== undefined ? { priority } : {}),
    ...(peerPriority !== undefined ? { peerPriority } : {}),
    preemptDelay: nopreempt ? 0 : num(v, 'keepalived_preempt_delay', host),
    nopreempt,
    stateDir: str(v, 'keepalived_state_dir', host),
    checkUser: str(v, 'healthcheck_user', host),
    conntrackdConfig: str(v, 'conntrackd_config', host),
    syncMargin: num(v, 'rollout_sync_margin', host),
    syncMarginPercent: num(v, 'rollout_sync_margin_percent', host),
    gateTimeout: num(v, 'rollout_gate_timeout', host),
    settleTimeout: num(v, 'rollout_settle_timeout', host),
    sessionTimeout: num(v, 'rollout_bgp_session_timeout', host),
  };
}
