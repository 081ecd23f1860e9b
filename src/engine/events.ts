import type { FileDiff, TaskStatus } from '../task/task.ts';

export type { TaskStatus };

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  roundTrips: number;
}

/**
 * Everything the engine tells the outside world. Renderers (listr2, plain lines, --json,
 * recap, reports) subscribe to these and never reach into the engine.
 */
export type EngineEvent =
  | { type: 'run-start'; playbook: string; check: boolean; diff: boolean }
  | { type: 'play-start'; play: string; hosts: string[] }
  /** index counts from 0; renderers show it as index + 1 of total. */
  | { type: 'batch-start'; play: string; index: number; total: number; hosts: string[] }
  | { type: 'role-start'; host: string; role: string }
  | {
      type: 'task';
      host: string;
      role: string;
      task: string;
      module: string;
      status: TaskStatus;
      reason?: string;
      diffs?: FileDiff[];
      warnings?: string[];
      handler?: boolean;
      check: boolean;
      /** Check mode: the change waits for an earlier one (the package that brings the unit). */
      dependsOnEarlierChange?: boolean;
    }
  | { type: 'unreachable'; host: string; reason: string }
  | { type: 'host-failed'; host: string; reason: string }
  | { type: 'gate'; play: string; gate: string; host?: string; passed: boolean; reason: string }
  | { type: 'warning'; host?: string; message: string }
  | { type: 'info'; host?: string; message: string }
  | { type: 'play-end'; play: string; stopped?: string }
  /** Optional: the host has nothing more to do in this batch (lets the progress view settle it early). */
  | { type: 'host-done'; host: string }
  /** `interrupted`: an interrupt (Ctrl-C) ended the run early; the CLI exits 130. */
  | { type: 'recap'; hosts: Record<string, HostStats>; interrupted?: boolean };

export interface EventSink {
  emit(event: EngineEvent): void;
  /** Called once when the run ends, after the recap. */
  close?(): Promise<void> | void;
}

/** Fans one stream of events out to several sinks. */
export class EventBus implements EventSink {
  private readonly sinks: EventSink[] = [];
  readonly events: EngineEvent[] = [];
  add(sink: EventSink): this {
    this.sinks.push(sink);
    return this;
  }
  emit(event: EngineEvent): void {
    this.events.push(event);
    for (const s of this.sinks) s.emit(event);
  }
  async close(): Promise<void> {
    for (const s of this.sinks) await s.close?.();
  }
}
