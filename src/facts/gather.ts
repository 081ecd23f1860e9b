import type { Connection, ExecResult } from '../connection/types.ts';
import { probeCommand, probeResults, runProbes, type Probe } from '../connection/batch.ts';
import type { Facts } from './types.ts';

/** Everything facts need, as probes, so they cost one round trip. */
export const FACT_PROBES: Probe[] = [{ argv: ['test', '-d', '/run/systemd/system'] }];

export function parseFacts(r: ExecResult[]): Facts {
  return { init: r[0]!.code === 0 ? 'systemd' : 'sysvinit' };
}

export async function gatherFacts(conn: Connection): Promise<Facts> {
  return parseFacts(await runProbes(conn, FACT_PROBES));
}

/** The command that gathers facts, for a round trip that carries it with something else (the run lock's). */
export const FACTS_COMMAND: readonly string[] = probeCommand(FACT_PROBES);

/** Facts from what FACTS_COMMAND answered on host (throws as gatherFacts would). */
export function factsFrom(host: string, r: ExecResult): Facts {
  return parseFacts(probeResults(host, r, FACT_PROBES));
}
