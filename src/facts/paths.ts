import { clip } from '../base/redact.ts';
import type { ExecResult } from '../connection/types.ts';
import type { Probe } from '../connection/batch.ts';
import { trimStderr } from '../connection/errors.ts';
import { EOF_MARK, pathReadArgv } from '../connection/path-read.ts';

export interface PathMeta {
  uid: number;
  gid: number;
  mode: number;
  user: string;
  group: string;
}

/** What one path is on the host, as the shared path probe reports it. */
export type PathState =
  | { kind: 'missing'; parentExists: boolean }
  | { kind: 'file'; meta: PathMeta; content?: string }
  | { kind: 'directory'; meta: PathMeta }
  | { kind: 'symlink'; target: string }
  | { kind: 'other' }
  | { kind: 'error'; message: string };

export function pathProbe(path: string, opts: { content?: boolean } = {}): Probe {
  return { argv: pathReadArgv(path, opts.content ? 'content' : 'meta') };
}

function parseMeta(fields: string[]): PathMeta | undefined {
  const [uid, gid, mode, user, group] = fields;
  if (!uid || !gid || !mode || !user || !group || !/^\d+$/.test(uid) || !/^\d+$/.test(gid) || !/^[0-7]+$/.test(mode)) return undefined;
  return { uid: Number(uid), gid: Number(gid), mode: parseInt(mode, 8), user, group };
}

export function parsePathState(path: string, r: ExecResult): PathState {
  const nl = r.stdout.indexOf('\n');
  const head = nl === -1 ? r.stdout : r.stdout.slice(0, nl);
  const rest = nl === -1 ? '' : r.stdout.slice(nl + 1);
  const fields = head.trim().split(/\s+/);
  const bad = (why: string): PathState => ({
    kind: 'error',
    message: `reading ${path} failed (exit ${r.code})${why ? `: ${why}` : ''}${r.stderr.trim() ? `: ${trimStderr(r.stderr)}` : ''}`,
  });
  if (r.code === 3 && fields[0] === 'missing') return { kind: 'missing', parentExists: fields[1] === 'parent' };
  if (r.code !== 0) return bad('');
  switch (fields[0]) {
    case 'symlink':
      return { kind: 'symlink', target: rest.replace(/\n$/, '') };
    case 'other':
      return { kind: 'other' };
    case 'directory':
    case 'file': {
      const meta = parseMeta(fields.slice(1));
      if (!meta) return bad(`unexpected probe output ${JSON.stringify(clip(head, 80))}`);
      if (fields[0] === 'directory') return { kind: 'directory', meta };
      if (rest === '') return { kind: 'file', meta };
      const end = rest.lastIndexOf(EOF_MARK);
      if (end === -1) return bad('file content arrived truncated');
      return { kind: 'file', meta, content: rest.slice(0, end) };
    }
    default:
      return bad(`unexpected probe output ${JSON.stringify(clip(head, 80))}`);
  }
}

/**
 * The probe and parser of one path, ready to spread into a task: every path module reads the
 * same way, and a missing probe result is an error state rather than a crash.
 */
export function readPath(path: string, opts: { content?: boolean } = {}) {
  return {
    probes: (): Probe[] => [pathProbe(path, opts)],
    parse: ([r]: ExecResult[]): PathState => (r ? parsePathState(path, r) : { kind: 'error', message: `no probe result for ${path}` }),
  };
}
