/**
 * What the inventory and vars loaders need from the vault: turn one vaulted text (a whole
 * file, or an inline `!vault` value) into plaintext. `source` names the file (and line)
 * for error messages. Implementations register every plaintext with redact.ts.
 */
export interface VaultDecryptor {
  decrypt(vaultText: string, source: string): string;
}

export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith('$ANSIBLE_VAULT;');
}
