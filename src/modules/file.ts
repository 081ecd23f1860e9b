import { posix } from 'node:path';
import type { Task } from '../task/task.ts';
import { absolutePath, accountName, formatMode, ModuleArgumentError, parseMode, passThrough, type TaskOptions } from './common.ts';
import { describeKind, metaDiffs, type PathState, readPath } from './path-state.ts';
import { setMetadata, writeFileAtomic } from './write.ts';

export interface FileArgs extends TaskOptions {
  path: string;
  /** The whole file; roles pass rendered templates here. */
  content: string;
  owner?: string;
  group?: string;
  mode?: string;
  /** Checks the new file before it goes live: argv with '%s' for the temp path, e.g. ['nft', '-c', '-f', '%s']. */
  validate?: string[];
  /** Keep the replaced file as <path>.<YYYYmmddTHHMMSS>~ (newest 3 kept). */
  backup?: boolean;
}

export type FileState = PathState;
export type FilePlan = { action: 'write' } | { action: 'metadata' };

/** Checks a validator argv at construction time: without '%s' it would validate something else than the new file. */
export function validatorArgv(module: string, validate: string[] | undefined): string[] | undefined {
  if (validate === undefined) return undefined;
  if (!Array.isArray(validate) || validate.length === 0 || validate.some((a) => typeof a !== 'string')) {
    throw new ModuleArgumentError(module, 'validate must be a non-empty argv array of strings');
  }
  if (!validate.some((a) => a.includes('%s'))) {
    throw new ModuleArgumentError(module, `validate ${JSON.stringify(validate)} has no '%s' placeholder for the file to check`);
  }
  return [...validate];
}

export function file(args: FileArgs): Task<FileState, FilePlan> {
  const path = absolutePath('file', args.path);
  if (typeof args.content !== 'string') throw new ModuleArgumentError('file', `${path}: content must be a string`);
  const owner = accountName('file', 'owner', args.owner ?? 'root');
  const group = accountName('file', 'group', args.group ?? 'root');
  const mode = parseMode('file', args.mode ?? '0644');
  const validate = validatorArgv('file', args.validate);
  const backup = args.backup ?? true;
  const content = args.content;
  const want = { owner, group, mode };
  const summary = `${owner}:${group} ${formatMode(mode)}, ${Buffer.byteLength(content)} bytes`;

  return {
    module: 'file',
    ...passThrough(args, `file ${path}`),
    renders: { path, content, owner, group, mode: formatMode(mode) },
    ...readPath(path, { content: true }),
    compare(actual) {
      switch (actual.kind) {
        case 'error':
          return { status: 'fail', reason: actual.message };
        case 'missing': {
          const dir = posix.dirname(path);
          const note = actual.parentExists ? '' : `; directory ${dir} does not exist yet`;
          return {
            status: 'change',
            reason: `create (${summary})${note}`,
            plan: { action: 'write' },
            diffs: [{ path, before: '', after: content }],
          };
        }
        case 'file': {
          const what = metaDiffs(actual.meta, want);
          const contentDiffers = actual.content !== content;
          if (!contentDiffers && what.length === 0) return { status: 'ok', reason: `up to date (${summary})` };
          if (!contentDiffers) return { status: 'change', reason: what.join(', '), plan: { action: 'metadata' } };
          return {
            status: 'change',
            reason: ['content', ...what].join(', '),
            plan: { action: 'write' },
            diffs: [{ path, before: actual.content ?? '', after: content }],
          };
        }
        default:
          return { status: 'fail', reason: `${path} is ${describeKind(actual)}, not a regular file; not replaced` };
      }
    },
    async apply(conn, plan) {
      if (plan.action === 'metadata') await setMetadata(conn, path, owner, group, mode);
      else await writeFileAtomic(conn, { path, content, owner, group, mode, backup, ...(validate ? { validate } : {}) });
      return { changed: true };
    },
  };
}
