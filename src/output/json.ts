import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EngineEvent, EventSink, HostStats } from '../engine/events.ts';
import { redactDeep } from '../vault/redact.ts';
import { exitCode } from './recap.ts';
import { EXIT_INTERRUPTED } from '../base/errors.ts';

export const JSON_SCHEMA_VERSION = 1;

export type TimedEvent = EngineEvent & { time: string };

/** The --json document (docs/output.md describes every field). */
export interface RunDocument {
  version: typeof JSON_SCHEMA_VERSION;
  playbook: string | null;
  check: boolean;
  diff: boolean;
  startedAt: string;
  finishedAt: string;
  events: TimedEvent[];
  /** null when the run ended before the engine produced a recap (a crash, an interrupt). */
  recap: Record<string, HostStats> | null;
  exitCode: number | null;
}

/**
 * Collects every event and writes one JSON document to `file` when the run closes. Redaction
 * happens at close, so a secret registered late in the run is still scrubbed from earlier events.
 */
export class JsonSink implements EventSink {
  private readonly events: TimedEvent[] = [];
  private readonly startedAt: string;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.startedAt = now().toISOString();
  }

  emit(event: EngineEvent): void {
    this.events.push({ ...event, time: this.now().toISOString() });
  }

  document(): RunDocument {
    const start = this.events.find((e) => e.type === 'run-start');
    const recap = this.events.findLast((e) => e.type === 'recap');
    return redactDeep({
      version: JSON_SCHEMA_VERSION,
      playbook: start?.type === 'run-start' ? start.playbook : null,
      check: start?.type === 'run-start' ? start.check : false,
      diff: start?.type === 'run-start' ? start.diff : false,
      startedAt: this.startedAt,
      finishedAt: this.now().toISOString(),
      events: this.events,
      recap: recap?.type === 'recap' ? recap.hosts : null,
      exitCode: recap?.type === 'recap' ? (recap.interrupted ? EXIT_INTERRUPTED : exitCode(recap.hosts)) : null,
    });
  }

  /**
   * A second Ctrl-C: the document as far as the run got, written at once (no recap yet, so
   * `exitCode` is given: 130), the same way, temp file then rename.
   */
  closeSync(exitCode: number): void {
    if (this.closed) return;
    this.closed = true;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...this.document(), exitCode }, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** Written to a temp file then renamed, so a reader never sees half a document. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.document(), null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
