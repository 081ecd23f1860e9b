import type { Connection, ExecResult } from '../../src/connection/types.ts';
import type { AnyTask, ApplyOutcome, Comparison } from '../../src/task/task.ts';
import type { Facts } from '../../src/facts/types.ts';

/** probes -> parse -> compare on canned probe results, as the engine would do with them. */
export function compareWith(task: AnyTask, facts: Facts, results: ExecResult[]): Comparison<unknown> {
  return task.compare(task.parse(results, facts), facts);
}

/** Reads the state through conn, one exec per probe (the engine batches them; modules cannot tell). */
export async function readAndCompare(task: AnyTask, conn: Connection, facts: Facts): Promise<Comparison<unknown>> {
  const results: ExecResult[] = [];
  for (const p of task.probes(facts)) results.push(await conn.exec(p.argv));
  return task.compare(task.parse(results, facts), facts);
}

/** The apply-mode path for one task: read, compare, and on a change read again and apply the fresh plan. */
export async function applyTask(
  task: AnyTask,
  conn: Connection,
  facts: Facts,
): Promise<{ first: Comparison<unknown>; outcome?: ApplyOutcome | void }> {
  const first = await readAndCompare(task, conn, facts);
  if (first.status !== 'change') return { first };
  const fresh = await readAndCompare(task, conn, facts);
  if (fresh.status !== 'change') return { first };
  return { first, outcome: await task.apply(conn, fresh.plan, facts) };
}

/** ExecResult shorthand for fixtures. */
export function res(code: number, stdout = '', stderr = ''): ExecResult {
  return { code, stdout, stderr };
}
