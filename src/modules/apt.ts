import type { Task } from '../task/task.ts';
import { check } from '../connection/errors.ts';
import { APT_LISTS_AGE_PROBE, parseListsAge } from '../facts/apt.ts';
import { ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';
import { APT_UPDATE } from './package.ts';

export interface AptUpdateArgs extends TaskOptions {
  /** Seconds the package lists count as fresh (default 3600; 0 refreshes every run). */
  cacheValidTime?: number;
}

type ListsAge = { now: number; refreshed: number } | { error: string };

const STAMP = '/var/lib/apt/periodic/update-success-stamp';

function ago(s: number): string {
  if (s < 120) return `${Math.max(0, Math.round(s))}s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/**
 * Refreshes the package lists (`apt-get update`) when they are older than `cacheValidTime`,
 * like Ansible's apt update_cache with cache_valid_time. What was read about packages before
 * is stale afterwards, so the engine reads later tasks of the role again.
 */
export function aptUpdate(args: AptUpdateArgs = {}): Task<ListsAge, null> {
  const valid = args.cacheValidTime ?? 3600;
  if (typeof valid !== 'number' || !Number.isFinite(valid) || valid < 0) throw new ModuleArgumentError('aptUpdate', `cacheValidTime must be seconds >= 0, got ${JSON.stringify(valid)}`);
  return {
    module: 'aptUpdate',
    ...passThrough(args, 'refresh the package lists'),
    probes: () => [APT_LISTS_AGE_PROBE],
    parse: ([r]) => parseListsAge(r),
    compare(s) {
      if ('error' in s) return { status: 'fail', reason: s.error };
      const age = s.now - s.refreshed;
      if (s.refreshed > 0 && age < valid) return { status: 'ok', reason: `refreshed ${ago(age)} ago (valid ${ago(valid)})` };
      return { status: 'change', reason: s.refreshed > 0 ? `refresh (last ${ago(age)} ago)` : 'refresh (never refreshed)', plan: null };
    },
    async apply(conn) {
      await check(conn, APT_UPDATE);
      // apt leaves the lists untouched when nothing changed upstream: the stamp records the refresh.
      await check(conn, ['sh', '-c', 'mkdir -p -- "${1%/*}" && touch -- "$1"', 'sh', STAMP]);
      return { changed: true, stale: true };
    },
  };
}
