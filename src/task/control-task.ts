import type { Facts } from '../facts/types.ts';
import type { ApplyOutcome, Comparison, Task } from './task.ts';

export interface ControlTaskSpec<S, P> {
  module: string;
  name: string;
  tags?: string[];
  notify?: string[];
  when?: (facts: Facts) => boolean | string;
  /** Reads the actual state from the control machine (an API); never changes anything. */
  read(): Promise<S>;
  compare(actual: S): Comparison<P>;
  /** Acts on the plan from a fresh read; only called in apply mode. */
  apply(plan: P): Promise<ApplyOutcome | void>;
}

/**
 * A task that runs on the control machine instead of over the host's SSH connection (a cloud
 * API call), under the same contract as every other task: the engine reads it through
 * readControl(), compares, stops there in check mode, and reads it again before apply().
 */
export function controlTask<S, P>(spec: ControlTaskSpec<S, P>): Task<S, P> {
  return {
    module: spec.module,
    name: spec.name,
    ...(spec.tags ? { tags: spec.tags } : {}),
    ...(spec.notify ? { notify: spec.notify } : {}),
    ...(spec.when ? { when: spec.when } : {}),
    probes: () => [],
    parse: () => {
      throw new Error(`${spec.name}: a control-side task has no probes; the engine reads it with readControl()`);
    },
    readControl: () => spec.read(),
    compare: (actual) => spec.compare(actual),
    apply: (_conn, plan) => spec.apply(plan),
  };
}
