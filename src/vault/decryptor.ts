/**
 * Decrypts vaulted text in memory for the loaders and marks what comes out as secret, so the
 * output sinks' redact() hides it wherever it ends up.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { VaultError } from './errors.ts';
import { decryptVault } from './format.ts';
import { registerSecret } from './redact.ts';
import { isVaultText, type VaultDecryptor } from './types.ts';

/** Registers every scalar leaf (strings, numbers) of a parsed YAML/JSON value. */
export function registerSecretsDeep(value: unknown): void {
  if (typeof value === 'string') registerSecret(value);
  else if (typeof value === 'number' || typeof value === 'bigint') registerSecret(String(value));
  else if (Array.isArray(value)) value.forEach(registerSecretsDeep);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(registerSecretsDeep);
}

/**
 * A one-line plaintext (an inline `!vault` value, a password) is a secret as a whole. A
 * multi-line plaintext that is a YAML mapping or list is a vars file: its values are the
 * secrets, and its keys and comments are not, so registering its lines would blank out
 * variable names in every log. Anything else multi-line (a key, a certificate) is registered
 * whole and line by line.
 */
export function registerPlaintext(plaintext: string): void {
  const trimmed = plaintext.trim();
  if (!trimmed.includes('\n')) {
    registerSecret(plaintext);
    return;
  }
  let parsed: unknown;
  try {
    parsed = parse(plaintext);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && typeof parsed === 'object') registerSecretsDeep(parsed);
  else registerSecret(plaintext);
}

/** The VaultDecryptor for one password (ts-play runs with a single vault password). */
export class PasswordVaultDecryptor implements VaultDecryptor {
  readonly #password: Buffer;

  constructor(password: Buffer | string) {
    this.#password = typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
  }

  decrypt(vaultText: string, source: string): string {
    const plaintext = decryptVault(vaultText, this.#password, source).toString('utf8');
    registerPlaintext(plaintext);
    return plaintext;
  }
}

/**
 * Parses decrypted YAML without letting the parser quote the content back in its message:
 * only the position is kept.
 */
export function parseSecretYaml(plaintext: string, source: string): unknown {
  try {
    return parse(plaintext);
  } catch (err) {
    const pos = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const where = pos ? ` (line ${pos.line}, column ${pos.col})` : '';
    throw new VaultError('format', `${source}: decrypted content is not valid YAML${where}`, source);
  }
}

/**
 * A whole-file vaulted YAML document (e.g. vault/lab.yml): decrypted in memory, parsed, and
 * every string value in it registered as a secret. A file that is not encrypted is refused:
 * secrets left in plaintext in vault/ are a mistake worth stopping for.
 */
export function loadVaultedYaml(path: string, decryptor: VaultDecryptor): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new VaultError('io', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, path);
  }
  if (!isVaultText(text)) {
    throw new VaultError('format', `${path} is not vault-encrypted (no $ANSIBLE_VAULT header)`, path);
  }
  const value = parseSecretYaml(decryptor.decrypt(text, path), path);
  registerSecretsDeep(value);
  return value;
}
