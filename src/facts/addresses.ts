import type { Probe } from '../connection/batch.ts';

/** The IPv4 addresses on a host's interfaces: who holds a VIP, which node a flow belongs to. */
export const ADDRESSES_PROBE: Probe = { argv: ['ip', '-o', '-4', 'addr', 'show'] };

/** Plain IPv4 addresses in `ip -o -4 addr show` output (also `ip -n NS ...`), in order. */
export function parseIpv4Addresses(stdout: string): string[] {
  return [...stdout.matchAll(/\binet\s+(\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]!);
}
