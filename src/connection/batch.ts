import type { Connection, ExecResult } from './types.ts';
import { quote, quoteArgv, unquoteArgv } from './quote.ts';
import { SHARED_STAT_FORMAT, sharedPathRead, sharedPathResults } from './path-read.ts';
import { sharedUnitShow, unionShow, unitShowResults, type UnitShow } from './unit-show.ts';
import { TsPlayError } from '../base/errors.ts';
import { clip } from '../base/redact.ts';

/** A read-only command whose output describes actual state. The engine batches the probes of a role into one round trip. */
export interface Probe {
  argv: string[];
}

/**
 * Runs many read-only probes in one round trip: one `sh` on the host runs each probe with stdin
 * closed into files of its own and keeps its exit code in a variable. At the end one `wc -c`
 * gives every file's size and one `cat | base64` sends them all, so the framing costs three
 * processes per batch instead of two per probe: on a host where a fork and exec take 5-10 ms
 * that was half of what reading a gateway's state cost. base64 keeps arbitrary bytes (and the
 * line framing) intact. Two kinds of probe go further. Path reads (path-read.ts) of plain files
 * and directories: shell tests (builtins) pick them out, and one stat and one cat read them all.
 * `systemctl show`s (unit-show.ts), when a batch has two or more: one call answers them all.
 */
export function batchScript(probes: readonly Probe[]): string {
  const lines = [
    'd=$(mktemp -d) || exit 97',
    "trap 'rm -rf \"$d\"' EXIT",
    // A killed session's TERM/HUP must still run the EXIT trap: no temp dir left on the host.
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
    'f=',
  ];
  // A probe that is a script of its own (`sh -c SCRIPT sh ARGS...`) becomes a shell function,
  // defined once per script and called in the probe's subshell: a fork instead of a fork and an
  // exec of sh. Its $0 is "sh" either way.
  const fns = new Map<string, string>();
  const calls = probes.map((p) => {
    const [sh, c, script, zero, ...args] = p.argv;
    if (sh !== 'sh' || c !== '-c' || zero !== 'sh' || script === undefined) return quoteArgv(p.argv);
    let name = fns.get(script);
    if (!name) {
      name = `tsp_fn${fns.size}`;
      fns.set(script, name);
      // The comment carries the script for parseBatchScript; the body ends on a line of its own.
      lines.push(`# ${name} ${Buffer.from(script, 'utf8').toString('base64')}`, `${name}() {`, script, '}');
    }
    return args.length ? `${name} ${quoteArgv(args)}` : name;
  });
  const shared = probes.map((p) => sharedPathRead(p.argv));
  const sharesPaths = shared.some(Boolean);
  const shows = sharedShows(probes);
  if (sharesPaths) lines.push('tsp_plain() { [ ! -L "$1" ] && { [ -f "$1" ] || [ -d "$1" ]; }; }');
  if (shows) lines.push(`${quoteArgv(unionShow(shows.filter(Boolean) as UnitShow[]))} >"$d/us" 2>"$d/ue" </dev/null; u=$?; f="$f us ue"`);
  lines.push('# tsp-probes');
  calls.forEach((call, i) => {
    const alone = `(${call}) >"$d/${i}o" 2>"$d/${i}e" </dev/null; c${i}=$?; f="$f ${i}o ${i}e"`;
    const read = shared[i];
    // The positional parameters collect the paths the shared stat reads, in probe order.
    if (read) lines.push(`if tsp_plain ${quote(read.path)}; then set -- "$@" ${quote(read.path)}; c${i}=p; else`, alone, 'fi');
    // A shared show that failed (no systemd, a unit name it refuses) leaves each show to run alone.
    else if (shows?.[i]) lines.push(`if [ "$u" = 0 ]; then c${i}=u; else`, alone, 'fi');
    else lines.push(alone);
  });
  let codes = probes.map((_, i) => `$c${i}`).join(' ');
  if (shows) codes += ' u:$u';
  if (sharesPaths) {
    lines.push(
      `if [ $# -gt 0 ]; then stat -c '${SHARED_STAT_FORMAT}' -- "$@" >"$d/ps" 2>"$d/pe" </dev/null; s=$?; else : >"$d/ps"; : >"$d/pe"; s=0; fi`,
      'set --',
      ...shared.flatMap((r, i) => (r?.mode === 'content' ? [`[ "$c${i}" = p ] && [ -f ${quote(r.path)} ] && set -- "$@" ${quote(r.path)}`] : [])),
      `if [ $# -gt 0 ]; then cat -- "$@" >"$d/pc" 2>>"$d/pe" </dev/null; k=$?; else : >"$d/pc"; k=0; fi`,
      'f="$f ps pe pc"',
    );
    codes += ' p:$s:$k';
  }
  lines.push(
    `printf '%s\\n' "${codes}"`,
    'cd "$d" || exit 97',
    // $f holds names this script chose (digits and letters): split on spaces, as meant.
    'wc -c -- $f || exit 98',
    'cat -- $f | base64 -w0 || exit 98',
    'echo',
  );
  return lines.join('\n');
}

