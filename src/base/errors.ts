/**
 * The one error model. Every error a user can cause or act on extends TsPlayError, which
 * carries the exit code the CLI returns for it; anything else reaching the CLI is a bug and
 * is shown with its stack under TSPLAY_DEBUG. Exit codes are the README's.
 */
import { redact } from './redact.ts';
import { escapeControl } from './text.ts';

export const EXIT_OK = 0;
/** Bad input (usage, inventory, playbook, vault ...): nothing was changed. */
export const EXIT_BAD_INPUT = 1;
/** A host failed or a gate stopped the rollout. */
export const EXIT_FAILED = 2;
export const EXIT_UNREACHABLE = 4;
/** Interrupted (Ctrl-C): 128 + SIGINT, as a shell reports a program SIGINT ended. */
export const EXIT_INTERRUPTED = 130;
/** A failure nothing awaited (a bug of ts-play's): sysexits' EX_SOFTWARE. */
export const EXIT_INTERNAL = 70;

export class TsPlayError extends Error {
  readonly exitCode: number;
  constructor(message: string, opts: { exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? EXIT_BAD_INPUT;
  }

  /** The text shown to the user: the message redacted, then with control characters made visible. */
  userMessage(): string {
    return escapeControl(redact(this.message));
  }
}

/** Wrong words on the command line. `usage` is the command's usage text, printed after the message. */
export class UsageError extends TsPlayError {
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}

export { escapeControl };

/** A thrown value as text for the user, whatever it is. */
export function errorText(e: unknown, withStack = false): string {
  if (e instanceof TsPlayError) return e.userMessage();
  const err = e instanceof Error ? e : new Error(String(e));
  return escapeControl(redact(withStack ? (err.stack ?? err.message) : err.message));
}
