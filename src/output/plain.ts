import type { EngineEvent, EventSink } from '../engine/events.ts';
import { escapeControl } from '../base/errors.ts';
import { redact } from '../vault/redact.ts';
import { painter, type Paint } from './colors.ts';
import { renderDiffs } from './diff.ts';
import { formatRecap } from './recap.ts';

/** The little of a writable stream the renderers need; process.stdout and test buffers both fit. */
export interface TextOut {
  write(chunk: string): unknown;
}

export interface PlainOptions {
  /** Also show ok tasks, role starts, a normal play end and the round trips in the recap. */
  verbose?: boolean;
  /** Print the unified diff of every changed file under its task line. */
  diff?: boolean;
  color?: boolean;
}

type TaskEvent = Extract<EngineEvent, { type: 'task' }>;

/**
 * One line per event worth showing, fields joined by ` | ` so `grep 'gw1 | keepalived'` or
 * `grep '| failed |'` work. Continuation lines (a multi-line reason, a diff) never start with
 * a host name, so such greps do not match them by accident.
 */
export class PlainRenderer implements EventSink {
  private readonly paint: Paint;

  constructor(
    private readonly stream: TextOut,
    private readonly options: PlainOptions = {},
  ) {
    this.paint = painter(options.color ?? false);
  }

  emit(event: EngineEvent): void {
    const text = this.format(event);
    if (text) this.stream.write(text);
  }

  /** The text this renderer writes for one event, redacted, each line ending in a newline; '' for nothing. */
  format(event: EngineEvent): string {
    const lines = this.lines(event);
    return lines.length ? redact(lines.join('\n')) + '\n' : '';
  }

  private lines(e: EngineEvent): string[] {
    const p = this.paint;
    const verbose = this.options.verbose ?? false;
    switch (e.type) {
      case 'run-start': {
        const modes = [e.check ? 'check mode' : '', e.diff ? 'diff' : ''].filter(Boolean);
        return [p('bold', `PLAYBOOK ${e.playbook}`) + (modes.length ? ` (${modes.join(', ')})` : '')];
      }
      case 'play-start':
        return ['', p('bold', `PLAY ${e.play} | hosts: ${e.hosts.join(', ') || '(none)'}`)];
      case 'batch-start':
        return [p('bold', `BATCH ${e.index + 1}/${e.total} | ${e.play} | hosts: ${e.hosts.join(', ')}`)];
      case 'role-start':
        return verbose ? [p('dim', `${e.host} | ${e.role} | role start`)] : [];
      case 'task':
        return this.task(e);
      case 'unreachable':
        return withContinuation(`${p('red', '[UNREACHABLE]')} ${e.host}: `, e.reason);
      case 'host-failed':
        return withContinuation(`${p('red', '[FAILED]')} ${e.host}: `, e.reason);
      case 'gate': {
        const where = e.host ? `${e.gate} on ${e.host}` : e.gate;
        const verdict = e.passed ? p('green', 'passed') : p('red', 'failed');
        return withContinuation(`[GATE] ${e.play} | ${where} | ${verdict} | `, e.reason);
      }
      case 'warning':
        return withContinuation(`${p('yellow', '[WARN]')} ${e.host ? `${e.host}: ` : ''}`, e.message);
      case 'info':
        // Mostly what a playbook's batch hooks log (health gates waiting, checks passing): always shown.
        return withContinuation(`[INFO] ${e.host ? `${e.host}: ` : ''}`, e.message);
      case 'play-end':
        if (e.stopped) return withContinuation(`${p('red', '[STOPPED]')} ${e.play}: `, e.stopped);
        return verbose ? [p('dim', `PLAY END ${e.play}`)] : [];
      case 'host-done':
        return [];
      case 'recap':
        return ['', p('bold', e.interrupted ? 'PLAY RECAP (interrupted)' : 'PLAY RECAP'), formatRecap(e.hosts, { verbose })];
    }
  }

  private task(e: TaskEvent): string[] {
    const p = this.paint;
    const out: string[] = [];
    const label = e.handler ? `handler: ${e.task}` : e.task;
    if (e.status !== 'ok' || this.options.verbose) {
      const word = statusWord(e);
      const coloured = e.status === 'failed' ? p('red', word) : e.status === 'changed' ? p('yellow', word) : e.status === 'ok' ? p('green', word) : p('cyan', word);
      const head = `${e.host} | ${e.role} | ${label} | ${coloured}`;
      out.push(...(e.reason ? withContinuation(`${head} | `, e.reason) : [head]));
    }
    for (const w of e.warnings ?? []) out.push(...withContinuation(`${p('yellow', '[WARN]')} ${e.host}: ${e.role} | ${label} | `, w));
    if (this.options.diff && e.diffs?.length) out.push(renderDiffs(e.diffs, { color: this.options.color ?? false }));
    return out;
  }
}

/** In check mode nothing was changed, so the line must not claim it was; the recap still counts it as `changed`. */
export function statusWord(e: TaskEvent): string {
  if (e.status === 'changed' && e.check) return 'would change';
  return e.status;
}

/** First line of `text` after `head`; the rest indented, so a command's full stderr is still shown. */
function withContinuation(head: string, text: string): string[] {
  // Reasons quote hosts' stderr: an escape sequence in it must not reach the terminal.
  const [first, ...rest] = escapeControl(text.replace(/\s+$/, '')).split('\n');
  return [head + (first ?? ''), ...rest.map((l) => `    ${l}`)];
}
