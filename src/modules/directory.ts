import type { Task } from '../task/task.ts';
import { check } from '../connection/errors.ts';
import { absolutePath, accountName, formatMode, parseMode, passThrough, type TaskOptions } from './common.ts';
import { describeKind, metaDiffs, type PathState, readPath } from './path-state.ts';
import { setMetadata } from './write.ts';

export interface DirectoryArgs extends TaskOptions {
  path: string;
  owner?: string;
  group?: string;
  mode?: string;
}

export type DirectoryPlan = { action: 'create' } | { action: 'metadata' };

// Missing parents are created too (with default ownership), as `mkdir -p` does.
const MKDIR = 'mkdir -p -- "$1" && chown -- "$2:$3" "$1" && chmod -- "$4" "$1"';

export function directory(args: DirectoryArgs): Task<PathState, DirectoryPlan> {
  const path = absolutePath('directory', args.path);
  const owner = accountName('directory', 'owner', args.owner ?? 'root');
  const group = accountName('directory', 'group', args.group ?? 'root');
  const mode = parseMode('directory', args.mode ?? '0755');
  const summary = `${owner}:${group} ${formatMode(mode)}`;
  return {
    module: 'directory',
    ...passThrough(args, `directory ${path}`),
    ...readPath(path),
    compare(actual) {
      if (actual.kind === 'error') return { status: 'fail', reason: actual.message };
      if (actual.kind === 'missing') return { status: 'change', reason: `create (${summary})`, plan: { action: 'create' } };
      if (actual.kind !== 'directory') {
        return { status: 'fail', reason: `${path} is ${describeKind(actual)}, not a directory; not replaced` };
      }
      const what = metaDiffs(actual.meta, { owner, group, mode });
      if (what.length === 0) return { status: 'ok', reason: `up to date (${summary})` };
      return { status: 'change', reason: what.join(', '), plan: { action: 'metadata' } };
    },
    async apply(conn, plan) {
      if (plan.action === 'metadata') await setMetadata(conn, path, owner, group, mode);
      else await check(conn, ['sh', '-c', MKDIR, 'sh', path, owner, group, formatMode(mode)]);
      return { changed: true };
    },
  };
}
