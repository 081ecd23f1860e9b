import { createHash, randomBytes } from 'node:crypto';
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

// Positional args: path temp owner group mode backup(yes|no) keep size sha256, then the
// validator argv. The temp file lives in the target's directory so the final mv is an atomic
// rename; the EXIT trap removes it on every failure path (after a successful mv it no longer
// exists), and the signal traps turn a TERM/HUP/INT into an exit so that trap still runs.
// What cat received is checked against the size and digest the control side sent before
// anything else: stdin ends early when the connection drops or ts-play dies mid-write, and a
// short file must never be renamed into place (a truncated ruleset can still be valid).
// Backups are named <path>.<YYYYmmddTHHMMSS>~ so a glob of that exact shape lists the
// backups of this file only, oldest first.
const writeScript = (read: string) => `p=$1 t=$2 o=$3 g=$4 m=$5 b=$6 keep=$7 size=$8 sum=$9
shift 9
d=\${p%/*}; [ -n "$d" ] || d=/
[ -d "$d" ] || { printf 'directory %s does not exist\\n' "$d" >&2; exit 90; }
if [ -L "$p" ] || [ -d "$p" ]; then printf '%s is a symlink or directory, not replaced\\n' "$p" >&2; exit 96; fi
command -v sha256sum >/dev/null 2>&1 || { echo 'sha256sum is missing (coreutils): cannot check what was received' >&2; exit 98; }
trap 'rm -f -- "$t"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
umask 077
${read} > "$t" || exit 91
n=$(wc -c < "$t") || exit 91
n=$((n + 0))
if [ "$n" -ne "$size" ]; then printf 'received %s of %s bytes (input cut short): the file was not replaced\\n' "$n" "$size" >&2; exit 97; fi
got=$(sha256sum < "$t") || exit 91
got=\${got%% *}
if [ "$got" != "$sum" ]; then printf 'sha256 of what was received is %s, not %s: the file was not replaced\\n' "$got" "$sum" >&2; exit 97; fi
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
  97: 'what the host received is not what was sent',
  98: 'refused',
};

/** A dot-file next to the target, unique per write, so an interrupted write never leaves a half file at the real path. */
export function tempPathFor(path: string): string {
  const base = posix.basename(path).slice(0, 200);
  return posix.join(posix.dirname(path), `.${base}.tsp-${randomBytes(4).toString('hex')}`);
}

/** What the write script checks before the rename: the byte count and the sha256 of the content. */
export function contentCheck(content: string | Buffer): { size: number; sha256: string } {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The argv of one write (the content goes on stdin); exported so tests can feed it a cut stdin. */
export function writeArgv(spec: WriteSpec, temp: string): string[] {
  const validate = spec.validate ? substituteTemp(spec.validate, temp) : [];
  const { size, sha256 } = contentCheck(spec.content);
  // A Buffer travels base64-encoded (binary-safe); the size and digest are of the decoded bytes.
  return [
    'sh', '-c', typeof spec.content === 'string' ? WRITE_SCRIPT : WRITE_SCRIPT_BASE64, 'sh',
    spec.path, temp, spec.owner, spec.group, formatMode(spec.mode), spec.backup ? 'yes' : 'no', String(KEEP_BACKUPS), String(size), sha256,
    ...validate,
  ];
}

export function substituteTemp(validate: readonly string[], temp: string): string[] {
  return validate.map((a) => a.split('%s').join(temp));
}

/**
 * Writes content to a temp file beside the path, sets owner and mode, validates it, backs up
 * the file it replaces (keeping the newest KEEP_BACKUPS) and renames it into place: one round trip.
 * The host renames nothing unless it received exactly `content` (size and sha256).
 */
export async function writeFileAtomic(conn: Connection, spec: WriteSpec): Promise<void> {
  const temp = tempPathFor(spec.path);
  const validate = spec.validate ? substituteTemp(spec.validate, temp) : [];
  const argv = writeArgv(spec, temp);
  const r = await conn.exec(argv, { stdin: typeof spec.content === 'string' ? spec.content : spec.content.toString('base64') });
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
