import { PasswordVaultDecryptor } from '../vault/decryptor.ts';
import { VaultError } from '../vault/errors.ts';
import { readPasswordFile } from '../vault/password.ts';
import type { VaultDecryptor } from '../vault/types.ts';

export interface RunDecryptor extends VaultDecryptor {
  /**
   * A password file the inventory names (`tsplay_vault_password_file`, meant for lab-only
   * vaults whose password is committed on purpose); --vault-password-file and
   * $TSPLAY_VAULT_PASSWORD_FILE take precedence.
   */
  setInventoryPasswordFile(path: string): void;
}

/**
 * The run's decryptor. The password file is read only when the first vaulted value is met, so
 * a run that uses no vault needs no password; a vaulted value without a password source is an
 * error naming the file (and line) that holds it.
 */
export function lazyDecryptor(passwordFile: string | undefined): RunDecryptor {
  let fromInventory: string | undefined;
  let inner: PasswordVaultDecryptor | undefined;
  return {
    setInventoryPasswordFile(path: string) {
      fromInventory = path;
    },
    decrypt(text: string, source: string): string {
      const file = passwordFile ?? fromInventory;
      if (!file) {
        throw new VaultError('password', `${source} is vaulted: pass --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD_FILE`, source);
      }
      inner ??= new PasswordVaultDecryptor(readPasswordFile(file));
      return inner.decrypt(text, source);
    },
  };
}
