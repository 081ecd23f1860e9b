/** The vault's public surface for the loaders and the vault command (src/cli/vault.ts). */
export { PasswordVaultDecryptor, loadVaultedYaml, registerPlaintext, registerSecretsDeep } from './decryptor.ts';
export { VaultError, type VaultErrorKind } from './errors.ts';
export { decryptVault, encryptVault, parseEnvelope } from './format.ts';
export { getVaultPassword, readPasswordFile, PASSWORD_FILE_ENV } from './password.ts';
export { redact, redactDeep, registerSecret, REDACTED } from './redact.ts';
export { isVaultText, type VaultDecryptor } from './types.ts';
