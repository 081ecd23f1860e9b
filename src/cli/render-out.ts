import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UsageError } from './args.ts';

/** Left in a directory `ts-play render` wrote, so a second render may write there again. */
export const RENDER_MARKER = '.ts-play-render';

// The machine's own system trees: rendered files at their host paths under one of these would
// overwrite this machine's configuration (`render --out /` wrote into /etc).
const SYSTEM_TREES = ['/etc', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/boot', '/proc', '/sys', '/dev', '/var', '/run', '/srv', '/opt'];
const SYSTEM_TOPS = ['/', '/home', '/root', '/tmp', '/mnt', '/media', '/var/tmp', '/run/user'];
const SCRATCH = ['/var/tmp/', '/run/user/'];

/** The path with symlinks resolved as far as it exists. */
function realish(p: string): string {
  let head = p;
  const tail: string[] = [];
  while (!existsSync(head) && dirname(head) !== head) {
    tail.unshift(basename(head));
    head = dirname(head);
  }
  return join(realpathSync(head), ...tail);
}

/**
 * The directory `render --out` may write into: not the machine's root or one of its system
 * trees, and either new, empty, or one an earlier render wrote (it holds RENDER_MARKER).
 */
export function renderOutDir(out: string): string {
  const dir = realish(resolve(out));
  const inside = (t: string) => dir === t || dir.startsWith(`${t}/`);
  if (SYSTEM_TOPS.includes(dir) || (SYSTEM_TREES.some(inside) && !SCRATCH.some((s) => dir.startsWith(s)))) {
    throw new UsageError(`--out ${out}: refused: ${dir} is a system directory of this machine; the files would land in its ${dir === '/' ? '/etc' : 'tree'} (pass a new directory, e.g. /tmp/render-gw1)`);
  }
  if (existsSync(dir)) {
    if (!lstatSync(dir).isDirectory()) throw new UsageError(`--out ${out}: not a directory`);
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(RENDER_MARKER)) {
      throw new UsageError(`--out ${out}: refused: the directory is not empty and ts-play render did not write it (pass a new or empty directory)`);
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, RENDER_MARKER), 'written by ts-play render: the files below are what a host would receive\n');
  return dir;
}

/** Creates the directories of `dest` under `root`, refusing a symlink on the way (it could lead out). */
export function safeParent(root: string, dest: string): void {
  const rel = dirname(dest).slice(root.length).split(sep).filter(Boolean);
  let at = root;
  for (const part of rel) {
    at = join(at, part);
    if (!existsSync(at)) mkdirSync(at, { mode: 0o700 });
    else if (!lstatSync(at).isDirectory()) throw new UsageError(`--out: ${at} is a symlink or a file, not a directory: refused`);
  }
  if (existsSync(dest) && lstatSync(dest).isSymbolicLink()) throw new UsageError(`--out: ${dest} is a symlink: refused`);
}
