import type { PathMeta, PathState } from '../facts/paths.ts';
import { formatMode } from './common.ts';

export { pathProbe, parsePathState, readPath, type PathMeta, type PathState } from '../facts/paths.ts';

function sameAccount(wanted: string, name: string, id: number): boolean {
  return /^\d+$/.test(wanted) ? Number(wanted) === id : wanted === name;
}

/** Differences between actual and wanted ownership and mode, as short phrases ("mode 0644 -> 0600"). */
export function metaDiffs(meta: PathMeta, want: { owner: string; group: string; mode: number }): string[] {
  const out: string[] = [];
  if (!sameAccount(want.owner, meta.user, meta.uid)) out.push(`owner ${meta.user} -> ${want.owner}`);
  if (!sameAccount(want.group, meta.group, meta.gid)) out.push(`group ${meta.group} -> ${want.group}`);
  if (meta.mode !== want.mode) out.push(`mode ${formatMode(meta.mode)} -> ${formatMode(want.mode)}`);
  return out;
}

export function describeKind(s: PathState): string {
  switch (s.kind) {
    case 'symlink':
      return `a symlink (to ${s.target})`;
    case 'directory':
      return 'a directory';
    case 'file':
      return 'a regular file';
    case 'other':
      return 'a special file (device, socket or fifo)';
    default:
      return s.kind;
  }
}
