import type { Probe } from '../connection/batch.ts';
import type { ExecResult } from '../connection/types.ts';

/**
 * The kernel's boot id: a random UUID drawn at every boot (systemd-nspawn gives each container
 * boot its own). A new one is the proof that a host rebooted; uptime or a process start time
 * could be fooled by a host that never went down.
 */
export const BOOT_ID_PROBE: Probe = { argv: ['cat', '/proc/sys/kernel/random/boot_id'] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseBootId(r: ExecResult | undefined): string | { error: string } {
  const id = r?.stdout.trim() ?? '';
  if (!r || r.code !== 0 || !UUID.test(id)) return { error: `cannot read the boot id (exit ${r?.code ?? '?'}${r?.stderr.trim() ? `: ${r.stderr.trim()}` : ''})` };
  return id.toLowerCase();
}
