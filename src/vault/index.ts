/** The vault's public surface for the CLI and the loaders. */
export { vaultCommand, VAULT_USAGE, type VaultIo } from './cli.ts';
export { PasswordVaultDecryptor, loadVaultedYaml, registerPlaintext, registerSecretsDeep } from './decryptor.ts';
export { VaultError, type VaultErrorKind } from './errors.ts';
export { decryptVault, encryptVault, parseEnvelope } from './format.ts';
export { getVaultPassword, readPasswordFile, PASSWORD_FILE_ENV } from './password.ts';
export { redact, redactDeep, registerSecret, REDACTED } from './redact.ts';
export { isVaultText, type VaultDecryptor } from './types.ts';
