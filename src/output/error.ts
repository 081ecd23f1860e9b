import { errorText as plainErrorText } from '../base/errors.ts';
import { redact } from '../vault/redact.ts';

/**
 * The text of an error for the terminal: its message (and, with verbose, its stack), control
 * characters escaped and redacted, since a failing command's stderr or a template error can
 * quote a decrypted value.
 */
export function errorText(err: unknown, verbose = false): string {
  return redact(plainErrorText(err, verbose));
}
