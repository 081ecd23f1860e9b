import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Connection } from '../connection/types.ts';
import { check } from '../connection/errors.ts';
import { quoteArgv } from '../connection/quote.ts';
import { trimStderr } from '../connection/errors.ts';
import { formatMode } from './common.ts';
import { TsPlayError } from '../base/errors.ts';

export const KEEP_BACKUPS = 3;

export interface WriteSpec {
  path: string;
  /** A Buffer travels base64-encoded and is decoded on the host: every byte arrives as it was. */
  content: string | Buffer;
  owner: string;
  group: string;
  mode: number;
  /** argv run on the temp file before it replaces the live one; '%s' stands for the temp path. */
  validate?: readonly string[];
  backup: boolean;
}

/** A write that did not happen; the live file is untouched. */
export class FileWriteError extends TsPlayError {
  constructor(
    readonly host: string,
    readonly path: string,
    message: string,
  ) {
    super(`${host}: ${path}: ${message}`);
  }
}

// Positional args: path temp owner group mode backup(yes|no) keep, then the validator argv.
// The temp file lives in the target's directory so the final mv is an atomic rename; the
// EXIT trap removes it on every failure path (after a successful mv it no longer exists).
// Backups are named <path>.<YYYYmmddTHHMMSS>~ so a glob of that exact shape lists the
// backups of this file only, oldest first.
const writeScript = (read: string) => `p=$1 t=$2 o=$3 g=$4 m=$5 b=$6 keep=$7
shift 7
d=\${p%/*}; [ -n "$d" ] || d=/
[ -d "$d" ] || { printf 'directory %s does not exist\\n' "$d" >&2; exit 90; }
if [ -L "$p" ] || [ -d "$p" ]; then printf '%s is a symlink or directory, not replaced\\n' "$p" >&2; exit 96; fi
trap 'rm -f -- "$t"' EXIT
umask 077
${read} > "$t" || exit 91
chown -- "$o:$g" "$t" || exit 92
chmod -- "$m" "$t" || exit 92
if [ $# -gt 0 ]; then
  "$@" </dev/null >&2 || { printf '%s' "$?"; exit 93; }
fi
if [ "$b" = yes ] && [ -f "$p" ]; then
  cp -p -- "$p" "$p.$(date +%Y%m%dT%H%M%S)~" || exit 94
  set -- "$p".[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]~
  [ -e "$1" ] || set --
  while [ $# -gt "$keep" ]; do rm -f -- "$1"; shift; done
fi
mv -f -- "$t" "$p" || exit 95`;
const WRITE_SCRIPT = writeScript('cat');
const WRITE_SCRIPT_BASE64 = writeScript('base64 -d');

const STEPS: Record<number, string> = {
  91: 'writing the temp file failed',
  92: 'setting owner/mode on the temp file failed',
  94: 'making the backup failed',
  95: 'renaming the temp file into place failed',
  96: 'refused',
};

/** A dot-file next to the target, unique per write, so an interrupted write never leaves a half file at the real path. */
export function tempPathFor(path: string): string {
  const base = posix.basename(path).slice(0, 200);
  return posix.join(posix.dirname(path), `.${base}.tsp-${randomBytes(4).toString('hex')}`);
}

export function substituteTemp(validate: readonly string[], temp: string): string[] {
  return validate.map((a) => a.split('%s').join(temp));
}

/**
 * Writes content to a temp file beside the path, sets owner and mode, validates it, backs up
 * the file it replaces (keeping the newest KEEP_BACKUPS) and renames it into place: one round trip.
 */
export async function writeFileAtomic(conn: Connection, spec: WriteSpec): Promise<void> {
  const temp = tempPathFor(spec.path);
  const validate = spec.validate ? substituteTemp(spec.validate, temp) : [];
  const binary = typeof spec.content !== 'string';
  const argv = [
    'sh', '-c', binary ? WRITE_SCRIPT_BASE64 : WRITE_SCRIPT, 'sh',
    spec.path, temp, spec.owner, spec.group, formatMode(spec.mode), spec.backup ? 'yes' : 'no', String(KEEP_BACKUPS),
    ...validate,
  ];
  const r = await conn.exec(argv, { stdin: binary ? (spec.content as Buffer).toString('base64') : spec.content });
  if (r.code === 0) return;
  const err = trimStderr(r.stderr);
  if (r.code === 90) throw new FileWriteError(conn.host, spec.path, err);
  if (r.code === 93) {
    throw new FileWriteError(
      conn.host,
      spec.path,
      `validation \`${quoteArgv(validate)}\` exited ${r.stdout.trim() || '?'}; the file was not replaced${err ? `: ${err}` : ''}`,
    );
  }
  const step = STEPS[r.code] ?? `write script exited ${r.code}`;
  throw new FileWriteError(conn.host, spec.path, `${step}${err ? `: ${err}` : ''}`);
}

/** Only ownership or mode differ: fix them in place, without rewriting the file. */
export async function setMetadata(conn: Connection, path: string, owner: string, group: string, mode: number): Promise<void> {
  await check(conn, ['sh', '-c', 'chown -- "$2:$3" "$1" && chmod -- "$4" "$1"', 'sh', path, owner, group, formatMode(mode)]);
}
