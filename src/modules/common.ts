import { posix } from 'node:path';
import type { Facts } from '../facts/types.ts';
import { TsPlayError } from '../base/errors.ts';

/** What every module factory accepts besides its own arguments, passed through to the Task. */
export interface TaskOptions {
  name?: string;
  tags?: string[];
  /** Handler names queued when the task changes something. */
  notify?: string | string[];
  when?: (facts: Facts) => boolean | string;
}

/** A module argument that can never work: thrown while the role builds its tasks, before any connection. */
export class ModuleArgumentError extends TsPlayError {
  constructor(module: string, message: string) {
    super(`${module}: ${message}`);
  }
}

/** The Task fields that come straight from TaskOptions. */
export function passThrough(opts: TaskOptions, defaultName: string) {
  return {
    name: opts.name ?? defaultName,
    ...(opts.tags ? { tags: [...opts.tags] } : {}),
    ...(opts.notify !== undefined ? { notify: typeof opts.notify === 'string' ? [opts.notify] : [...opts.notify] } : {}),
    ...(opts.when ? { when: opts.when } : {}),
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
