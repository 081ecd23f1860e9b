import { DefaultRenderer, Listr, ListrLogger, ProcessOutput, Spinner, ANSI_ESCAPE_CODES } from 'listr2';
import type { EngineEvent, EventSink } from '../engine/events.ts';
import { escapeControl } from '../base/errors.ts';
import { redact } from '../vault/redact.ts';
import { PlainRenderer, type PlainOptions } from './plain.ts';

/** A TTY stream: listr2 rewrites lines in place on it. */
export type TtyOut = NodeJS.WriteStream;

export interface ListrOptions extends PlainOptions {
  /** listr2 hijacks stderr too while it draws; it must be a different stream from `stream`. */
  stderr?: TtyOut;
}

/**
 * listr2 decides "is this a terminal?" from process.stdout, not from the stream it is given.
 * The caller has already decided that `stream` is one (createRenderer), so say the renderer
 * works anywhere rather than flipping process.stdout.isTTY for the whole process.
 */
class StreamRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

/**
 * The spinner's timer must not keep the process alive: a CLI that returns on an engine error
 * without closing the renderer would otherwise hang forever on a spinning view.
 */
class UnrefSpinner extends Spinner {
  override start(cb?: () => void, interval?: number): void {
    super.start(cb, interval);
    (this as unknown as { id?: NodeJS.Timeout }).id?.unref();
  }
}

interface Counts {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
}

interface HostView {
  host: string;
  role?: string;
  task?: string;
  counts: Counts;
  failure?: string;
  settled: boolean;
  settle(): void;
  done: Promise<void>;
  setTitle?(title: string): void;
}

interface BatchView {
  hosts: Map<string, HostView>;
  /** Plain lines for this batch's hosts, printed in full once its progress view has ended. */
  deferred: string[];
}

/**
 * Live progress on a terminal: one listr2 task per host of the current batch, titled with the
 * host, its role and its latest task. listr2 owns the stream while it draws, so everything else
 * (headers, gates, failures, diffs, warnings, the recap) is written by PlainRenderer between
 * progress views: nothing is lost when the view is redrawn or cleared.
 */
export class Listr2Renderer implements EventSink {
  private readonly plain: PlainRenderer;
  private readonly batches: BatchView[] = [];
  private queue: Promise<void> = Promise.resolve();
  private drawing = false;
  private readonly restoreCursor = () => {
    if (this.drawing) this.stream.write(ANSI_ESCAPE_CODES.CURSOR_SHOW);
  };

  constructor(
    private readonly stream: TtyOut,
    private readonly options: ListrOptions = {},
  ) {
    this.plain = new PlainRenderer(stream, options);
    // listr2 hides the cursor while drawing; an exit in the middle must not leave it hidden.
    process.on('exit', this.restoreCursor);
  }

  emit(event: EngineEvent): void {
    switch (event.type) {
      case 'run-start':
      case 'play-start':
      case 'play-end':
      case 'recap':
        this.settleAll();
        this.write(this.plain.format(event));
        return;
      case 'batch-start':
        this.settleAll();
        this.write(this.plain.format(event));
        this.open(event.hosts);
        return;
      case 'gate':
        this.write(this.plain.format(event));
        return;
      case 'warning':
      case 'info':
        if (event.host === undefined) {
          this.write(this.plain.format(event));
          return;
        }
        break;
    }
    this.hostEvent(event as Extract<EngineEvent, { host: string }>);
  }

  async close(): Promise<void> {
    this.settleAll();
    await this.queue;
    process.off('exit', this.restoreCursor);
  }

  private hostEvent(e: Extract<EngineEvent, { host: string }>): void {
    const text = this.plain.format(e);
    let batch = this.batches.find((b) => b.hosts.get(e.host)?.settled === false);
    if (!batch) {
      if (e.type !== 'role-start' && e.type !== 'task') {
        // A late word about a host whose line is settled: print it with that batch, or now.
        const last = this.batches.findLast((b) => b.hosts.has(e.host));
        if (last) last.deferred.push(text);
        else this.write(text);
        return;
      }
      // An engine that reports a host outside any announced batch still gets a progress line.
      batch = this.open([e.host]);
    }
    const view = batch.hosts.get(e.host)!;
    if (text) batch.deferred.push(text);
    switch (e.type) {
      case 'role-start':
        view.role = e.role;
        view.task = undefined;
        break;
      case 'task':
        view.role = e.role;
        view.task = e.handler ? `handler: ${e.task}` : e.task;
        view.counts[e.status]++;
        if (e.status === 'failed') view.failure = e.reason ?? `${e.task} failed`;
        break;
      case 'unreachable':
        view.failure = `unreachable: ${e.reason}`;
        view.settle();
        break;
      case 'host-failed':
        view.failure = e.reason;
        view.settle();
        break;
      case 'host-done':
        view.settle();
        break;
    }
    view.setTitle?.(title(view));
  }

  private open(hosts: string[]): BatchView {
    const batch: BatchView = { hosts: new Map(), deferred: [] };
    for (const host of hosts) batch.hosts.set(host, hostView(host));
    this.batches.push(batch);
    this.enqueue(() => this.draw(batch));
    return batch;
  }

  private async draw(batch: BatchView): Promise<void> {
    const tasks = [...batch.hosts.values()].map((view) => ({
      title: redact(title(view)),
      task: async (_ctx: unknown, wrapper: { title: string }) => {
        view.setTitle = (t) => (wrapper.title = redact(t));
        view.setTitle(title(view));
        await view.done;
        view.setTitle(title(view));
        if (view.failure !== undefined) throw new Error(redact(escapeControl(firstLine(view.failure))));
      },
    }));
    const listr = new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      collectErrors: false,
      registerSignalListeners: false,
      renderer: StreamRenderer,
      rendererOptions: {
        logger: new ListrLogger({ processOutput: new ProcessOutput(this.stream, this.options.stderr ?? process.stderr) }),
        collapseErrors: false,
        spinner: new UnrefSpinner(),
      },
    });
    this.drawing = true;
    try {
      await listr.run();
    } catch {
      // Failures are the engine's to report; they are in the deferred lines below.
    } finally {
      this.drawing = false;
      this.batches.splice(this.batches.indexOf(batch), 1);
    }
    if (batch.deferred.length) this.stream.write(batch.deferred.join(''));
  }

  private settleAll(): void {
    for (const b of this.batches) for (const v of b.hosts.values()) v.settle();
  }

  /** Writes wait for any progress view still drawing, so they never interleave with it. */
  private write(text: string): void {
    if (text) this.enqueue(async () => void this.stream.write(text));
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(step, step);
  }
}

function hostView(host: string): HostView {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const view: HostView = {
    host,
    counts: { ok: 0, changed: 0, failed: 0, skipped: 0 },
    settled: false,
    done,
    settle() {
      view.settled = true;
      resolve();
    },
  };
  return view;
}

function title(v: HostView): string {
  const c = v.counts;
  const counts = `[ok=${c.ok} changed=${c.changed} failed=${c.failed} skipped=${c.skipped}]`;
  // A failed host's reason is shown by listr2 under its line, from the error the task throws.
  if (v.settled) return `${v.host} ${counts}`;
  const where = [v.role, v.task].filter(Boolean).join(' › ');
  return where ? `${v.host} › ${where} ${counts}` : `${v.host} ${counts}`;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
