import type { Measured, DrillContext } from '../window.ts';

/** Figures a scenario measured; each is absent when the scenario does not measure it. */
export interface Metrics {
  /** Fault -> every VIP on the other node (worst switch of the scenario), ms. */
  vipMoveMs?: number;
  /** Fault -> first ping reply through the other node (worst switch), ms. */
  restoredMs?: number;
  /** Pings lost in the worst switch, and longest gap between replies (100 pps). */
  pingLost?: number;
  pingLongestGapMs?: number;
  /** Pings lost over the whole scenario. */
  pingLostTotal?: number;
  tcpResets?: number;
  tcpDropped?: number;
  udpLossPct?: number;
  /** Backup's external cache / master's internal cache at the last sample before the first fault. */
  syncParityPct?: number;
  failovers?: number;
  /** keepalived's own state changes on both nodes in a window that should have none (flap, soak). */
  vrrpTransitions?: number;
  /** Their causes: health-check runs that failed (timeouts included), and elections the master saw a backup force. */
  checkFailures?: number;
  forcedElections?: number;
  /** Number of VIP moves that were expected to happen (switches). */
  switches?: number;
  rolesBackS?: number;
  preferredMasterS?: number;
  connections?: number;
  parityWithin2sPct?: number;
  syncLatencyP50Ms?: number;
  syncLatencyP99Ms?: number;
  syncLatencyMaxMs?: number;
  aliveAfterFailover?: number;
  driftMissing?: number;
  driftExtra?: number;
  /** bgp mode: fault -> the route server's best path at the new primary (worst switch), ms. */
  routeMovedMs?: number;
  /** bgp mode: the new master's MASTER -> its announcement as primary done (journal, worst switch), ms. */
  announceMs?: number;
  /** Worst time forwarding stayed held on the new master after it entered MASTER (journal), ms. */
  holdMs?: number;
  /** Partitions: time a VIP had two holders, s; cut -> first such moment, heal -> one holder per VIP again, ms. */
  splitBrainS?: number;
  splitBrainAfterMs?: number;
  healedAfterMs?: number;
  /** Partitions: connections opened during the cut that the backup's external cache lacked at the heal, and heal -> it had them all, ms. */
  missedByBackup?: number;
  resyncedAfterMs?: number;
}

export interface ScenarioResult {
  name: string;
  title: string;
  ok: boolean;
  error?: string;
  startedAt: string;
  durationS: number;
  metrics: Metrics;
  /** Per-switch figures (vip move, outage) for the report's detail table. */
  switches: {
    what: string; to: string; vipMoveMs?: number; restoredMs?: number; lost: number; gapMs: number;
    /** From the new master's journal: fault -> MASTER, MASTER -> conntrackd commit done, MASTER -> forwarding released. */
    vrrpMs?: number; commitMs?: number; holdMs?: number;
    /** The 1000 pps UDP stream's datagrams lost at this switch, and the outage they make. */
    udpLost?: number; udpOutageMs?: number;
    /** bgp mode: MASTER -> announced as primary (journal); fault -> the route server's route at the new node. */
    announceMs?: number; routeMs?: number;
  }[];
  runs: Measured[];
  /** Alerts Prometheus had firing during the scenario's windows (filled in by the report). */
  alerts?: string[];
  /** Extra series for charts (e.g. stress sync coverage over time). */
  series?: Record<string, { t: number; v: number }[]>;
  notes: string[];
}

export type ScenarioParams = Record<string, number | string | boolean>;

export interface Scenario {
  name: string;
  title: string;
  defaults: ScenarioParams;
  run(ctx: DrillContext, params: ScenarioParams): Promise<Omit<ScenarioResult, 'name' | 'title' | 'ok' | 'startedAt' | 'durationS'>>;
}
