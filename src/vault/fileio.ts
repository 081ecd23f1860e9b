/**
 * File reads and writes for the vault commands: errors name the file, and files are replaced
 * by rename so an interrupted write never leaves half a vault behind.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { VaultError } from './errors.ts';

export function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'error');
    throw new VaultError('io', `cannot read ${file}: ${why}`, file);
  }
}

export function fileExists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Replaces `file` atomically; keeps its mode when it exists, otherwise 0600 (it may hold plaintext). */
export function writeFileAtomic(file: string, data: Buffer | string): void {
  let mode = 0o600;
  try {
    mode = statSync(file).mode & 0o7777;
  } catch {
    // A new file.
  }
  const tmp = join(dirname(file), `.${basename(file)}.ts-play-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new VaultError('io', `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, file);
  }
}
