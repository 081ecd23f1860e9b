import type { ExecutionContext } from 'ava';
import type { Comparison, FileDiff } from '../../src/task/task.ts';

/** What a compare fixture expects; absent fields are not checked. */
export interface Expected {
  status: Comparison<unknown>['status'];
  reason?: RegExp | string;
  plan?: unknown;
  /** Exact diffs, or 'none' for a comparison that must carry none. */
  diffs?: FileDiff[] | 'none';
  /** One pattern per expected warning, in order; [] means no warnings. */
  warnings?: RegExp[];
}

export function assertComparison(t: ExecutionContext, c: Comparison<unknown>, e: Expected): void {
  t.is(c.status, e.status, `status (reason: ${'reason' in c ? c.reason : ''})`);
  const reason = 'reason' in c ? (c.reason ?? '') : '';
  if (typeof e.reason === 'string') t.is(reason, e.reason);
  else if (e.reason) t.regex(reason, e.reason);
  if (e.plan !== undefined) t.deepEqual(c.status === 'change' ? c.plan : undefined, e.plan);
  if (e.diffs !== undefined) {
    const diffs = c.status === 'change' ? c.diffs : undefined;
    if (e.diffs === 'none') t.deepEqual(diffs ?? [], []);
    else t.deepEqual(diffs, e.diffs);
  }
  if (e.warnings !== undefined) {
    const warnings = c.status === 'ok' || c.status === 'change' ? (c.warnings ?? []) : [];
    t.is(warnings.length, e.warnings.length, `warnings: ${JSON.stringify(warnings)}`);
    e.warnings.forEach((w, i) => t.regex(warnings[i] ?? '', w));
  }
}

/** Probe stdout for a regular file, as the path probe prints it. */
export function fileOut(content: string, meta = '0 0 644 root root'): string {
  return `file ${meta}\n${content}\n#tsp-eof`;
}
