import type { Task } from '../task/task.ts';
import { check, trimStderr } from '../connection/errors.ts';
import { passThrough, type TaskOptions } from './common.ts';
import { parseUnits, unitsProbe } from '../facts/units.ts';
import { unitName } from './unit-state.ts';

export interface DaemonReloadArgs extends TaskOptions {
  /**
   * Reload only when one of these units has NeedDaemonReload=yes. Without units the
   * task always reloads: meant as a handler notified by the file tasks that write units
   * or drop-ins, so it runs only after such a change.
   */
  units?: string[];
}

export type DaemonReloadState = { systemd: false } | { systemd: true; stale: string[] } | { error: string };

export function daemonReload(args: DaemonReloadArgs = {}): Task<DaemonReloadState, { stale: string[] }> {
  const units = args.units?.map((u) => unitName('daemonReload', u));
  return {
    module: 'service',
    ...passThrough(args, 'systemd daemon-reload'),
    probes: (facts) => (facts.init === 'systemd' && units?.length ? [unitsProbe(units, 'Id,NeedDaemonReload')] : []),
    parse([r], facts) {
      if (facts.init !== 'systemd') return { systemd: false };
      if (!units?.length) return { systemd: true, stale: [] };
      if (!r || r.code !== 0) return { error: `systemctl show NeedDaemonReload failed (exit ${r?.code}): ${trimStderr(r?.stderr ?? '')}` };
      const stale = Object.entries(parseUnits(r.stdout)).filter(([, u]) => u.needReload).map(([id]) => id);
      return { systemd: true, stale };
    },
    compare(s) {
      if ('error' in s) return { status: 'fail', reason: s.error };
      if (!s.systemd) return { status: 'skip', reason: 'no systemd on this host' };
      if (!units?.length) return { status: 'change', reason: 'reload unit files', plan: { stale: [] } };
      if (s.stale.length === 0) return { status: 'ok', reason: `unit files loaded: ${units.join(', ')}` };
      return { status: 'change', reason: `changed on disk: ${s.stale.join(', ')}`, plan: { stale: s.stale } };
    },
    async apply(conn) {
      await check(conn, ['systemctl', 'daemon-reload']);
      return { changed: true };
    },
  };
}
