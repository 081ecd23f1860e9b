import { structuredPatch } from 'diff';
import type { FileDiff } from '../task/task.ts';
import { redact } from '../vault/redact.ts';
import { painter } from './colors.ts';

export interface DiffOptions {
  color?: boolean;
  /** Lines of context around each hunk. */
  context?: number;
  /** Either side bigger than this is summarised instead of diffed. */
  maxBytes?: number;
  /** A diff needing more insertions+deletions than this is summarised (also bounds the diff's CPU cost). */
  maxEdits?: number;
}

export const VAULTED_NOTE = '(a vaulted value changed)';

const DEFAULTS = { context: 3, maxBytes: 256 * 1024, maxEdits: 2000 };

/**
 * Unified diff of one file for --diff. Both sides are redacted before diffing, so a secret line
 * reads `<vaulted>` on both sides; when that hides a real change, VAULTED_NOTE says so.
 */
export function renderFileDiff(file: FileDiff, options: DiffOptions = {}): string {
  const o = { ...DEFAULTS, ...options };
  const paint = painter(options.color ?? false);
  const path = redact(file.path);
  const out = [paint('bold', `--- before: ${path}`), paint('bold', `+++ after: ${path}`)];
  const note = (text: string) => out.push(paint('dim', text));

  const summary = summarise(file, o.maxBytes);
  if (summary) {
    note(summary);
    return out.join('\n');
  }
  if (file.before === file.after) {
    note('(content unchanged)');
    return out.join('\n');
  }

  const before = redact(file.before);
  const after = redact(file.after);
  const patch = structuredPatch(path, path, before, after, undefined, undefined, { context: o.context, maxEditLength: o.maxEdits });
  if (!patch) {
    note(`(too many differences to show: ${describeSize(file.before)} -> ${describeSize(file.after)})`);
    return out.join('\n');
  }
  let shownEdits = 0;
  for (const hunk of patch.hunks) {
    // Unified diff numbers an empty side from the line before it (`-0,0` for a new file).
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart;
    const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart;
    out.push(paint('cyan', `@@ -${oldStart},${hunk.oldLines} +${newStart},${hunk.newLines} @@`));
    for (const line of hunk.lines) {
      const text = visible(line);
      if (line.startsWith('-')) {
        shownEdits++;
        out.push(paint('red', text));
      } else if (line.startsWith('+')) {
        shownEdits++;
        out.push(paint('green', text));
      } else out.push(text);
    }
  }
  if (hidesChange(file, shownEdits, o)) note(VAULTED_NOTE);
  return out.join('\n');
}

/** All diffs of a task, separated by newlines; '' when there are none. */
export function renderDiffs(files: readonly FileDiff[] | undefined, options: DiffOptions = {}): string {
  return (files ?? []).map((f) => renderFileDiff(f, options)).join('\n');
}

/**
 * Redaction maps line to line, so the raw diff (computed, never shown) has more changed lines
 * than the redacted one exactly when a changed line was swallowed by `<vaulted>`.
 */
function hidesChange(file: FileDiff, shownEdits: number, o: typeof DEFAULTS): boolean {
  const raw = structuredPatch('a', 'b', file.before, file.after, undefined, undefined, { context: 0, maxEditLength: o.maxEdits });
  if (!raw) return true;
  let rawEdits = 0;
  for (const h of raw.hunks) for (const l of h.lines) if (l.startsWith('-') || l.startsWith('+')) rawEdits++;
  return rawEdits > shownEdits;
}

function summarise(file: FileDiff, maxBytes: number): string | null {
  if (isBinary(file.before) || isBinary(file.after)) {
    return `(binary content differs: ${Buffer.byteLength(file.before)} -> ${Buffer.byteLength(file.after)} bytes)`;
  }
  if (Buffer.byteLength(file.before) > maxBytes || Buffer.byteLength(file.after) > maxBytes) {
    return `(too large to diff: ${describeSize(file.before)} -> ${describeSize(file.after)})`;
  }
  return null;
}

/** NUL, U+FFFD from a failed UTF-8 decode, or over 10% control characters in the first 8 KiB: not text worth diffing. */
export function isBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  if (head.includes('\u0000') || head.includes('\uFFFD')) return true;
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    // ESC is left out: a coloured /etc/motd or issue banner is still text worth a diff.
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) controls++;
  }
  return head.length > 0 && controls / head.length > 0.1;
}

function describeSize(text: string): string {
  const bytes = Buffer.byteLength(text);
  const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return `${bytes} bytes, ${lines} lines`;
}

/** A host file must not drive the operator's terminal: control characters other than tab are shown escaped. */
function visible(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
