import type { Connection, ExecResult } from '../connection/types.ts';
import type { Task } from '../task/task.ts';
import { check } from '../connection/errors.ts';
import { APT_PLAN_PROBE, isKernelPackage, isSecurityUpgrade, parseAptPlan, type AptPlan, type PendingUpgrade } from '../facts/apt.ts';
import { packagesProbe, parseDpkgQuery } from '../facts/packages.ts';
import { describeRebootNeed, parseRebootNeed, REBOOT_NEED_PROBE, type RebootNeed } from '../facts/reboot.ts';
import { ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';
import { APT_INSTALL, APT_UPGRADE } from './package.ts';

/** One package an upgrade changed (or, in check mode, would change). */
export interface PackageChange {
  name: string;
  /** Absent for a package the upgrade brought in (a new kernel image). */
  from?: string;
  to: string;
}

export interface AptUpgradeResult {
  upgraded: PackageChange[];
  /** Held packages (apt-mark hold) the upgrade left alone. */
  held: string[];
  /** After the upgrade; in check mode, what the upgrade would bring (a kernel, a library in use). */
  reboot: RebootNeed;
}

/** all: every upgrade; 'security': only those from Debian's security archive; a list: only these packages. */
export type UpgradeSelection = 'all' | 'security' | string[];

export interface AptUpgradeArgs extends TaskOptions<AptUpgradeResult> {
  only?: UpgradeSelection;
}

export interface AptUpgradeState {
  plan: AptPlan | { error: string };
  reboot: RebootNeed | { error: string };
}

export interface AptUpgradePlan {
  todo: PendingUpgrade[];
  held: string[];
}

const NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** apt's simulation and whether the host needs a reboot now: one read for upgrade and pending alike. */
const readUpgrades = {
  probes: () => [APT_PLAN_PROBE, REBOOT_NEED_PROBE],
  parse: ([plan, reboot]: ExecResult[]): AptUpgradeState => ({ plan: parseAptPlan(plan), reboot: parseRebootNeed(reboot) }),
};
const show = (u: PackageChange) => `${u.name} ${u.from ?? '(new)'} -> ${u.to}`;

/** What the selection upgrades out of what apt would, held packages always left out. */
export function selectUpgrades(plan: AptPlan, only: UpgradeSelection): { todo: PendingUpgrade[]; heldWanted: string[]; notPending: string[] } {
  const held = new Set(plan.held);
  const wanted = (u: PendingUpgrade) => (only === 'all' ? true : only === 'security' ? isSecurityUpgrade(u) : only.includes(u.name));
  const todo = plan.upgrades.filter((u) => wanted(u) && !held.has(u.name));
  const heldWanted = Array.isArray(only) ? only.filter((n) => held.has(n)) : plan.held;
  const notPending = Array.isArray(only) ? only.filter((n) => !held.has(n) && !plan.upgrades.some((u) => u.name === n)) : [];
  return { todo, heldWanted, notPending };
}

/** Whether these upgrades would need a reboot: a kernel, or a library a running program maps. */
export function predictReboot(todo: PendingUpgrade[], now: RebootNeed): RebootNeed {
  const reasons = [...now.reasons];
  for (const u of todo) {
    if (isKernelPackage(u.name)) reasons.push(`kernel package ${u.name} ${u.to}`);
    else if (u.usedBy.length) reasons.push(`${u.name} replaces a library ${u.usedBy.slice(0, 4).join(', ')}${u.usedBy.length > 4 ? ` and ${u.usedBy.length - 4} more` : ''} run${u.usedBy.length === 1 ? 's' : ''} on`);
  }
  return { needed: reasons.length > 0, reasons };
}

/**
 * Package upgrades, like Ansible's apt upgrade with a list of what changed: all of them, only
 * Debian's security updates (by the archive they come from, as unattended-upgrades filters),
 * or a named list. Held packages (apt-mark hold) are never upgraded. The comparison is apt's
 * own simulation (`apt-get -s`), so check mode lists exactly what would be upgraded and whether
 * a reboot would be needed; apply upgrades the versions the simulation named, reads back what
 * is installed now and whether the host needs a reboot (the result later tasks read).
 */
function selection(args: AptUpgradeArgs): UpgradeSelection {
  const only = args.only ?? 'all';
  if (Array.isArray(only)) {
    if (only.length === 0) throw new ModuleArgumentError('aptUpgrade', 'only: an empty list upgrades nothing; leave it out to upgrade all');
    const bad = only.find((n) => typeof n !== 'string' || !NAME.test(n));
    if (bad !== undefined) throw new ModuleArgumentError('aptUpgrade', `not a Debian package name: ${JSON.stringify(bad)}`);
  } else if (only !== 'all' && only !== 'security') {
    throw new ModuleArgumentError('aptUpgrade', `only must be all, security or a list of packages, got ${JSON.stringify(only)}`);
  }
  return only;
}

const describe = (only: UpgradeSelection) => (only === 'all' ? 'all packages' : only === 'security' ? 'security updates' : only.join(' '));

/** What the upgrade would do from this state: nothing (ok, with why), a failure, or the upgrade and its reason. */
function judge(s: AptUpgradeState, only: UpgradeSelection): { fail: string } | { ok: string } | { change: string; plan: AptUpgradePlan } {
  if ('error' in s.plan) return { fail: s.plan.error };
  if ('error' in s.reboot) return { fail: s.reboot.error };
  const { todo, heldWanted, notPending } = selectUpgrades(s.plan, only);
  const held = heldWanted.length ? `; held, left alone: ${heldWanted.join(', ')}` : '';
  const idle = notPending.length ? `; nothing newer for ${notPending.join(', ')}` : '';
  if (todo.length === 0) return { ok: `nothing to upgrade (${describe(only)})${held}${idle}; ${describeRebootNeed(s.reboot)}` };
  const reboot = predictReboot(todo, s.reboot);
  const list = todo.map((u) => show({ name: u.name, ...(u.from ? { from: u.from } : {}), to: u.to })).join(', ');
  return { change: `upgrade ${todo.length}: ${list}${held}${idle}; ${reboot.needed ? `would need a reboot: ${reboot.reasons.join('; ')}` : 'no reboot needed'}`, plan: { todo, held: heldWanted } };
}

function predicted(s: AptUpgradeState, only: UpgradeSelection): AptUpgradeResult {
  if ('error' in s.plan || 'error' in s.reboot) return { upgraded: [], held: [], reboot: { needed: false, reasons: [] } };
  const { todo, heldWanted } = selectUpgrades(s.plan, only);
  return { upgraded: todo.map((u) => ({ name: u.name, ...(u.from ? { from: u.from } : {}), to: u.to })), held: heldWanted, reboot: predictReboot(todo, s.reboot) };
}

export function aptUpgrade(args: AptUpgradeArgs = {}): Task<AptUpgradeState, AptUpgradePlan, AptUpgradeResult> {
  const only = selection(args);

  async function upgrade(conn: Connection, todo: PendingUpgrade[]): Promise<void> {
    // The whole set as one apt transaction; a list names the exact versions the simulation chose.
    if (only === 'all') await check(conn, APT_UPGRADE);
    else await check(conn, [...APT_INSTALL, '--only-upgrade', ...todo.map((u) => `${u.name}=${u.to}`)]);
  }

  return {
    module: 'aptUpgrade',
    ...passThrough(args, `upgrade ${describe(only)}`),
    ...readUpgrades,
    compare(s) {
      const j = judge(s, only);
      if ('fail' in j) return { status: 'fail', reason: j.fail };
      if ('ok' in j) return { status: 'ok', reason: j.ok };
      return { status: 'change', reason: j.change, plan: j.plan };
    },
    result: (s) => predicted(s, only),
    async apply(conn, plan) {
      const names = plan.todo.map((u) => u.name);
      await upgrade(conn, plan.todo);
      const after = parseDpkgQuery(await conn.exec(packagesProbe(names).argv));
      if ('error' in after) throw new Error(`${conn.host}: after the upgrade: ${after.error}`);
      const upgraded = plan.todo.flatMap((u): PackageChange[] => {
        const now = after.packages[u.name]?.version;
        return now && now !== u.from ? [{ name: u.name, ...(u.from ? { from: u.from } : {}), to: now }] : [];
      });
      const missed = plan.todo.filter((u) => !upgraded.some((c) => c.name === u.name)).map((u) => u.name);
      const need = parseRebootNeed(await conn.exec(REBOOT_NEED_PROBE.argv));
      const reboot = 'error' in need ? { needed: false, reasons: [] } : need;
      return {
        changed: upgraded.length > 0,
        stale: true,
        reason: `upgraded ${upgraded.length}: ${upgraded.map(show).join(', ') || 'none'}; ${describeRebootNeed(reboot)}`,
        ...(missed.length ? { warnings: [`apt succeeded but did not upgrade ${missed.join(', ')}`] } : {}),
        result: { upgraded, held: plan.held, reboot },
      };
    },
  };
}

/**
 * What an upgrade would do, read only: always ok, with the same result as aptUpgrade's check
 * mode. For deciding before the upgrade runs (hand the VIPs over only if the node has work).
 */
export function aptPending(args: AptUpgradeArgs = {}): Task<AptUpgradeState, never, AptUpgradeResult> {
  const only = selection(args);
  return {
    module: 'aptPending',
    ...passThrough(args, `pending upgrades (${describe(only)})`),
    ...readUpgrades,
    compare(s) {
      const j = judge(s, only);
      if ('fail' in j) return { status: 'fail', reason: j.fail };
      return { status: 'ok', reason: 'ok' in j ? j.ok : `pending: ${j.change.replace(/^upgrade /, '')}` };
    },
    result: (s) => predicted(s, only),
    async apply() {
      return { changed: false };
    },
  };
}