// A probe's quoted argv may span lines (a multi-line sh -c script): match lazily across them.
const PROBE = /^\(([\s\S]*?)\) >"\$d\/(\d+)o" 2>"\$d\/\d+e" <\/dev\/null; c\d+=\$\?; f="\$f \d+o \d+e"$/gm;
const FN = /^# (tsp_fn\d+) ([A-Za-z0-9+/=]*)$/gm;

/** The probes a batch script runs, in order; undefined for any other script (used by fakes). */
export function parseBatchScript(script: string): string[][] | undefined {
  if (!script.startsWith('d=$(mktemp -d) || exit 97\n')) return undefined;
  const fns = new Map<string, string>();
  for (const m of script.matchAll(FN)) fns.set(m[1]!, Buffer.from(m[2]!, 'base64').toString('utf8'));
  // Function bodies are not probes: only what follows the definitions is.
  const body = script.slice(script.indexOf('\n# tsp-probes\n'));
  const probes: string[][] = [];
  for (const m of body.matchAll(PROBE)) {
    const argv = unquoteArgv(m[1]!);
    const fn = fns.get(argv[0]!);
    probes[Number(m[2])] = fn !== undefined ? ['sh', '-c', fn, 'sh', ...argv.slice(1)] : argv;
  }
  return probes;
}

/** What the host prints for these results when every probe ran alone: the framing a fake host answers with. */
export function batchOutput(results: readonly ExecResult[]): string {
  const bufs = results.flatMap((r) => [Buffer.from(r.stdout, 'utf8'), Buffer.from(r.stderr, 'utf8')]);
  const sizes = bufs.map((b, i) => `${b.length} ${Math.floor(i / 2)}${i % 2 ? 'e' : 'o'}`);
  if (bufs.length > 1) sizes.push(`${bufs.reduce((n, b) => n + b.length, 0)} total`);
  return `${results.map((r) => `${r.code}`).join(' ')}\n${sizes.join('\n')}\n${Buffer.concat(bufs).toString('base64')}\n`;
}

export class BatchProtocolError extends TsPlayError {}

/**
 * Each probe's result from a batch's output. `probes` is needed only when the batch shared reads
 * (a `p` or `u` where a probe's exit code would be): their answers are rebuilt from the shared
 * stat and cat, or the shared systemctl show.
 */
