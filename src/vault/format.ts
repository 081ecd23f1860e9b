/**
 * The ansible-vault envelope, byte-compatible with ansible-core (VaultAES256):
 *
 *   $ANSIBLE_VAULT;1.1;AES256            (1.2 appends ";<vault-id>")
 *   hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) )   wrapped at 80 columns, final "\n"
 *
 * PBKDF2-HMAC-SHA256 with 10000 iterations derives 80 bytes from the password and the
 * 32-byte random salt: AES-256 key, HMAC-SHA256 key, CTR initial counter. The plaintext is
 * PKCS7-padded to 16 bytes even though CTR needs no padding: ansible does it, so must we.
 * The HMAC covers the ciphertext and is checked before anything is decrypted.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { VaultError, wrongPassword } from './errors.ts';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
const CIPHER = 'AES256';
const ITERATIONS = 10000;
const KEY_LEN = 32;
const IV_LEN = 16;
const BLOCK = 16;
const SALT_LEN = 32;
const HMAC_HEX_LEN = 64;
const WRAP = 80;

export type VaultVersion = '1.1' | '1.2';

export interface VaultEnvelope {
  version: VaultVersion;
  cipher: string;
  /** Only 1.2 envelopes carry one. */
  vaultId?: string;
  /** The outer hex body with line breaks removed. */
  body: string;
}

export interface EncryptOptions {
  /** Writes a 1.2 envelope labelled with this id ("default" keeps 1.1, as ansible does). */
  vaultId?: string;
  /** For reproducible tests only; a fresh random salt is used otherwise. */
  salt?: Buffer;
}

export function parseEnvelope(text: string, source: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/);
  const header = (lines[0] ?? '').trim();
  if (!header.startsWith(`${VAULT_HEADER};`)) {
    throw new VaultError('format', `${source} is not vault-encrypted (no ${VAULT_HEADER} header)`, source);
  }
  const parts = header.split(';').map((p) => p.trim());
  const version = parts[1] ?? '';
  const cipher = parts[2] ?? '';
  if (version !== '1.1' && version !== '1.2') {
    throw new VaultError('format', `${source}: unsupported vault format version "${version}" (ts-play reads 1.1 and 1.2)`, source);
  }
  if (cipher !== CIPHER) {
    throw new VaultError('format', `${source}: unsupported vault cipher "${cipher}" (only ${CIPHER})`, source);
  }
  if (parts.length > 4 || (version === '1.2' && !parts[3])) {
    throw new VaultError('format', `${source}: malformed vault header`, source);
  }
  const bodyLines = lines.slice(1).map((l) => l.trim());
  for (const [i, line] of bodyLines.entries()) {
    if (!/^[0-9a-fA-F]*$/.test(line)) {
      throw new VaultError('format', `${source}: vault body is not valid hex (envelope line ${i + 2})`, source);
    }
  }
  const body = bodyLines.join('');
  if (body.length === 0) {
    throw new VaultError('format', `${source}: vault body is empty (file truncated?)`, source);
  }
  const envelope: VaultEnvelope = { version, cipher, body };
  if (parts[3]) envelope.vaultId = parts[3];
  return envelope;
}

export function formatEnvelope(body: string, vaultId?: string): string {
  const id = vaultId && vaultId !== 'default' ? vaultId : undefined;
  if (id !== undefined && !/^[^;\s]+$/.test(id)) {
    throw new VaultError('usage', `invalid vault id "${id}" (no spaces or ";")`);
  }
  const header = id ? `${VAULT_HEADER};1.2;${CIPHER};${id}` : `${VAULT_HEADER};1.1;${CIPHER}`;
  const lines = [header];
  for (let i = 0; i < body.length; i += WRAP) lines.push(body.slice(i, i + WRAP));
  return `${lines.join('\n')}\n`;
}

function deriveKeys(password: Buffer, salt: Buffer): { aesKey: Buffer; hmacKey: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LEN + IV_LEN, 'sha256');
  return {
    aesKey: derived.subarray(0, KEY_LEN),
    hmacKey: derived.subarray(KEY_LEN, 2 * KEY_LEN),
    iv: derived.subarray(2 * KEY_LEN),
  };
}

function toBytes(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function pkcs7Pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

export function encryptVault(plaintext: Buffer | string, password: Buffer | string, opts: EncryptOptions = {}): string {
  const pw = toBytes(password);
  if (pw.length === 0) throw new VaultError('usage', 'refusing to encrypt with an empty vault password');
  const salt = opts.salt ?? randomBytes(SALT_LEN);
  const { aesKey, hmacKey, iv } = deriveKeys(pw, salt);
  const cipher = createCipheriv('aes-256-ctr', aesKey, iv);
  const ciphertext = Buffer.concat([cipher.update(pkcs7Pad(toBytes(plaintext))), cipher.final()]);
  const mac = createHmac('sha256', hmacKey).update(ciphertext).digest('hex');
  const inner = `${salt.toString('hex')}\n${mac}\n${ciphertext.toString('hex')}`;
  return formatEnvelope(Buffer.from(inner, 'ascii').toString('hex'), opts.vaultId);
}

function hexField(hex: string, what: string, source: string): Buffer {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new VaultError('format', `${source}: vault ${what} is damaged (file truncated or modified)`, source);
  }
  return Buffer.from(hex, 'hex');
}

/** Splits the decoded body into salt, hmac and ciphertext, rejecting anything ansible could not have written. */
function parseBody(body: string, source: string): { salt: Buffer; mac: Buffer; ciphertext: Buffer } {
  const inner = hexField(body, 'body', source).toString('latin1');
  const first = inner.indexOf('\n');
  const second = first < 0 ? -1 : inner.indexOf('\n', first + 1);
  if (second < 0) {
    throw new VaultError('format', `${source}: vault body is incomplete (file truncated?)`, source);
  }
  const salt = hexField(inner.slice(0, first), 'salt', source);
  const macHex = inner.slice(first + 1, second);
  if (macHex.length !== HMAC_HEX_LEN) {
    throw new VaultError('format', `${source}: vault HMAC field is damaged (file truncated or modified)`, source);
  }
  const mac = hexField(macHex, 'HMAC', source);
  const ciphertext = hexField(inner.slice(second + 1), 'ciphertext', source);
  if (ciphertext.length % BLOCK !== 0) {
    throw new VaultError('format', `${source}: vault ciphertext length is not a multiple of ${BLOCK} (file truncated?)`, source);
  }
  return { salt, mac, ciphertext };
}

/**
 * Decrypts one envelope. An HMAC mismatch is reported as a wrong password: that is by far the
 * likeliest cause, and a modified ciphertext cannot be told apart from it.
 */
export function decryptVault(text: string, password: Buffer | string, source: string): Buffer {
  const envelope = parseEnvelope(text, source);
  const { salt, mac, ciphertext } = parseBody(envelope.body, source);
  const { aesKey, hmacKey, iv } = deriveKeys(toBytes(password), salt);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (!timingSafeEqual(expected, mac)) throw wrongPassword(source);
  const decipher = createDecipheriv('aes-256-ctr', aesKey, iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const n = padded[padded.length - 1] ?? 0;
  if (n < 1 || n > BLOCK || n > padded.length || !padded.subarray(padded.length - n).every((b) => b === n)) {
    throw new VaultError('format', `${source}: vault content has invalid padding (not written by ansible-vault?)`, source);
  }
  return padded.subarray(0, padded.length - n);
}

/** The vault id of an envelope, without decrypting (undefined for 1.1). */
export function envelopeVaultId(text: string, source: string): string | undefined {
  return parseEnvelope(text, source).vaultId;
}
