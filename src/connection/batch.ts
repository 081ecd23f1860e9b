import type { Connection, ExecResult } from './types.ts';
import { quoteArgv, unquoteArgv } from './quote.ts';
import { TsPlayError } from '../base/errors.ts';
import { clip } from '../base/redact.ts';

/** A read-only command whose output describes actual state. The engine batches the probes of a role into one round trip. */
export interface Probe {
  argv: string[];
}

/**
 * Runs many read-only probes in one round trip: one `sh` on the host runs each probe with stdin
 * closed into files of its own and keeps the exit codes in a variable. At the end one `wc -c`
 * gives every file's size and one `cat | base64` sends them all, so the framing costs three
 * processes per batch instead of two per probe: on a host where a fork and exec take 5-10 ms
 * that was half of what reading a gateway's state cost. base64 keeps arbitrary bytes (and the
 * line framing) intact.
 */
export function batchScript(probes: readonly Probe[]): string {
  const lines = [
    'd=$(mktemp -d) || exit 97',
    "trap 'rm -rf \"$d\"' EXIT",
    // A killed session's TERM/HUP must still run the EXIT trap: no temp dir left on the host.
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
    'r=',
  ];
  // A probe that is a script of its own (`sh -c SCRIPT sh ARGS...`) becomes a shell function,
  // defined once per script and called in the probe's subshell: a fork instead of a fork and an
  // exec of sh, for the path probe that reads every file a run manages. Its $0 is "sh" either way.
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
  lines.push('# tsp-probes');
  const files: string[] = [];
  calls.forEach((call, i) => {
    lines.push(`(${call}) >"$d/${i}o" 2>"$d/${i}e" </dev/null; r="$r $?"`);
    files.push(`${i}o`, `${i}e`);
  });
  lines.push(
    'printf \'%s\\n\' "$r"',
    `cd "$d" || exit 97`,
    `wc -c -- ${files.join(' ')} || exit 98`,
    `cat -- ${files.join(' ')} | base64 -w0 || exit 98`,
    'echo',
  );
  return lines.join('\n');
}

// A probe's quoted argv may span lines (a multi-line sh -c script): match lazily across them.
const PROBE = /^\(([\s\S]*?)\) >"\$d\/(\d+)o" 2>"\$d\/\d+e" <\/dev\/null; r="\$r \$\?"$/gm;
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

/** What the host prints for these results: the framing batchScript's script produces. */
export function batchOutput(results: readonly ExecResult[]): string {
  const bufs = results.flatMap((r) => [Buffer.from(r.stdout, 'utf8'), Buffer.from(r.stderr, 'utf8')]);
  const sizes = bufs.map((b, i) => `${b.length} ${Math.floor(i / 2)}${i % 2 ? 'e' : 'o'}`);
  if (bufs.length > 1) sizes.push(`${bufs.reduce((n, b) => n + b.length, 0)} total`);
  return `${results.map((r) => ` ${r.code}`).join('')}\n${sizes.join('\n')}\n${Buffer.concat(bufs).toString('base64')}\n`;
}

export class BatchProtocolError extends TsPlayError {}

export function parseBatchOutput(stdout: string, count: number): ExecResult[] {
  const lines = stdout.split('\n');
  const codes = (lines[0] ?? '').trim().split(/\s+/).filter(Boolean);
  if (codes.length !== count || codes.some((c) => !/^\d+$/.test(c))) {
    throw new BatchProtocolError(`probe output has ${codes.length} exit codes for ${count} probes: ${clip(lines[0] ?? '', 80)}`);
  }
  const sizes: number[] = [];
  for (let i = 0; i < count * 2; i++) {
    const m = /^\s*(\d+) (\d+)([oe])$/.exec(lines[1 + i] ?? '');
    if (!m || Number(m[2]) !== Math.floor(i / 2) || m[3] !== (i % 2 ? 'e' : 'o')) {
      throw new BatchProtocolError(`unexpected size line for probe ${Math.floor(i / 2)}: ${clip(lines[1 + i] ?? '(none)', 80)}`);
    }
    sizes.push(Number(m[1]));
  }
  // wc adds a total line when it counts more than one file.
  const blob = Buffer.from(lines[1 + count * 2 + (count * 2 > 1 ? 1 : 0)] ?? '', 'base64');
  const want = sizes.reduce((n, x) => n + x, 0);
  if (blob.length !== want) throw new BatchProtocolError(`probe output holds ${blob.length} bytes where the sizes add up to ${want}`);
  const out: ExecResult[] = [];
  let at = 0;
  const take = (n: number) => blob.subarray(at, (at += n)).toString('utf8');
  for (let i = 0; i < count; i++) out.push({ code: Number(codes[i]), stdout: take(sizes[2 * i]!), stderr: take(sizes[2 * i + 1]!) });
  return out;
}

/** The one command that runs every probe (for a caller that sends it in a round trip of its own making). */
export function probeCommand(probes: readonly Probe[]): string[] {
  return ['sh', '-c', batchScript(probes)];
}

/** Each probe's result from what probeCommand answered on host. */
export function probeResults(host: string, r: ExecResult, count: number): ExecResult[] {
  if (r.code !== 0) {
    throw new BatchProtocolError(`${host}: reading state failed (exit ${r.code}): ${clip(r.stderr.trim(), 500, 'end')}`);
  }
  return parseBatchOutput(r.stdout, count);
}

/** Runs the probes in one round trip (none when there are none). */
export async function runProbes(conn: Connection, probes: readonly Probe[]): Promise<ExecResult[]> {
  if (probes.length === 0) return [];
  return probeResults(conn.host, await conn.exec(probeCommand(probes)), probes.length);
}