export function parseBatchOutput(stdout: string, count: number, probes?: readonly Probe[]): ExecResult[] {
  const lines = stdout.split('\n');
  const tokens = (lines[0] ?? '').trim().split(/\s+/).filter(Boolean);
  const section = tokens.length && /^p:\d+:\d+$/.test(tokens[tokens.length - 1]!) ? tokens.pop()!.split(':').map(Number) : undefined;
  const union = tokens.length && /^u:\d+$/.test(tokens[tokens.length - 1]!) ? Number(tokens.pop()!.slice(2)) : undefined;
  const codes = tokens;
  if (codes.length !== count || codes.some((c) => !/^(\d+|p|u)$/.test(c)) || (codes.includes('p') && !section) || (codes.includes('u') && union === undefined)) {
    throw new BatchProtocolError(`probe output has ${codes.length} exit codes for ${count} probes: ${clip(lines[0] ?? '', 80)}`);
  }
  const names = codes.flatMap((c, i) => (c === 'p' || c === 'u' ? [] : [`${i}o`, `${i}e`]));
  if (union !== undefined) names.unshift('us', 'ue');
  if (section) names.push('ps', 'pe', 'pc');
  const sizes = new Map<string, number>();
  names.forEach((name, i) => {
    const m = /^\s*(\d+) (\w+)$/.exec(lines[1 + i] ?? '');
    if (!m || m[2] !== name) {
      const what = /^\d+/.test(name) ? `probe ${parseInt(name, 10)}` : name.startsWith('u') ? 'the shared systemctl show' : 'the paths read together';
      throw new BatchProtocolError(`unexpected size line for ${what}: ${clip(lines[1 + i] ?? '(none)', 80)}`);
    }
    sizes.set(name, Number(m[1]));
  });
  // wc adds a total line when it counts more than one file.
  const blob = Buffer.from(lines[1 + names.length + (names.length > 1 ? 1 : 0)] ?? '', 'base64');
  const want = [...sizes.values()].reduce((n, x) => n + x, 0);
  if (blob.length !== want) throw new BatchProtocolError(`probe output holds ${blob.length} bytes where the sizes add up to ${want}`);
  const files = new Map<string, Buffer>();
  let at = 0;
  for (const name of names) files.set(name, blob.subarray(at, (at += sizes.get(name)!)));
  const text = (name: string) => files.get(name)!.toString('utf8');
  // The probes answered from a shared read (code letter `mark`), each as that read recognises it.
  const answeredBy = <T>(mark: string, recognise: (argv: readonly string[]) => T | undefined, what: string): T[] =>
    codes.flatMap((c, i) => {
      if (c !== mark) return [];
      const got = probes?.[i] && recognise(probes[i]!.argv);
      if (!got) throw new BatchProtocolError(`probe ${i} was answered ${what}, which it did not ask`);
      return [got];
    });
  const together = section
    ? sharedPathResults(answeredBy('p', sharedPathRead, 'as a path read'), { code: section[1]!, stdout: text('ps'), stderr: text('pe') }, { code: section[2]!, bytes: files.get('pc')!, stderr: text('pe') })
    : [];
  const shown = union !== undefined ? unitShowResults(answeredBy('u', sharedUnitShow, 'from the shared systemctl show'), { code: union, stdout: text('us'), stderr: text('ue') }) : [];
  return codes.map((c, i) => (c === 'p' ? together.shift()! : c === 'u' ? shown.shift()! : { code: Number(c), stdout: text(`${i}o`), stderr: text(`${i}e`) }));
}

/** Each probe's shared show, when two or more of a batch's probes are shows that can share one; undefined otherwise. */
function sharedShows(probes: readonly Probe[]): Array<UnitShow | undefined> | undefined {
  const shows = probes.map((p) => sharedUnitShow(p.argv));
  return shows.filter(Boolean).length >= 2 ? shows : undefined;
}

/** The one command that runs every probe (for a caller that sends it in a round trip of its own making). */
export function probeCommand(probes: readonly Probe[]): string[] {
  return ['sh', '-c', batchScript(probes)];
}

/** Each probe's result from what probeCommand answered on host. */
export function probeResults(host: string, r: ExecResult, probes: readonly Probe[]): ExecResult[] {
  if (r.code !== 0) {
    throw new BatchProtocolError(`${host}: reading state failed (exit ${r.code}): ${clip(r.stderr.trim(), 500, 'end')}`);
  }
  return parseBatchOutput(r.stdout, probes.length, probes);
}

/** Runs the probes in one round trip (none when there are none). */
export async function runProbes(conn: Connection, probes: readonly Probe[]): Promise<ExecResult[]> {
  if (probes.length === 0) return [];
  return probeResults(conn.host, await conn.exec(probeCommand(probes)), probes);
}
