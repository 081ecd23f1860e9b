import type { EventSink } from '../engine/events.ts';
import { Listr2Renderer } from './listr.ts';
import { PlainRenderer, type TextOut } from './plain.ts';

export interface RendererOptions {
  /** The caller's view: stdout is a terminal and progress is wanted. */
  tty: boolean;
  verbose?: boolean;
  diff?: boolean;
  color?: boolean;
  stream: TextOut & Partial<Pick<NodeJS.WriteStream, 'isTTY' | 'columns'>>;
  /** Where listr2 sends stray stderr while drawing; must not be `stream`. */
  stderr?: NodeJS.WriteStream;
  /** For TERM, CI (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/** Narrower than this, listr2's wrapped titles redraw worse than plain lines read. */
const MIN_COLUMNS = 40;

/**
 * Progress view only when everything says terminal: the caller, the stream itself, a usable
 * width and a TERM that can move the cursor. Anything odd gets plain lines, which always work.
 */
export function usableTty(stream: RendererOptions['stream'], env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (stream.columns ?? 0) >= MIN_COLUMNS && env.TERM !== 'dumb' && !env.CI;
}

export function createRenderer(options: RendererOptions): EventSink {
  const { stream, tty, env, ...rest } = options;
  if (tty && usableTty(stream, env) && stream !== options.stderr) {
    return new Listr2Renderer(stream as NodeJS.WriteStream, rest);
  }
  return new PlainRenderer(stream, rest);
}

/** Colour when the stream is a terminal and the user has not asked otherwise (https://no-color.org). */
export function wantsColor(stream: RendererOptions['stream'], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
