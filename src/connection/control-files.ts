import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { constants } from 'node:fs';
import { TsPlayError } from '../base/errors.ts';

/**
 * A file on the control side the user pointed ts-play at (a private key, known_hosts) that it
 * cannot use: bad input, exit 1, naming the file and who named it. Before this, a missing key
 * file or a known_hosts that was a directory showed up as an unreachable host with a bare
 * ENOENT/EISDIR, and a known_hosts under /proc made the run spin forever.
 */
export class ControlFileError extends TsPlayError {}

/** Large enough for a known_hosts of many thousand hosts; far more than any key. */
export const MAX_CONTROL_FILE = 16 * 1024 * 1024;

// Kernel and device files: their size says nothing, reads may block or never end.
const PSEUDO = /^\/(proc|sys|dev)(\/|$)/;

export interface ControlFile {
  path: string;
  /** What it is and who named it: "known_hosts file (--known-hosts)". */
  what: string;
}

function refuse(f: ControlFile, why: string): never {
  throw new ControlFileError(`${f.what} ${f.path}: ${why}`);
}

/** Where the path really leads, or undefined when nothing is there. */
function resolved(f: ControlFile): string | undefined {
  try {
    return realpathSync(f.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return refuse(f, `cannot be read (${code ?? (e as Error).message})`);
  }
}

/**
 * Checks that the file can be read as a control file: a regular file of bounded size, not
 * under /proc, /sys or /dev. `missingOk`: a file that does not exist yet is fine (known_hosts
 * on first contact); anything else missing is an error.
 */
export function checkControlFile(f: ControlFile, missingOk = false): boolean {
  if (PSEUDO.test(f.path)) refuse(f, 'refused: a kernel or device file, not a regular file');
  const real = resolved(f);
  if (real === undefined) {
    if (missingOk) return false;
    return refuse(f, 'no such file');
  }
  if (PSEUDO.test(real)) refuse(f, `refused: it leads to ${real}, a kernel or device file`);
  const st = statSync(real);
  if (st.isDirectory()) refuse(f, 'is a directory, not a file');
  if (!st.isFile()) refuse(f, 'refused: not a regular file (a fifo, socket or device)');
  if (st.size > MAX_CONTROL_FILE) refuse(f, `refused: ${st.size} bytes, more than ${MAX_CONTROL_FILE}`);
  return true;
}

/**
 * Reads a control file after checkControlFile's checks, with O_NONBLOCK (a file swapped for a
 * fifo in between does not block) and never more than MAX_CONTROL_FILE bytes. undefined when
 * the file does not exist and `missingOk`.
 */
export function readControlFile(f: ControlFile, missingOk = false): string | undefined {
  if (!checkControlFile(f, missingOk)) return undefined;
  let fd: number;
  try {
    fd = openSync(f.path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    return refuse(f, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    if (!fstatSync(fd).isFile()) refuse(f, 'refused: not a regular file');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_CONTROL_FILE) refuse(f, `refused: more than ${MAX_CONTROL_FILE} bytes`);
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
