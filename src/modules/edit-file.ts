import type { Task } from '../task/task.ts';
import { absolutePath, accountName, ModuleArgumentError, parseMode, passThrough, type TaskOptions } from './common.ts';
import { validatorArgv } from './file.ts';
import { describeKind, metaDiffs, readPath, type PathState } from './path-state.ts';
import { setMetadata, writeFileAtomic } from './write.ts';

/** What an edit of a file's text decided: the new text and why, or nothing to do. */
export type Edit = { text: string; reason: string } | { ok: string };

export interface EditFileArgs extends TaskOptions {
  path: string;
  /** Create the file when it is missing (otherwise a missing file fails the task). */
  create?: boolean;
  /** Wanted ownership and mode; unset keeps what the file has (root:root 0644 for a new one). */
  owner?: string;
  group?: string;
  mode?: string;
  /** argv with '%s' for the temp path, run on the edited file before it replaces the live one. */
  validate?: string[];
  /** Keep the replaced file as <path>.<YYYYmmddTHHMMSS>~ (default true, like `file`). */
  backup?: boolean;
}

export interface EditPlan {
  /** Only ownership or mode differ: fixed in place, no rewrite. */
  metaOnly: boolean;
  text: string;
  owner: string;
  group: string;
  mode: number;
}

/**
 * The part lineInFile and blockInFile share: read the file (content and metadata) with the path
 * probe, let `edit` decide the new text, and write it through the same atomic path as `file`
 * (temp file beside it, validate, backup, rename). `edit` gets undefined for a missing file.
 */
export function editFile(module: string, args: EditFileArgs, label: string, edit: (text: string | undefined) => Edit): Task<PathState, EditPlan> {
  const path = absolutePath(module, args.path);
  const owner = args.owner === undefined ? undefined : accountName(module, 'owner', args.owner);
  const group = args.group === undefined ? undefined : accountName(module, 'group', args.group);
  const mode = args.mode === undefined ? undefined : parseMode(module, args.mode);
  const validate = validatorArgv(module, args.validate);
  const backup = args.backup ?? true;

  return {
    module,
    ...passThrough(args, `${label} ${path}`),
    ...readPath(path, { content: true }),
    compare(actual) {
      if (actual.kind === 'error') return { status: 'fail', reason: actual.message };
      if (actual.kind !== 'file' && actual.kind !== 'missing') return { status: 'fail', reason: `${path} is ${describeKind(actual)}, not a regular file; not edited` };
      const before = actual.kind === 'file' ? (actual.content ?? '') : undefined;
      const e = edit(before);
      const want = {
        owner: owner ?? (actual.kind === 'file' ? actual.meta.user : 'root'),
        group: group ?? (actual.kind === 'file' ? actual.meta.group : 'root'),
        mode: mode ?? (actual.kind === 'file' ? actual.meta.mode : 0o644),
      };
      const meta = actual.kind === 'file' ? metaDiffs(actual.meta, want) : [];
      if ('ok' in e && meta.length === 0) return { status: 'ok', reason: e.ok };
      if (actual.kind === 'missing') {
        if ('ok' in e) return { status: 'ok', reason: e.ok };
        if (!args.create) return { status: 'fail', reason: `${path} does not exist (create: true makes it)` };
        if (!actual.parentExists) return { status: 'fail', reason: `${path}: directory does not exist` };
      }
      const text = 'ok' in e ? before! : e.text;
      const why = ['ok' in e ? '' : e.reason, ...meta].filter(Boolean).join(', ');
      return {
        status: 'change',
        reason: actual.kind === 'missing' ? `create (${why})` : why,
        plan: { metaOnly: 'ok' in e, text, ...want },
        ...('ok' in e ? {} : { diffs: [{ path, before: before ?? '', after: text }] }),
      };
    },
    async apply(conn, plan) {
      if (plan.metaOnly) await setMetadata(conn, path, plan.owner, plan.group, plan.mode);
      else await writeFileAtomic(conn, { path, content: plan.text, owner: plan.owner, group: plan.group, mode: plan.mode, backup, ...(validate ? { validate } : {}) });
      return { changed: true };
    },
  };
}

/** Splits text into lines, remembering whether it ended in a newline (an empty text has no lines). */
export function toLines(text: string): { lines: string[]; trailingNewline: boolean } {
  if (text === '') return { lines: [], trailingNewline: true };
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, trailingNewline };
}

/** Joins lines back; a file that gained lines always ends in a newline. */
export function fromLines(lines: string[]): string {
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Where to insert, as Ansible's insertafter/insertbefore: 'EOF', 'BOF', or after/before the last (or first) match. */
export type Anchor = { after: 'EOF' | RegExp } | { before: 'BOF' | RegExp };

export function checkAnchor(module: string, a: { insertAfter?: 'EOF' | RegExp; insertBefore?: 'BOF' | RegExp }): Anchor {
  if (a.insertAfter !== undefined && a.insertBefore !== undefined) throw new ModuleArgumentError(module, 'give insertAfter or insertBefore, not both');
  if (a.insertBefore !== undefined) {
    if (a.insertBefore !== 'BOF' && !(a.insertBefore instanceof RegExp)) throw new ModuleArgumentError(module, 'insertBefore must be a RegExp or BOF');
    return { before: a.insertBefore };
  }
  const after = a.insertAfter ?? 'EOF';
  if (after !== 'EOF' && !(after instanceof RegExp)) throw new ModuleArgumentError(module, 'insertAfter must be a RegExp or EOF');
  return { after };
}

/** The index at which new lines go; an anchor that matches nothing falls back to the end. */
export function insertAt(lines: string[], anchor: Anchor, firstMatch: boolean): number {
  const find = (re: RegExp) => {
    const hits = lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i >= 0);
    return hits.length ? (firstMatch ? hits[0]! : hits[hits.length - 1]!) : -1;
  };
  if ('after' in anchor) {
    if (anchor.after === 'EOF') return lines.length;
    const i = find(anchor.after);
    return i === -1 ? lines.length : i + 1;
  }
  if (anchor.before === 'BOF') return 0;
  const i = find(anchor.before);
  return i === -1 ? lines.length : i;
}
