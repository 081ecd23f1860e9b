import type { Task } from '../task/task.ts';
import type { PathState } from './path-state.ts';
import { ModuleArgumentError } from './common.ts';
import { checkAnchor, editFile, fromLines, insertAt, toLines, type Edit, type EditFileArgs, type EditPlan } from './edit-file.ts';

export interface BlockInFileArgs extends EditFileArgs {
  /** The lines between the markers; '' with state present keeps just the markers. */
  block?: string;
  state?: 'present' | 'absent';
  /** The marker line, `{mark}` replaced by markerBegin or markerEnd; unique per block in a file. */
  marker?: string;
  markerBegin?: string;
  markerEnd?: string;
  insertAfter?: 'EOF' | RegExp;
  insertBefore?: 'BOF' | RegExp;
  firstMatch?: boolean;
}

export const DEFAULT_MARKER = '# {mark} TS-PLAY MANAGED BLOCK';

/** The edit blockInFile makes, as a pure function of the file's text (exported for fixtures). */
export function editBlock(text: string | undefined, a: BlockInFileArgs): Edit {
  const marker = a.marker ?? DEFAULT_MARKER;
  const begin = marker.replace('{mark}', a.markerBegin ?? 'BEGIN');
  const end = marker.replace('{mark}', a.markerEnd ?? 'END');
  const { lines } = toLines(text ?? '');
  const b = lines.indexOf(begin);
  const e = b === -1 ? -1 : lines.indexOf(end, b + 1);
  const found = b !== -1 && e !== -1;
  if ((a.state ?? 'present') === 'absent') {
    if (!found) return { ok: 'no such block' };
    return { text: fromLines([...lines.slice(0, b), ...lines.slice(e + 1)]), reason: `remove the block (${e - b + 1} lines)` };
  }
  const body = a.block === undefined || a.block === '' ? [] : toLines(a.block).lines;
  const wanted = [begin, ...body, end];
  if (found) {
    const have = lines.slice(b, e + 1);
    if (have.length === wanted.length && have.every((l, i) => l === wanted[i])) return { ok: 'block up to date' };
    return { text: fromLines([...lines.slice(0, b), ...wanted, ...lines.slice(e + 1)]), reason: 'update the block' };
  }
  const at = insertAt(lines, checkAnchor('blockInFile', a), a.firstMatch ?? false);
  return { text: fromLines([...lines.slice(0, at), ...wanted, ...lines.slice(at)]), reason: `insert the block at line ${at + 1}` };
}

/**
 * Several lines of a file the role does not own whole, between marker lines, like Ansible's
 * blockinfile: inserted, updated in place, or removed with its markers. Written the way `file`
 * writes: atomically, validated, backed up.
 */
export function blockInFile(args: BlockInFileArgs): Task<PathState, EditPlan> {
  const state = args.state ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgumentError('blockInFile', `state must be present or absent, got ${JSON.stringify(state)}`);
  if (state === 'present' && typeof args.block !== 'string') throw new ModuleArgumentError('blockInFile', 'block is required with state present');
  const marker = args.marker ?? DEFAULT_MARKER;
  if (!marker.includes('{mark}') || marker.includes('\n')) throw new ModuleArgumentError('blockInFile', `marker must be one line with {mark} in it, got ${JSON.stringify(marker)}`);
  if ((args.markerBegin ?? 'BEGIN') === (args.markerEnd ?? 'END')) throw new ModuleArgumentError('blockInFile', 'markerBegin and markerEnd must differ');
  checkAnchor('blockInFile', args);
  return editFile('blockInFile', args, state === 'absent' ? 'block absent in' : 'block in', (text) => editBlock(text, args));
}
