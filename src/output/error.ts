import { redact } from '../vault/redact.ts';

/**
 * The text of an error for the terminal: its message (and, with verbose, its stack), redacted,
 * since a failing command's stderr or a template error can quote a decrypted value.
 */
export function errorText(err: unknown, verbose = false): string {
  if (err instanceof Error) return redact(verbose && err.stack ? err.stack : err.message);
  return redact(String(err));
}
