import type { Task } from '../task/task.ts';
import { absolutePath, accountName, formatMode, ModuleArgumentError, parseMode, passThrough, type TaskOptions } from './common.ts';
import { describeKind, metaDiffs, type PathState, readPath } from './path-state.ts';
import { setMetadata } from './write.ts';

export interface PermissionsArgs extends TaskOptions {
  path: string;
  owner?: string;
  group?: string;
  /** The exact mode. */
  mode?: string;
  /** Instead of an exact mode: bits that must be cleared (0o022 = no group/other write). */
  clearBits?: string;
}

/**
 * Ownership and mode of a path another role (or a package) creates. A path that does not
 * exist yet is skipped, not created: a hardening pass can run before or after the roles that
 * install the files. Symlinks are refused rather than followed.
 */
export function permissions(args: PermissionsArgs): Task<PathState, { mode: number }> {
  const path = absolutePath('permissions', args.path);
  const owner = accountName('permissions', 'owner', args.owner ?? 'root');
  const group = accountName('permissions', 'group', args.group ?? 'root');
  if ((args.mode === undefined) === (args.clearBits === undefined)) throw new ModuleArgumentError('permissions', `${path}: give either mode or clearBits`);
  const exact = args.mode !== undefined ? parseMode('permissions', args.mode) : undefined;
  const clear = args.clearBits !== undefined ? parseMode('permissions', args.clearBits) : 0;
  const wantOf = (have: number) => exact ?? (have & ~clear);
  const shown = exact !== undefined ? formatMode(exact) : `without ${formatMode(clear)}`;
  return {
    module: 'permissions',
    ...passThrough(args, `permissions ${path} ${owner}:${group} ${shown}`),
    ...readPath(path),
    compare(s) {
      if (s.kind === 'error') return { status: 'fail', reason: s.message };
      if (s.kind === 'missing') return { status: 'skip', reason: `${path} does not exist (yet)` };
      if (s.kind !== 'file' && s.kind !== 'directory') return { status: 'fail', reason: `${path} is ${describeKind(s)}: not changed` };
      const mode = wantOf(s.meta.mode);
      const what = metaDiffs(s.meta, { owner, group, mode });
      if (what.length === 0) return { status: 'ok', reason: `${owner}:${group} ${formatMode(mode)}` };
      return { status: 'change', reason: what.join(', '), plan: { mode } };
    },
    async apply(conn, plan) {
      await setMetadata(conn, path, owner, group, plan.mode);
      return { changed: true };
    },
  };
}
