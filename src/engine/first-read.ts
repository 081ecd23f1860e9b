/**
 * A host's facts and its first read in the run lock's round trip. The probes of a host's first
 * read depend on its facts (which init it has), and facts used to cost a round trip of their
 * own before the read could be asked. Facts take few values (FACT_VARIANTS), so the lock's
 * command carries the read for each value whose probes differ; sh tests (builtins) pick the
 * one that fits the host, and that batch gathers the facts too. The read then costs no round
 * trip: the lock, the facts and the read are one. A read that came back for facts the probes
 * then contradict (a host that changed between the test and the probe) is dropped, and the
 * host reads again as before.
 */
import type { ExecResult } from '../connection/types.ts';
import { batchScript, probeResults, type Probe } from '../connection/batch.ts';
import { quoteArgv } from '../connection/quote.ts';
import { FACT_PROBES, FACT_VARIANTS, parseFacts } from '../facts/gather.ts';
import type { Facts } from '../facts/types.ts';
import { TsPlayError } from '../base/errors.ts';
import { clip } from '../base/redact.ts';
import type { PrefetchedRead } from './host-run.ts';

/**
 * Past this size (bytes of the quoted command) the read goes on its own. sshd hands the whole
 * command to the login shell as one argument, and Linux caps one argument at 128 KiB
 * (MAX_ARG_STRLEN); the lock script, the session wrapper and sudo come on top.
 */
export const MAX_FIRST_READ = 96 * 1024;

const VARIANT_MARK = '#tsp-variant';

export interface FirstReadPlan {
  /** The command for the lock's round trip. */
  command: string[];
  /** Per script sent, in order: the facts it was written for and the read's probes (none: facts only). */
  sent: Array<{ facts: Facts[]; probes?: Probe[] }>;
}

/** The facts and, when they fit, the first read for each facts value (`probesFor` may throw: no read then). */
export function firstReadPlan(probesFor: (facts: Facts) => Probe[]): FirstReadPlan {
  const lists = FACT_VARIANTS.map((v) => {
    try {
      return probesFor(v.facts);
    } catch {
      return undefined;
    }
  });
  type Entry = FirstReadPlan['sent'][number] & { test: string; script: string };
  const every = FACT_VARIANTS.map((v) => v.facts);
  // One script for every host, no test: when the reads do not differ, and when they are too big.
  const one = (script: string, probes?: Probe[]): Entry[] => [{ test: 'true', script, facts: every, ...(probes ? { probes } : {}) }];
  let entries: Entry[] = FACT_VARIANTS.map((v, i) => ({ test: v.test, script: batchScript([...FACT_PROBES, ...(lists[i] ?? [])]), facts: [v.facts], ...(lists[i] ? { probes: lists[i] } : {}) }));
  if (entries.every((e) => e.script === entries[0]!.script)) entries = one(entries[0]!.script, lists[0]);
  if (quoteArgv(entries.map((e) => e.script)).length > MAX_FIRST_READ) entries = one(batchScript(FACT_PROBES));
  const pick = `i=0
while [ $# -ge 2 ]; do
  if eval "$1"; then printf '${VARIANT_MARK} %s\\n' "$i"; exec sh -c "$2"; fi
  i=$((i + 1)); shift 2
done
echo 'no facts variant fits this host' >&2
exit 96`;
  return { command: ['sh', '-c', pick, 'sh', ...entries.flatMap((e) => [e.test, e.script])], sent: entries.map(({ facts, probes }) => ({ facts, ...(probes ? { probes } : {}) })) };
}

export class FirstReadError extends TsPlayError {}

const same = (a: Facts, b: Facts) => JSON.stringify(a) === JSON.stringify(b);

/** The facts, and the read when one came back and agrees with them, from what the command answered on host. */
export function parseFirstRead(host: string, plan: FirstReadPlan, r: ExecResult): { facts: Facts; read?: PrefetchedRead } {
  const nl = r.stdout.indexOf('\n');
  const m = new RegExp(`^${VARIANT_MARK} (\\d+)$`).exec(nl === -1 ? r.stdout : r.stdout.slice(0, nl));
  const entry = m ? plan.sent[Number(m[1])] : undefined;
  if (!entry) throw new FirstReadError(`${host}: reading facts failed (exit ${r.code}): ${clip((r.stderr || r.stdout).trim(), 500, 'end')}`);
  const probes = entry.probes ?? [];
  const results = probeResults(host, { ...r, stdout: r.stdout.slice(nl + 1) }, [...FACT_PROBES, ...probes]);
  const facts = parseFacts(results.slice(0, FACT_PROBES.length));
  // The host's tests chose a read for facts its probes then contradict: that read is not its own.
  const agrees = entry.probes !== undefined && entry.facts.some((f) => same(f, facts));
  return { facts, ...(agrees ? { read: { probes, results: results.slice(FACT_PROBES.length) } } : {}) };
}
