import type { Task } from '../task/task.ts';
import type { PathState } from './path-state.ts';
import { ModuleArgumentError } from './common.ts';
import { checkAnchor, editFile, fromLines, insertAt, toLines, type Edit, type EditFileArgs, type EditPlan } from './edit-file.ts';

export interface LineInFileArgs extends EditFileArgs {
  /** The line wanted (without its newline); required with state present. */
  line?: string;
  /** Lines matching this are the ones replaced (present: the last match) or removed (absent). */
  regexp?: RegExp;
  state?: 'present' | 'absent';
  /** Where a line that is not there yet goes (default after the end). */
  insertAfter?: 'EOF' | RegExp;
  insertBefore?: 'BOF' | RegExp;
  /** Use the first match of insertAfter/insertBefore instead of the last. */
  firstMatch?: boolean;
}

/** The edit lineInFile makes, as a pure function of the file's text (exported for fixtures). */
export function editLine(text: string | undefined, a: Pick<LineInFileArgs, 'line' | 'regexp' | 'state' | 'insertAfter' | 'insertBefore' | 'firstMatch'>): Edit {
  const state = a.state ?? 'present';
  const { lines } = toLines(text ?? '');
  const matches = (l: string) => (a.regexp ? a.regexp.test(l) : l === a.line);
  if (state === 'absent') {
    const kept = lines.filter((l) => !matches(l));
    if (kept.length === lines.length) return { ok: text === undefined ? 'file absent, so is the line' : 'no such line' };
    return { text: fromLines(kept), reason: `remove ${lines.length - kept.length} line(s)` };
  }
  const line = a.line!;
  const hits = a.regexp ? lines.map((l, i) => (a.regexp!.test(l) ? i : -1)).filter((i) => i >= 0) : [];
  if (hits.length) {
    const i = hits[hits.length - 1]!;
    if (lines[i] === line) return { ok: 'line present' };
    const next = [...lines];
    next[i] = line;
    return { text: fromLines(next), reason: `replace line ${i + 1}` };
  }
  if (lines.includes(line)) return { ok: 'line present' };
  const at = insertAt(lines, checkAnchor('lineInFile', a), a.firstMatch ?? false);
  const next = [...lines.slice(0, at), line, ...lines.slice(at)];
  return { text: fromLines(next), reason: `insert a line at ${at + 1}` };
}

/**
 * One line of a file the role does not own whole (a setting in /etc/default/..., a line of
 * sshd_config), like Ansible's lineinfile: present (replace what `regexp` matches, or add it)
 * or absent. The file is written the way `file` writes: atomically, validated, backed up.
 */
export function lineInFile(args: LineInFileArgs): Task<PathState, EditPlan> {
  const state = args.state ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgumentError('lineInFile', `state must be present or absent, got ${JSON.stringify(state)}`);
  if (state === 'present' && typeof args.line !== 'string') throw new ModuleArgumentError('lineInFile', 'line is required with state present');
  if (args.line?.includes('\n')) throw new ModuleArgumentError('lineInFile', 'line must be one line (use blockInFile for several)');
  if (state === 'absent' && args.regexp === undefined && args.line === undefined) throw new ModuleArgumentError('lineInFile', 'state absent needs line or regexp');
  if (args.regexp !== undefined && !(args.regexp instanceof RegExp)) throw new ModuleArgumentError('lineInFile', 'regexp must be a RegExp');
  if (args.regexp?.global || args.regexp?.sticky) throw new ModuleArgumentError('lineInFile', 'regexp must not have the g or y flag (it would remember where it last matched)');
  checkAnchor('lineInFile', args);
  return editFile('lineInFile', args, state === 'absent' ? 'line absent in' : 'line in', (text) => editLine(text, args));
}
