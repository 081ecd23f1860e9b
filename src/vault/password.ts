/**
 * Where the vault password comes from, in order: --vault-password-file (or the source half of
 * --vault-id label@source), $TSPLAY_VAULT_PASSWORD_FILE, a no-echo prompt on a terminal.
 * Password files follow ansible's rules so existing files and scripts keep working:
 * a plain file's content is stripped of surrounding whitespace; an executable file is run and
 * its stdout, stripped of surrounding CR/LF, is the password.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { VaultError } from './errors.ts';
import { canPrompt, promptHidden, type PromptIo } from './prompt.ts';

export const PASSWORD_FILE_ENV = 'TSPLAY_VAULT_PASSWORD_FILE';

export interface PasswordOptions {
  /** --vault-password-file, or "prompt" to force the prompt. */
  passwordFile?: string;
  env?: NodeJS.ProcessEnv;
  io: PromptIo;
  /** New passwords (encrypt, create, rekey) are asked twice when prompted. */
  confirm?: boolean;
  /** Shown in the prompt, e.g. the vault id. */
  label?: string;
  /** Whether $TSPLAY_VAULT_PASSWORD_FILE applies (not for rekey's new password). */
  useEnv?: boolean;
}

/** Python's bytes.strip(): ASCII whitespace only. */
function stripWhitespace(b: Buffer): Buffer {
  const ws = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
  let start = 0;
  let end = b.length;
  while (start < end && ws.has(b[start]!)) start++;
  while (end > start && ws.has(b[end - 1]!)) end--;
  return b.subarray(start, end);
}

function stripNewlines(b: Buffer): Buffer {
  let start = 0;
  let end = b.length;
  while (start < end && (b[start] === 0x0a || b[start] === 0x0d)) start++;
  while (end > start && (b[end - 1] === 0x0a || b[end - 1] === 0x0d)) end--;
  return b.subarray(start, end);
}

export function readPasswordFile(file: string): Buffer {
  const path = resolve(file);
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new VaultError('source', `vault password file ${file} not found`, file);
  }
  if (!st.isFile()) throw new VaultError('source', `vault password file ${file} is not a regular file`, file);
  let password: Buffer;
  if (st.mode & 0o111) {
    try {
      // stdin and stderr stay on the terminal so a script can ask for a passphrase itself.
      password = stripNewlines(execFileSync(path, [], { stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: 1 << 20 }));
    } catch (err) {
      const e = err as { status?: number | null; signal?: string | null; code?: string };
      const why = e.status != null ? `exited with code ${e.status}` : e.signal ? `was killed by ${e.signal}` : `could not run (${e.code ?? 'error'})`;
      throw new VaultError('source', `vault password script ${file} ${why}`, file);
    }
  } else {
    try {
      password = stripWhitespace(readFileSync(path));
    } catch (err) {
      throw new VaultError('source', `cannot read vault password file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, file);
    }
  }
  if (password.length === 0) throw new VaultError('source', `vault password file ${file} gave an empty password`, file);
  return password;
}

async function promptPassword(opts: PasswordOptions): Promise<Buffer> {
  const what = `${opts.confirm ? 'New vault' : 'Vault'} password${opts.label ? ` (${opts.label})` : ''}: `;
  const first = (await promptHidden(what, opts.io)).trim();
  if (first === '') throw new VaultError('source', 'empty vault password');
  if (opts.confirm) {
    const again = (await promptHidden(`Confirm ${what.charAt(0).toLowerCase()}${what.slice(1)}`, opts.io)).trim();
    if (again !== first) throw new VaultError('source', 'vault passwords do not match');
  }
  return Buffer.from(first, 'utf8');
}

export async function getVaultPassword(opts: PasswordOptions): Promise<Buffer> {
  const env = opts.env ?? process.env;
  const file = opts.passwordFile ?? (opts.useEnv === false ? undefined : env[PASSWORD_FILE_ENV] || undefined);
  if (file !== undefined && file !== 'prompt') return readPasswordFile(file);
  if (!canPrompt(opts.io)) {
    throw new VaultError(
      'source',
      `no vault password: use --vault-password-file FILE or set ${PASSWORD_FILE_ENV} (standard input is not a terminal, cannot prompt)`,
    );
  }
  return promptPassword(opts);
}

/**
 * `--vault-id` as ansible spells it, `label@source` (source: a password file or "prompt"),
 * or a bare label whose password comes from the other sources.
 */
export function parseVaultId(spec: string): { label: string; source?: string } {
  const at = spec.indexOf('@');
  const label = at < 0 ? spec : spec.slice(0, at);
  if (!/^[^;@\s]+$/.test(label)) throw new VaultError('usage', `invalid vault id "${label}" (no spaces, ";" or "@")`);
  return at < 0 ? { label } : { label, source: spec.slice(at + 1) };
}
