import type { Connection } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import { sysvName } from '../facts/units.ts';
import { check } from '../connection/errors.ts';
import { ModuleArgumentError } from './common.ts';

const UNIT = /^[A-Za-z0-9@._:\\-]+$/;

export function unitName(module: string, name: string): string {
  if (typeof name !== 'string' || !UNIT.test(name) || name.startsWith('-')) {
    throw new ModuleArgumentError(module, `not a unit name: ${JSON.stringify(name)}`);
  }
  return name;
}

export type UnitCommand = 'start' | 'stop' | 'enable' | 'disable' | 'reload' | 'restart' | 'reload-or-restart' | 'daemon-reload';

/** Runs one init-system command on a unit; throws CommandError (command, exit code, stderr) on failure. */
export async function unitCommand(conn: Connection, init: Facts['init'], name: string, cmd: UnitCommand): Promise<void> {
  if (init === 'systemd') {
    await check(conn, cmd === 'daemon-reload' ? ['systemctl', 'daemon-reload'] : ['systemctl', cmd, '--', name]);
    return;
  }
  const n = sysvName(name);
  switch (cmd) {
    case 'daemon-reload':
      return;
    case 'enable':
      // `update-rc.d enable` refuses a script that has no links yet; `defaults` makes them first.
      await check(conn, ['update-rc.d', n, 'defaults']);
      await check(conn, ['update-rc.d', n, 'enable']);
      return;
    case 'disable':
      await check(conn, ['update-rc.d', n, 'disable']);
      return;
    case 'reload-or-restart':
      // Debian policy: force-reload reloads when the daemon supports it, restarts otherwise.
      await check(conn, [`/etc/init.d/${n}`, 'force-reload']);
      return;
    default:
      await check(conn, [`/etc/init.d/${n}`, cmd]);
  }
}
