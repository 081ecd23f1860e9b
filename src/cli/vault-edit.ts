/**
 * `vault edit` and `vault create`: the plaintext lives only in a 0600 file inside a 0700
 * directory on /dev/shm (RAM), and that directory is removed whatever happens to the editor.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runProcess } from '../base/process.ts';
import { VaultError } from '../vault/errors.ts';
import { readInput, writeFileAtomic } from '../vault/fileio.ts';
import { decryptVault, encryptVault, envelopeVaultId } from '../vault/format.ts';
import { getVaultPassword } from '../vault/password.ts';
import { isVaultText } from '../vault/types.ts';

/** The streams and environment of one vault command, so tests can drive it without a terminal. */
export interface VaultIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface VaultOptions {
  passwordFile?: string;
  newPasswordFile?: string;
  /** The label for the envelopes written (1.2); undefined writes 1.1. */
  vaultId?: string;
  newVaultId?: string;
  output?: string;
}

const RAM_DIR = '/dev/shm';
/** Runs the editor; a signal to ts-play meanwhile (Ctrl-C, a closed terminal) aborts the edit instead of killing ts-play. */
async function runEditor(editor: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
  // $EDITOR may carry arguments ("code --wait"): split by the shell, never globbed or evaluated.
  // Signals are held so that the caller's finally block still removes the plaintext.
  const r = await runProcess(['sh', '-c', 'set -f; exec $1 "$2"', 'sh', editor, file], { stdio: 'inherit', env, holdSignals: true });
  if (r.interrupted) throw new VaultError('io', `interrupted by ${r.interrupted}`);
  if (r.code === 127 && r.stderr) throw new VaultError('io', `cannot run editor "${editor}": ${r.stderr.trim()}`);
  if (r.code !== 0) {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
    throw new VaultError('io', `editor "${editor}" ${how}`);
  }
}

export async function editVaultFile(file: string, create: boolean, opts: VaultOptions, io: VaultIo): Promise<void> {
  try {
    statSync(RAM_DIR);
  } catch {
    throw new VaultError('io', `${RAM_DIR} is missing: ts-play edits vault files only in RAM so plaintext never reaches the disk`);
  }
  let before: Buffer = Buffer.alloc(0);
  let vaultId = opts.vaultId;
  const password = await (async () => {
    if (create) {
      return getVaultPassword({ passwordFile: opts.passwordFile, env: io.env, io, confirm: true, label: vaultId });
    }
    const text = readInput(file).toString('utf8');
    if (!isVaultText(text)) throw new VaultError('format', `${file} is not vault-encrypted`, file);
    vaultId ??= envelopeVaultId(text, file);
    const pw = await getVaultPassword({ passwordFile: opts.passwordFile, env: io.env, io, label: vaultId });
    before = decryptVault(text, pw, file);
    return pw;
  })();

  const dir = mkdtempSync(join(RAM_DIR, 'ts-play-vault-'));
  try {
    // Same base name so the editor picks the right syntax highlighting.
    const tmp = join(dir, basename(file));
    writeFileSync(tmp, before, { mode: 0o600, flag: 'wx' });
    const editor = io.env.EDITOR?.trim() || 'vi';
    try {
      await runEditor(editor, tmp, io.env);
    } catch (err) {
      if (err instanceof VaultError) throw new VaultError(err.kind, `${err.message}; ${file} left unchanged`, file);
      throw err;
    }
    const after = readFileSync(tmp);
    if (!create && after.equals(before)) {
      io.stderr.write(`no changes, ${file} not rewritten\n`);
      return;
    }
    writeFileAtomic(file, encryptVault(after, password, { vaultId }));
    io.stderr.write(`${create ? 'created' : 'saved'} ${file}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
