import type { Connection, ExecResult } from '../connection/types.ts';
import { runProbes, type Probe } from '../connection/batch.ts';
import type { Facts } from './types.ts';

/** Everything facts need, as probes, so they cost one round trip. */
export const FACT_PROBES: Probe[] = [{ argv: ['test', '-d', '/run/systemd/system'] }];

/**
 * Every value facts can take, each with the sh test (builtins only) that is true on a host
 * whose facts probes would give it; the first that holds wins. For a command that must pick
 * facts-dependent work on the host without a round trip to learn the facts first.
 */
export const FACT_VARIANTS: ReadonlyArray<{ facts: Facts; test: string }> = [
  { facts: { init: 'systemd' }, test: '[ -d /run/systemd/system ]' },
  { facts: { init: 'sysvinit' }, test: 'true' },
];

export function parseFacts(r: ExecResult[]): Facts {
  return { init: r[0]!.code === 0 ? 'systemd' : 'sysvinit' };
}

export async function gatherFacts(conn: Connection): Promise<Facts> {
  return parseFacts(await runProbes(conn, FACT_PROBES));
}
