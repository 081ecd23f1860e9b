import { TsPlayError } from '../base/errors.ts';

/**
 * Every vault failure a user can cause (bad password, damaged file, missing password source)
 * is a VaultError: the CLI prints its message as one line, loaders let it propagate with the
 * file already named. Messages never include decrypted content.
 */
export type VaultErrorKind = 'password' | 'format' | 'source' | 'usage' | 'io';

export class VaultError extends TsPlayError {
  readonly kind: VaultErrorKind;
  /** The file (or `file:line` for an inline value) the error is about, when there is one. */
  readonly source: string | undefined;

  constructor(kind: VaultErrorKind, message: string, source?: string) {
    super(message);
    this.kind = kind;
    this.source = source;
  }
}

export function wrongPassword(source: string): VaultError {
  return new VaultError('password', `vault password is wrong for ${source}`, source);
}
