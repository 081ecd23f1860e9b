import type { Connection, ExecResult } from './types.ts';
import { quoteArgv, unquoteArgv } from './quote.ts';
import { TsPlayError } from '../base/errors.ts';
import { clip } from '../base/redact.ts';

/** A read-only command whose output describes actual state. The engine batches the probes of a role into one round trip. */
export interface Probe {
  argv: string[];
}

/**
 * Runs many read-only probes in one round trip: one `sh` on the host runs each probe with
 * stdin closed, and prints its exit code and base64-encoded stdout and stderr on one line.
 * base64 keeps arbitrary file contents (and the line framing) intact.
 */
export function batchScript(probes: readonly Probe[]): string {
  const lines = [
    'd=$(mktemp -d) || exit 97',
    "trap 'rm -rf \"$d\"' EXIT",
    // A killed session's TERM/HUP must still run the EXIT trap: no temp dir left on the host.
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
    'emit() { printf \'%s %s \' "$1" "$2"; base64 -w0 <"$d/o"; printf \' \'; base64 -w0 <"$d/e"; printf \'\\n\'; }',
  ];
  probes.forEach((p, i) => {
    lines.push(`(${quoteArgv(p.argv)}) >"$d/o" 2>"$d/e" </dev/null; emit ${i} $?`);
  });
  return lines.join('\n');
}

// A probe's quoted argv may span lines (a multi-line sh -c script): match lazily across them.
const PROBE = /^\(([\s\S]*?)\) >"\$d\/o" 2>"\$d\/e" <\/dev\/null; emit (\d+) \$\?$/gm;

/** The probes a batch script runs, in order; undefined for any other script (used by fakes). */
export function parseBatchScript(script: string): string[][] | undefined {
  if (!script.startsWith('d=$(mktemp -d) || exit 97\n')) return undefined;
  const probes: string[][] = [];
  for (const m of script.matchAll(PROBE)) probes[Number(m[2])] = unquoteArgv(m[1]!);
  return probes;
}

/** One probe's result in the batch framing (what the host's `emit` prints). */
export function batchLine(i: number, r: ExecResult): string {
  const b64 = (t: string) => Buffer.from(t, 'utf8').toString('base64');
  return `${i} ${r.code} ${b64(r.stdout)} ${b64(r.stderr)}\n`;
}

export class BatchProtocolError extends TsPlayError {}

export function parseBatchOutput(stdout: string, count: number): ExecResult[] {
  const results: (ExecResult | undefined)[] = new Array(count);
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [idx, rc, out = '', err = ''] = line.split(' ');
    const i = Number(idx);
    if (!Number.isInteger(i) || i < 0 || i >= count || !/^\d+$/.test(rc ?? '')) {
      throw new BatchProtocolError(`unexpected line in probe output: ${clip(line, 80)}`);
    }
    results[i] = {
      code: Number(rc),
      stdout: Buffer.from(out, 'base64').toString('utf8'),
      stderr: Buffer.from(err, 'base64').toString('utf8'),
    };
  }
  const missing = results.findIndex((r) => r === undefined);
  if (missing !== -1 || results.length !== count) {
    throw new BatchProtocolError(`probe ${missing} returned nothing`);
  }
  return results as ExecResult[];
}

/** Runs the probes in one round trip (none when there are none). */
export async function runProbes(conn: Connection, probes: readonly Probe[]): Promise<ExecResult[]> {
  if (probes.length === 0) return [];
  const r = await conn.exec(['sh', '-c', batchScript(probes)]);
  if (r.code !== 0) {
    throw new BatchProtocolError(`${conn.host}: reading state failed (exit ${r.code}): ${clip(r.stderr.trim(), 500, 'end')}`);
  }
  return parseBatchOutput(r.stdout, probes.length);
}
