import type { HostStats } from '../engine/events.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_UNREACHABLE } from '../base/errors.ts';
import { redact } from '../vault/redact.ts';

export interface RecapOptions {
  /** Appends ` roundtrips=N`, the SSH round trips the host cost (issue 2, item 6). */
  verbose?: boolean;
}

/**
 * One line per host, in the engine's host order, exactly `gw1 : ok=12 changed=3 unreachable=0 failed=0 skipped=1`.
 * No padding: scripts and the drills grep these lines, so the form never depends on the other host names.
 */
export function formatRecap(hosts: Record<string, HostStats>, options: RecapOptions = {}): string {
  return Object.entries(hosts)
    .map(([name, s]) => {
      const line = `${name} : ok=${s.ok} changed=${s.changed} unreachable=${s.unreachable} failed=${s.failed} skipped=${s.skipped}`;
      return redact(options.verbose ? `${line} roundtrips=${s.roundTrips}` : line);
    })
    .join('\n');
}

export { EXIT_OK, EXIT_FAILED, EXIT_UNREACHABLE };

/** 0 on success, 2 when a host failed, 4 when a host was unreachable; unreachable wins, as in Ansible. */
export function exitCode(hosts: Record<string, HostStats>): number {
  const stats = Object.values(hosts);
  if (stats.some((s) => s.unreachable > 0)) return EXIT_UNREACHABLE;
  if (stats.some((s) => s.failed > 0)) return EXIT_FAILED;
  return EXIT_OK;
}
