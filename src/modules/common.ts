import { posix } from 'node:path';
import type { Facts } from '../facts/types.ts';
import type { Results, TaskRecord } from '../task/task.ts';
import { TsPlayError } from '../base/errors.ts';

/** What every module factory accepts besides its own arguments, passed through to the Task. */
export interface TaskOptions<R = unknown> {
  name?: string;
  tags?: string[];
  /** Handler names queued when the task changes something. */
  notify?: string | string[];
  /** Asked when the task's turn comes: `(facts, results) => results.of(upgrade)?.result?.rebootNeeded ?? 'nothing upgraded'`. */
  when?: (facts: Facts, results: Results) => boolean | string;
  /** Tries after the first, `delay` seconds apart (default 5), while the task fails or `until` says no. */
  retries?: number;
  delay?: number;
  until?: (record: TaskRecord<R>) => boolean;
}

/** A module argument that can never work: thrown while the role builds its tasks, before any connection. */
export class ModuleArgumentError extends TsPlayError {
  constructor(module: string, message: string) {
    super(`${module}: ${message}`);
  }
}

function retryCount(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1000) throw new ModuleArgumentError('task', `retries must be a whole number 0..1000, got ${JSON.stringify(v)}`);
  return v;
}

function delaySeconds(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 3600) throw new ModuleArgumentError('task', `delay must be 0..3600 seconds, got ${JSON.stringify(v)}`);
  return v;
}

/** The Task fields that come straight from TaskOptions. */
export function passThrough<R = unknown>(opts: TaskOptions<R>, defaultName: string) {
  return {
    name: opts.name ?? defaultName,
    ...(opts.tags ? { tags: [...opts.tags] } : {}),
    ...(opts.notify !== undefined ? { notify: typeof opts.notify === 'string' ? [opts.notify] : [...opts.notify] } : {}),
    ...(opts.when ? { when: opts.when } : {}),
    ...(opts.retries !== undefined ? { retries: retryCount(opts.retries) } : {}),
    ...(opts.delay !== undefined ? { delay: delaySeconds(opts.delay) } : {}),
    ...(opts.until ? { until: opts.until } : {}),
  };
}

/**
 * An absolute path without `.`/`..` segments, duplicate or trailing slashes collapsed.
 * `..` is refused rather than resolved: a path that climbs is almost always a bug in a variable.
 */
export function absolutePath(module: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new ModuleArgumentError(module, `path must be absolute, got ${JSON.stringify(path)}`);
  }
  if (path.includes('\0') || path.includes('\n')) throw new ModuleArgumentError(module, `path contains a NUL or newline: ${JSON.stringify(path)}`);
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) {
    throw new ModuleArgumentError(module, `path must not contain . or .. segments: ${path}`);
  }
  return posix.join('/', ...segments);
}

const MODE = /^[0-7]{3,4}$/;

/** Parses an octal mode string ('0644', '755') to its number. */
export function parseMode(module: string, mode: string): number {
  if (typeof mode !== 'string' || !MODE.test(mode)) {
    throw new ModuleArgumentError(module, `mode must be an octal string like '0644', got ${JSON.stringify(mode)}`);
  }
  return parseInt(mode, 8);
}

export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

const ACCOUNT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

/** A user or group name (or numeric id) as chown accepts it; a colon or space would change its meaning. */
export function accountName(module: string, what: 'owner' | 'group', v: string): string {
  if (typeof v !== 'string' || !ACCOUNT.test(v)) throw new ModuleArgumentError(module, `${what} must be a user/group name or id, got ${JSON.stringify(v)}`);
  return v;
}

/** First line of a command's error output, for reasons that must stay on one line. */
export function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}
