import type { Task } from '../task/task.ts';
import { check } from '../connection/errors.ts';
import { absolutePath, ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';
import { describeKind, type PathState, readPath } from './path-state.ts';

/** Removing one of these is never what a role meant: a variable that came out empty, most likely. */
const SYSTEM_DIRS = new Set(['/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var']);

export interface AbsentArgs extends TaskOptions {
  path: string;
}

export interface AbsentPlan {
  kind: PathState['kind'];
}

export function absent(args: AbsentArgs): Task<PathState, AbsentPlan> {
  const path = absolutePath('absent', args.path);
  if (path === '/' || SYSTEM_DIRS.has(path)) throw new ModuleArgumentError('absent', `refusing to remove ${JSON.stringify(args.path)}`);
  return {
    module: 'absent',
    ...passThrough(args, `absent ${path}`),
    ...readPath(path),
    compare(actual) {
      if (actual.kind === 'error') return { status: 'fail', reason: actual.message };
      if (actual.kind === 'missing') return { status: 'ok', reason: 'already absent' };
      return { status: 'change', reason: `remove ${describeKind(actual)}`, plan: { kind: actual.kind } };
    },
    async apply(conn) {
      // No trailing slash on path (absolutePath strips it), so a symlink to a directory loses the link only.
      await check(conn, ['rm', '-rf', '--', path]);
      return { changed: true };
    },
  };
}
