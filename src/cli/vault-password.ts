import { PasswordVaultDecryptor } from '../vault/decryptor.ts';
import { VaultError } from '../vault/errors.ts';
import { readPasswordFile } from '../vault/password.ts';
import type { VaultDecryptor } from '../vault/types.ts';

/**
 * The run's decryptor. The password file is read only when the first vaulted value is met, so
 * a run that uses no vault needs no password; a vaulted value without a password source is an
 * error naming the file (and line) that holds it.
 */
export function lazyDecryptor(passwordFile: string | undefined): VaultDecryptor {
  let inner: PasswordVaultDecryptor | undefined;
  return {
    decrypt(text: string, source: string): string {
      if (!passwordFile) {
        throw new VaultError('password', `${source} is vaulted: pass --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD_FILE`, source);
      }
      inner ??= new PasswordVaultDecryptor(readPasswordFile(passwordFile));
      return inner.decrypt(text, source);
    },
  };
}
