import type { AnyTask } from '../task/task.ts';
import type { Step } from './steps.ts';

/** A host as roles see it while their tasks are built: before any connection, so no facts. */
export interface HostView {
  name: string;
  groups: string[];
  /** Every variable the inventory, the play and -e give this host, merged by precedence. */
  vars: Record<string, unknown>;
}

export interface RoleContext<V> {
  vars: V;
  host: HostView;
  /** Renders roles/<role>/templates/<name> with the role's variables (plus extra locals). */
  template(name: string, extra?: Record<string, unknown>): string;
  /** Reads roles/<role>/files/<name> as text. */
  file(name: string): string;
}

export interface RoleDef<V extends object> {
  name: string;
  /** The role's folder (import.meta.dirname), where templates/ and files/ live. */
  dir: string;
  /** Tags every task of the role carries besides the role's own name (e.g. a phase tag). */
  tags?: string[];
  /** Typed defaults: the keys here are the variables the role reads from inventory and play. */
  defaults: V;
  /** Semantic checks on the merged variables; each string is an error naming the variable. */
  validate?(vars: V, host: HostView): string[];
  /** Tasks in order; `block()` groups some with a rescue, `flushHandlers()` runs the notified handlers there. */
  tasks(ctx: RoleContext<V>): Step[];
  /** Handlers by name: run once at the end of the role, only when notified by a change. */
  handlers?(ctx: RoleContext<V>): Record<string, AnyTask[]>;
}

/** A role as a play uses it: its definition plus typed overrides (play-level role variables). */
export interface RoleUse<V extends object = any> {
  def: RoleDef<V>;
  vars: Partial<V>;
  tags: string[];
}

export type RoleFactory<V extends object> = ((vars?: Partial<V>, opts?: { tags?: string[] }) => RoleUse<V>) & {
  def: RoleDef<V>;
};

/**
 * Declares a role. Calling the result with overrides type-checks them against the defaults,
 * so a playbook that passes a wrong variable name or type fails `tsc`.
 */
export function defineRole<V extends object>(def: RoleDef<V>): RoleFactory<V> {
  const factory = (vars: Partial<V> = {}, opts: { tags?: string[] } = {}): RoleUse<V> => ({
    def,
    vars,
    tags: opts.tags ?? [],
  });
  return Object.assign(factory, { def });
}
