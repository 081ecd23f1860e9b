import { posix } from 'node:path';
import type { Task } from '../task/task.ts';
import { trimStderr } from '../connection/errors.ts';
import { absolutePath, ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';
import { describeKind, type PathState, readPath } from './path-state.ts';
import { tempPathFor } from './write.ts';

export interface SymlinkArgs extends TaskOptions {
  path: string;
  /** What the link points to, stored verbatim (relative targets stay relative). */
  target: string;
  /** Replace a regular file or directory standing at path. */
  force?: boolean;
}

export interface SymlinkPlan {
  replacing: PathState['kind'];
}

// Positional args: path target temp force(yes|no). A new link is made beside the path and
// renamed over it (mv -T), so an existing link is swapped atomically. Without force, anything
// but a link at path is refused again here: the compare may have been made against older state.
const LINK_SCRIPT = `p=$1 tgt=$2 t=$3 force=$4
d=\${p%/*}; [ -n "$d" ] || d=/
[ -d "$d" ] || { printf 'directory %s does not exist\\n' "$d" >&2; exit 90; }
if [ ! -L "$p" ] && [ -e "$p" ]; then
  [ "$force" = yes ] || { printf '%s exists and is not a symlink (force not set)\\n' "$p" >&2; exit 91; }
  if [ -d "$p" ]; then rm -rf -- "$p" || exit 92; fi
fi
ln -s -- "$tgt" "$t" || exit 93
mv -Tf -- "$t" "$p" || { rm -f -- "$t"; exit 94; }`;

export function symlink(args: SymlinkArgs): Task<PathState, SymlinkPlan> {
  const path = absolutePath('symlink', args.path);
  const target = args.target;
  if (typeof target !== 'string' || target === '' || target.includes('\n') || target.includes('\0')) {
    throw new ModuleArgumentError('symlink', `${path}: target must be a non-empty path, got ${JSON.stringify(target)}`);
  }
  const force = args.force ?? false;
  return {
    module: 'symlink',
    ...passThrough(args, `symlink ${path} -> ${target}`),
    ...readPath(path),
    compare(actual) {
      switch (actual.kind) {
        case 'error':
          return { status: 'fail', reason: actual.message };
        case 'symlink':
          if (actual.target === target) return { status: 'ok', reason: `points to ${target}` };
          return { status: 'change', reason: `retarget ${actual.target} -> ${target}`, plan: { replacing: 'symlink' } };
        case 'missing': {
          const note = actual.parentExists ? '' : `; directory ${posix.dirname(path)} does not exist yet`;
          return { status: 'change', reason: `create -> ${target}${note}`, plan: { replacing: 'missing' } };
        }
        default:
          if (!force) {
            return { status: 'fail', reason: `${path} is ${describeKind(actual)}; refusing to replace it with a symlink without force: true` };
          }
          return { status: 'change', reason: `replace ${describeKind(actual)} with a symlink -> ${target}`, plan: { replacing: actual.kind } };
      }
    },
    async apply(conn) {
      const argv = ['sh', '-c', LINK_SCRIPT, 'sh', path, target, tempPathFor(path), force ? 'yes' : 'no'];
      const r = await conn.exec(argv);
      if (r.code === 90 || r.code === 91) throw new Error(`${conn.host}: ${path}: ${trimStderr(r.stderr)}`);
      if (r.code !== 0) throw new Error(`${conn.host}: ${path}: making the symlink failed (exit ${r.code}): ${trimStderr(r.stderr)}`);
      return { changed: true };
    },
  };
}
