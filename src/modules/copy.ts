import { createHash } from 'node:crypto';
import type { ExecResult } from '../connection/types.ts';
import type { Task } from '../task/task.ts';
import { absolutePath, accountName, formatMode, parseMode, passThrough, type TaskOptions } from './common.ts';
import { describeKind, metaDiffs, parsePathState, pathProbe, type PathState } from './path-state.ts';
import { setMetadata, writeFileAtomic } from './write.ts';

export interface CopyArgs extends TaskOptions {
  path: string;
  /** Any bytes: compared by SHA-256, never decoded, so binary files copy unchanged. */
  content: Buffer;
  owner?: string;
  group?: string;
  mode?: string;
  backup?: boolean;
}

export type CopyState = PathState & { sha256?: string };
export type CopyPlan = { action: 'write' } | { action: 'metadata' };

/**
 * The file module for bytes rather than text (`ts-play copy`): the same atomic write, backup and
 * ownership handling, with the content compared by its SHA-256 on the host instead of read back.
 */
export function copy(args: CopyArgs): Task<CopyState, CopyPlan> {
  const path = absolutePath('copy', args.path);
  const owner = accountName('copy', 'owner', args.owner ?? 'root');
  const group = accountName('copy', 'group', args.group ?? 'root');
  const mode = parseMode('copy', args.mode ?? '0644');
  const content = args.content;
  const sha256 = createHash('sha256').update(content).digest('hex');
  const want = { owner, group, mode };
  const summary = `${owner}:${group} ${formatMode(mode)}, ${content.length} bytes`;
  return {
    module: 'copy',
    ...passThrough(args, `copy ${path}`),
    probes: () => [pathProbe(path), { argv: ['sh', '-c', '[ -f "$1" ] && [ ! -L "$1" ] || exit 0; sha256sum < "$1"', 'sh', path] }],
    parse([meta, sum]: ExecResult[]): CopyState {
      if (!meta) return { kind: 'error', message: `no probe result for ${path}` };
      const state = parsePathState(path, meta);
      const hash = /^[0-9a-f]{64}/.exec(sum?.stdout ?? '')?.[0];
      return state.kind === 'file' && hash ? { ...state, sha256: hash } : state;
    },
    compare(actual) {
      if (actual.kind === 'error') return { status: 'fail', reason: actual.message };
      if (actual.kind === 'missing') return { status: 'change', reason: `create (${summary})`, plan: { action: 'write' } };
      if (actual.kind !== 'file') return { status: 'fail', reason: `${path} is ${describeKind(actual)}, not a regular file; not replaced` };
      const what = metaDiffs(actual.meta, want);
      if (actual.sha256 === sha256 && what.length === 0) return { status: 'ok', reason: `up to date (${summary})` };
      if (actual.sha256 === sha256) return { status: 'change', reason: what.join(', '), plan: { action: 'metadata' } };
      return { status: 'change', reason: ['content', ...what].join(', '), plan: { action: 'write' } };
    },
    async apply(conn, plan) {
      if (plan.action === 'metadata') await setMetadata(conn, path, owner, group, mode);
      else await writeFileAtomic(conn, { path, content, owner, group, mode, backup: args.backup ?? false });
      return { changed: true };
    },
  };
}
