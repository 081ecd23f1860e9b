import type { ExecResult } from '../connection/types.ts';
import type { Connection } from '../connection/types.ts';
import type { Facts } from '../facts/types.ts';
import type { Probe } from '../task/task.ts';
import { check, trimStderr } from '../connection/errors.ts';
import { ModuleArgumentError } from './common.ts';

/** A service as both init systems can describe it. */
export interface UnitView {
  init: Facts['init'];
  exists: boolean;
  masked: boolean;
  active: boolean;
  /** 'enabled' | 'disabled', or 'static' for units that cannot be enabled (static, indirect, generated ...). */
  enabled: 'enabled' | 'disabled' | 'static';
  /** How the init system words it, for reasons: "active (running)", "enabled". */
  activeText: string;
  enabledText: string;
  /** systemd saw the unit file or a drop-in change since it last loaded it. */
  needReload: boolean;
}

export type UnitState = UnitView | { error: string };

const UNIT = /^[A-Za-z0-9@._:\\-]+$/;

export function unitName(module: string, name: string): string {
  if (typeof name !== 'string' || !UNIT.test(name) || name.startsWith('-')) {
    throw new ModuleArgumentError(module, `not a unit name: ${JSON.stringify(name)}`);
  }
  return name;
}

/** The init script's name: systemd's default suffix dropped. */
export function sysvName(name: string): string {
  return name.replace(/\.service$/, '');
}

const SHOW_PROPS = 'LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload';

// LSB: `status` exits 0 when running. Enabled means a start link in runlevel 2, as update-rc.d makes it.
const SYSV_PROBE = `n=$1 s=/etc/init.d/$1
[ -x "$s" ] || { echo exists=no; exit 0; }
echo exists=yes
"$s" status >/dev/null 2>&1; echo "status=$?"
set -- /etc/rc2.d/S[0-9][0-9]"$n"
if [ -e "$1" ]; then echo enabled=yes; else echo enabled=no; fi`;

export function unitProbe(name: string, facts: Facts): Probe {
  if (facts.init === 'systemd') return { argv: ['systemctl', 'show', '-p', SHOW_PROPS, '--', name] };
  return { argv: ['sh', '-c', SYSV_PROBE, 'sh', sysvName(name)] };
}

export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

const ENABLED = new Set(['enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'alias']);
const RUNNING = new Set(['active', 'reloading', 'activating']);

export function parseUnitState(name: string, r: ExecResult | undefined, facts: Facts): UnitState {
  if (!r) return { error: `no probe result for ${name}` };
  if (r.code !== 0) return { error: `reading the state of ${name} failed (exit ${r.code}): ${trimStderr(r.stderr)}` };
  const kv = parseKeyValues(r.stdout);
  if (facts.init === 'systemd') {
    const load = kv.LoadState;
    if (!load) return { error: `systemctl show ${name} said nothing about LoadState: ${r.stdout.slice(0, 200)}` };
    const ufs = kv.UnitFileState ?? '';
    const sub = kv.SubState ?? '';
    return {
      init: 'systemd',
      exists: load !== 'not-found',
      masked: load === 'masked' || ufs.startsWith('masked'),
      active: RUNNING.has(kv.ActiveState ?? ''),
      enabled: ENABLED.has(ufs) ? 'enabled' : ufs === 'disabled' ? 'disabled' : 'static',
      activeText: `${kv.ActiveState ?? '?'}${sub ? ` (${sub})` : ''}`,
      enabledText: ufs || 'no unit file state',
      needReload: kv.NeedDaemonReload === 'yes',
    };
  }
  const exists = kv.exists === 'yes';
  const running = exists && kv.status === '0';
  const enabled = kv.enabled === 'yes';
  return {
    init: 'sysvinit',
    exists,
    masked: false,
    active: running,
    enabled: enabled ? 'enabled' : 'disabled',
    activeText: running ? 'running' : 'not running',
    enabledText: enabled ? 'enabled' : 'disabled',
    needReload: false,
  };
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
