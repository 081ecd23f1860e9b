/**
 * Reading what a path is (its kind, owner, mode and, on request, a file's content) is the probe a
 * run sends most: a gateway's no-change run reads some 40 paths. Alone, a path is read by
 * PATH_SCRIPT. In a batch (batch.ts), the plain files and directories among them are read
 * together by one `stat` and one `cat` instead of a subshell, a stat and a cat each, and each
 * one's answer is rebuilt here in exactly the words PATH_SCRIPT prints, so one parser
 * (facts/paths.ts) reads both.
 */
import type { ExecResult } from './types.ts';

/** Ends file contents so a transport that trims trailing whitespace cannot change what compare sees. */
export const EOF_MARK = '\n#tsp-eof';

// Exit 3 means "does not exist"; any other non-zero exit is a failure to read (permissions, I/O).
// Links are reported as links, never followed: modules decide what to do with them.
export const PATH_SCRIPT = `p=$1
if [ -L "$p" ]; then printf 'symlink\\n'; readlink -- "$p"; exit $?; fi
if [ -d "$p" ]; then printf 'directory '; stat -c '%u %g %a %U %G' -- "$p"; exit $?; fi
if [ -f "$p" ]; then
  printf 'file '; stat -c '%u %g %a %U %G' -- "$p" || exit 1
  if [ "$2" = content ]; then cat -- "$p" || exit 1; printf '${EOF_MARK.replace('\n', '\\n')}'; fi
  exit 0
fi
if [ -e "$p" ]; then printf 'other\\n'; exit 0; fi
d=\${p%/*}; [ -n "$d" ] || d=/
if [ -d "$d" ]; then printf 'missing parent\\n'; else printf 'missing noparent\\n'; fi
exit 3`;

export type PathReadMode = 'content' | 'meta';

export function pathReadArgv(path: string, mode: PathReadMode): string[] {
  return ['sh', '-c', PATH_SCRIPT, 'sh', path, mode];
}

/**
 * The path and mode of a probe a batch may read together with others; undefined for any other
 * probe. Kernel files (/proc, /sys, /dev) report a size of 0 whatever they hold, and a name
 * with a newline would break stat's one line per path: those keep PATH_SCRIPT.
 */
export function sharedPathRead(argv: readonly string[]): { path: string; mode: PathReadMode } | undefined {
  if (argv.length !== 6 || argv[0] !== 'sh' || argv[1] !== '-c' || argv[2] !== PATH_SCRIPT || argv[3] !== 'sh') return undefined;
  const [path, mode] = [argv[4]!, argv[5]!];
  if (mode !== 'content' && mode !== 'meta') return undefined;
  if (!path.startsWith('/') || path.includes('\n') || /^\/(proc|sys|dev)(\/|$)/.test(path)) return undefined;
  return { path, mode };
}

/** One line of the shared stat per path, in the order the paths were given: type|uid gid mode user group size. */
export const SHARED_STAT_FORMAT = '%F|%u %g %a %U %G %s';

/**
 * What PATH_SCRIPT would have answered for each path read together: `stat` is the shared stat's
 * output, `content` the shared cat's (the files read with content, in order, end to end). A file
 * that changed between the tests, the stat and the cat makes the sizes disagree: those reads
 * fail with a message saying so rather than answer with a mix of two versions.
 */
export function sharedPathResults(
  reads: ReadonlyArray<{ path: string; mode: PathReadMode }>,
  stat: { code: number; stdout: string; stderr: string },
  content: { code: number; bytes: Buffer; stderr: string },
): ExecResult[] {
  const lines = stat.stdout.split('\n').filter((l) => l !== '');
  const changed = (path: string, what: string): ExecResult => ({ code: 1, stdout: '', stderr: `${path} changed while it was read (${what}); run again\n` });
  if (stat.code !== 0 || lines.length !== reads.length) {
    const why = `stat: exit ${stat.code}, ${lines.length} lines for ${reads.length} paths${stat.stderr.trim() ? `: ${stat.stderr.trim()}` : ''}`;
    return reads.map((r) => changed(r.path, why));
  }
  const parsed = lines.map((l) => {
    const bar = l.indexOf('|');
    const fields = l.slice(bar + 1).split(' ');
    return { type: l.slice(0, bar), owner: fields.slice(0, 5).join(' '), size: Number(fields[5]) };
  });
  const isFile = (type: string) => type === 'regular file' || type === 'regular empty file';
  const want = parsed.reduce((n, p, i) => n + (reads[i]!.mode === 'content' && isFile(p.type) ? p.size : 0), 0);
  const contentOk = content.code === 0 && content.bytes.length === want;
  let at = 0;
  return reads.map((r, i) => {
    const p = parsed[i]!;
    if (p.type === 'directory') return { code: 0, stdout: `directory ${p.owner}\n`, stderr: '' };
    if (!isFile(p.type)) return changed(r.path, `it is now a ${p.type}`);
    if (r.mode === 'meta') return { code: 0, stdout: `file ${p.owner}\n`, stderr: '' };
    if (!contentOk) return changed(r.path, `cat: exit ${content.code}, ${content.bytes.length} bytes where stat counted ${want}${content.stderr.trim() ? `: ${content.stderr.trim()}` : ''}`);
    const body = content.bytes.subarray(at, (at += p.size)).toString('utf8');
    return { code: 0, stdout: `file ${p.owner}\n${body}${EOF_MARK}`, stderr: '' };
  });
}
