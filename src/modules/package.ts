import semver from 'semver';
import type { Connection } from '../connection/types.ts';
import type { Task } from '../task/task.ts';
import { CommandError, check } from '../connection/errors.ts';
import { isInstalled, packagesProbe, parseDpkgQuery, type InstalledPackage, type PackageState } from '../facts/packages.ts';
import { ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';

export interface PackageArgs extends TaskOptions {
  names: string | string[];
  state?: 'present' | 'absent';
  /** Lowest acceptable upstream version, compared with semver after coercion ("2.2", "1.4.7"). */
  minVersion?: string;
}

export interface PackagePlan {
  action: 'install' | 'remove';
  names: string[];
}

const NAME = /^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?$/;
const APT_ENV = ['env', 'DEBIAN_FRONTEND=noninteractive'];
// Wait for a concurrent apt/unattended-upgrades instead of failing at once.
const LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=120'];
export const APT_INSTALL = [
  ...APT_ENV, 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...LOCK_WAIT,
  '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold',
];
export const APT_REMOVE = [...APT_ENV, 'apt-get', 'remove', '-y', '-q', ...LOCK_WAIT];
/** "upgrade" that may install new dependencies (a new kernel ABI's image) but never removes a package. */
export const APT_UPGRADE = [
  ...APT_ENV, 'apt-get', 'upgrade', '-y', '-q', '--with-new-pkgs', ...LOCK_WAIT,
  '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold',
];
export const APT_UPDATE = [...APT_ENV, 'apt-get', 'update', '-q', ...LOCK_WAIT];
/** apt's answers when the package lists are missing or stale: worth one `apt-get update`. */
const NEEDS_UPDATE = /Unable to locate package|has no installation candidate|is not available, but is referred to/;

/** The upstream part of a Debian version: no epoch, no Debian revision ("1:2.2.7-1+deb12u1" -> "2.2.7"). */
export function upstreamVersion(debian: string): string {
  const noEpoch = debian.replace(/^\d+:/, '');
  const dash = noEpoch.lastIndexOf('-');
  return dash === -1 ? noEpoch : noEpoch.slice(0, dash);
}

/** True when the installed Debian version is at least min; undefined when it cannot be read as a version. */
export function satisfiesMin(debian: string, min: string): boolean | undefined {
  const have = semver.coerce(upstreamVersion(debian));
  const want = semver.coerce(min);
  if (!have || !want) return undefined;
  return semver.gte(have, want);
}

function baseName(n: string): string {
  return n.split(':')[0] ?? n;
}

export function pkg(args: PackageArgs): Task<PackageState, PackagePlan> {
  const names = typeof args.names === 'string' ? [args.names] : [...(args.names ?? [])];
  if (names.length === 0) throw new ModuleArgumentError('package', 'names must list at least one package');
  const badName = names.find((n) => typeof n !== 'string' || !NAME.test(n));
  if (badName !== undefined) throw new ModuleArgumentError('package', `not a Debian package name: ${JSON.stringify(badName)}`);
  const state = args.state ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgumentError('package', `state must be present or absent, got ${JSON.stringify(state)}`);
  const min = args.minVersion;
  if (min !== undefined) {
    if (state === 'absent') throw new ModuleArgumentError('package', 'minVersion makes no sense with state: absent');
    if (!semver.coerce(min)) throw new ModuleArgumentError('package', `minVersion ${JSON.stringify(min)} is not a version`);
  }
  const probeArgv = packagesProbe(names).argv;
  const show = (n: string, p: InstalledPackage) => `${baseName(n)} ${p.version}`;

  /** What is still wrong with these packages, or [] when all are as wanted. */
  function problems(installed: Record<string, InstalledPackage>): { todo: string[]; notes: string[] } {
    const todo: string[] = [];
    const notes: string[] = [];
    for (const n of names) {
      const p = installed[baseName(n)];
      if (state === 'absent') {
        if (p && isInstalled(p)) {
          todo.push(n);
          notes.push(`remove ${show(n, p)}`);
        }
      } else if (!p || !isInstalled(p)) {
        todo.push(n);
        notes.push(p && p.status.trim() !== 'un' ? `install ${n} (dpkg status ${p.status.trim()})` : `install ${n}`);
      } else if (min !== undefined && satisfiesMin(p.version, min) !== true) {
        todo.push(n);
        notes.push(`upgrade ${show(n, p)} (< ${min})`);
      }
    }
    return { todo, notes };
  }

  async function aptInstall(conn: Connection, todo: string[]): Promise<void> {
    const argv = [...APT_INSTALL, ...todo];
    let r = await conn.exec(argv);
    if (r.code !== 0 && NEEDS_UPDATE.test(r.stderr + r.stdout)) {
      await check(conn, APT_UPDATE);
      r = await conn.exec(argv);
    }
    if (r.code !== 0) throw new CommandError(conn.host, argv, r);
  }

  return {
    module: 'package',
    ...passThrough(args, `package ${state === 'absent' ? 'absent ' : ''}${names.join(' ')}${min ? ` >= ${min}` : ''}`),
    probes: () => [{ argv: probeArgv }],
    parse: ([r]) => (r ? parseDpkgQuery(r) : { error: 'no probe result' }),
    compare(actual) {
      if ('error' in actual) return { status: 'fail', reason: actual.error };
      const { todo, notes } = problems(actual.packages);
      if (todo.length > 0) return { status: 'change', reason: notes.join('; '), plan: { action: state === 'absent' ? 'remove' : 'install', names: todo } };
      if (state === 'absent') return { status: 'ok', reason: `not installed: ${names.join(', ')}` };
      return { status: 'ok', reason: `installed: ${names.map((n) => show(n, actual.packages[baseName(n)]!)).join(', ')}` };
    },
    async apply(conn, plan) {
      if (plan.action === 'remove') {
        await check(conn, [...APT_REMOVE, ...plan.names]);
        return { changed: true };
      }
      await aptInstall(conn, plan.names);
      // apt succeeds even when its candidate is older than minVersion: read back so that shows as a failure now.
      const after = parseDpkgQuery(await conn.exec(probeArgv));
      if ('error' in after) throw new Error(`${conn.host}: after apt-get install: ${after.error}`);
      const left = problems(after.packages);
      if (left.todo.length > 0) {
        throw new Error(`${conn.host}: apt-get install succeeded but still: ${left.notes.join('; ')} (no newer candidate in the apt sources?)`);
      }
      return { changed: true };
    },
  };
}

/** Same as pkg(); reads better for a list. */
export const packages = pkg;
