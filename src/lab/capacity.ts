/**
 * What `lab up` checks before booting light hosts by the hundred: it never turns a machine-wide
 * knob, so it refuses what cannot fit and says what will degrade, naming the knob and the figures.
 * The estimates are docs/lab.md's measurements with a margin.
 */
import { readFileSync } from 'node:fs';

/** MemAvailable one light host takes: measured 9.5 MiB (sshd, nspawn, its supervisor, namespace, veths, overlay). */
export const LIGHT_HOST_MIB = 12;
/** Left to the machine after the lab: ts-play and ssh run beside the hosts, a run of 500 takes hundreds of MiB. */
export const RESERVE_MIB = 2048;
/** Processes a light host holds (supervisor shell, nspawn, its stub init, sshd) and one SSH session adds. */
export const LIGHT_HOST_PIDS = 7;

export interface MachineLimits {
  memAvailableMiB: number;
  /** user.max_net_namespaces: network namespaces root may hold. */
  maxNetNamespaces: number;
  /** net.ipv4.neigh.default.gc_thresh2 and gc_thresh3: the kernel's one ARP table, shared by every namespace. */
  neighGcThresh2: number;
  neighGcThresh3: number;
  pidMax: number;
}

export interface Capacity {
  /** Reasons not to start: `up` throws them before booting anything. */
  refuse: string[];
  /** What will work but degrade: `up` says them and goes on. */
  warn: string[];
}

/**
 * `adding`: light hosts about to boot; `total`: every host of the lab after `up` (each one a
 * namespace, and two neighbour entries: the control side's for it and its own for the control side).
 */
export function capacity(adding: number, total: number, m: MachineLimits): Capacity {
  const refuse: string[] = [];
  const warn: string[] = [];
  const need = adding * LIGHT_HOST_MIB;
  if (adding > 0 && need > m.memAvailableMiB - RESERVE_MIB) {
    refuse.push(`${adding} more light hosts need about ${need} MiB (${LIGHT_HOST_MIB} MiB each) and ${RESERVE_MIB} MiB must stay free: MemAvailable is ${m.memAvailableMiB} MiB`);
  }
  // The fabric namespace comes on top of one per host.
  if (total + 1 > m.maxNetNamespaces) refuse.push(`${total} hosts need ${total + 1} network namespaces: user.max_net_namespaces is ${m.maxNetNamespaces}`);
  if (total * LIGHT_HOST_PIDS > m.pidMax / 2) refuse.push(`${total} hosts may hold ${total * LIGHT_HOST_PIDS} processes during a run, more than half of kernel.pid_max (${m.pidMax})`);
  const neighbours = 2 * total;
  if (neighbours > m.neighGcThresh3) {
    warn.push(`${total} hosts make about ${neighbours} ARP entries, over net.ipv4.neigh.default.gc_thresh3 (${m.neighGcThresh3}): the kernel evicts entries to make room ("neighbour table overflow" in the kernel log when it cannot), and connections wait for ARP again`);
  } else if (neighbours > m.neighGcThresh2) {
    warn.push(`${total} hosts make about ${neighbours} ARP entries, over net.ipv4.neigh.default.gc_thresh2 (${m.neighGcThresh2}): the kernel garbage-collects entries older than 5 s, so some connections wait for ARP again`);
  }
  return { refuse, warn };
}

function number(path: string, fallback: number): number {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) ? n : fallback;
  } catch {
    return fallback;
  }
}

export function machineLimits(): MachineLimits {
  const mem = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return {
    memAvailableMiB: mem ? Math.floor(Number(mem[1]) / 1024) : 0,
    maxNetNamespaces: number('/proc/sys/user/max_net_namespaces', Infinity),
    neighGcThresh2: number('/proc/sys/net/ipv4/neigh/default/gc_thresh2', 512),
    neighGcThresh3: number('/proc/sys/net/ipv4/neigh/default/gc_thresh3', 1024),
    pidMax: number('/proc/sys/kernel/pid_max', 32768),
  };
}
