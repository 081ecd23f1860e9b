import type { AnyTask, Results } from '../task/task.ts';
import type { Facts } from '../facts/types.ts';

type When = (facts: Facts, results: Results) => boolean | string;

/**
 * Tasks that belong together (Ansible's block): when one of `steps` fails, the rest of them is
 * left out, `rescue` runs (cleanup, such as giving the VIPs back), then `always`; `always` also
 * runs when nothing failed. Unlike Ansible, a rescue does not turn the failure into a success:
 * the host still fails and a serial rollout stops there. A half-done change that reports ok is
 * how a gateway pair ends up half patched without anyone noticing.
 */
export interface Block {
  readonly kind: 'block';
  name: string;
  steps: Step[];
  rescue: Step[];
  always: Step[];
  tags?: string[];
  when?: When;
}

/** Runs the handlers notified so far, there and then (Ansible's meta: flush_handlers). */
export interface FlushHandlers {
  readonly kind: 'flush-handlers';
  name: string;
  tags?: string[];
  when?: When;
}

/** What a role's task list holds: tasks, blocks of them, and handler flushes. */
export type Step = AnyTask | Block | FlushHandlers;

export interface BlockOptions {
  name?: string;
  rescue?: Step[];
  always?: Step[];
  /** Added to the tags of every task inside. */
  tags?: string[];
  /** false or a reason skips the whole block. */
  when?: When;
}

export function block(steps: Step[], opts: BlockOptions = {}): Block {
  return {
    kind: 'block',
    name: opts.name ?? `block of ${steps.length} step${steps.length === 1 ? '' : 's'}`,
    steps,
    rescue: opts.rescue ?? [],
    always: opts.always ?? [],
    ...(opts.tags ? { tags: [...opts.tags] } : {}),
    ...(opts.when ? { when: opts.when } : {}),
  };
}

export function flushHandlers(opts: { name?: string; tags?: string[]; when?: When } = {}): FlushHandlers {
  return { kind: 'flush-handlers', name: opts.name ?? 'flush handlers', ...(opts.tags ? { tags: [...opts.tags] } : {}), ...(opts.when ? { when: opts.when } : {}) };
}

export function isBlock(s: Step): s is Block {
  return (s as Block).kind === 'block';
}

export function isFlush(s: Step): s is FlushHandlers {
  return (s as FlushHandlers).kind === 'flush-handlers';
}

export function isTask(s: Step): s is AnyTask {
  return !isBlock(s) && !isFlush(s);
}

/** The tasks inside steps, in order; `rescue: false` leaves out what only runs after a failure. */
export function leafTasks(steps: readonly Step[], opts: { rescue?: boolean } = {}): AnyTask[] {
  const out: AnyTask[] = [];
  for (const s of steps) {
    if (isBlock(s)) out.push(...leafTasks(s.steps, opts), ...(opts.rescue === false ? [] : leafTasks(s.rescue, opts)), ...leafTasks(s.always, opts));
    else if (isTask(s)) out.push(s);
  }
  return out;
}

/**
 * Gives every task its full tag set (the role's, its blocks', its own) and keeps the steps
 * whose tasks `keep` selects. A block stays when one of its main steps does; its rescue and
 * always stay whole with it: cleanup is not something a tag filter should drop.
 */
export function selectSteps(steps: readonly Step[], inherited: string[], keep: (tags: string[]) => boolean): Step[] {
  const out: Step[] = [];
  let kept = 0;
  for (const s of steps) {
    if (isBlock(s)) {
      const tags = [...inherited, ...(s.tags ?? [])];
      const inner = selectSteps(s.steps, tags, keep);
      const rescue = selectSteps(s.rescue, tags, () => true);
      const always = selectSteps(s.always, tags, () => true);
      if (inner.length) {
        out.push({ ...s, steps: inner, rescue, always });
        kept++;
      }
    } else if (isFlush(s)) {
      out.push(s);
    } else {
      // Tasks are built afresh for each host, so recording the full tag set on them is safe.
      s.tags = [...inherited, ...(s.tags ?? [])];
      if (keep(s.tags)) {
        out.push(s);
        kept++;
      }
    }
  }
  return kept ? out : [];
}
