import type { ExecResult } from '../connection/types.ts';
import type { Probe } from '../connection/batch.ts';
import { trimStderr } from '../connection/errors.ts';
import { parseKeyValueBlocks, parseKeyValues } from './keyvalue.ts';
import type { Facts } from './types.ts';

/** A service as both init systems can describe it. */
export interface UnitView {
  init: Facts['init'];
  exists: boolean;
  masked: boolean;
  active: boolean;
  /** systemd's ActiveState as it says it (active, inactive, failed, activating ...). */
  activeState: string;
  /** 'enabled' | 'disabled', or 'static' for units that cannot be enabled (static, indirect, generated ...). */
  enabled: 'enabled' | 'disabled' | 'static';
  /** How the init system words it, for reasons: "active (running)", "enabled". */
  activeText: string;
  enabledText: string;
  /** systemd saw the unit file or a drop-in change since it last loaded it. */
  needReload: boolean;
}

export type UnitState = UnitView | { error: string };

/** The init script's name: systemd's default suffix dropped. */
export function sysvName(name: string): string {
  return name.replace(/\.service$/, '');
}

const UNIT_PROPS = 'LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload';

// LSB: `status` exits 0 when running. Enabled means a start link in runlevel 2, as update-rc.d makes it.
const SYSV_PROBE = `n=$1 s=/etc/init.d/$1
[ -x "$s" ] || { echo exists=no; exit 0; }
echo exists=yes
"$s" status >/dev/null 2>&1; echo "status=$?"
set -- /etc/rc2.d/S[0-9][0-9]"$n"
if [ -e "$1" ]; then echo enabled=yes; else echo enabled=no; fi`;

/** One unit's state; `systemctl show` on systemd, the init script and rc2.d links elsewhere. */
export function unitProbe(name: string, facts: Facts): Probe {
  if (facts.init === 'systemd') return { argv: ['systemctl', 'show', '-p', UNIT_PROPS, '--', name] };
  return { argv: ['sh', '-c', SYSV_PROBE, 'sh', sysvName(name)] };
}

/** Several units in one `systemctl show`; answer with parseUnits. */
export function unitsProbe(names: readonly string[], props = `Id,${UNIT_PROPS}`): Probe {
  return { argv: ['systemctl', 'show', '-p', props, '--', ...names] };
}

const ENABLED = new Set(['enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'alias']);
const RUNNING = new Set(['active', 'reloading', 'activating']);

/** One unit's `systemctl show` properties as a UnitView; properties not asked for read as unknown. */
export function unitFromShow(kv: Record<string, string>): UnitView {
  const load = kv.LoadState;
  const ufs = kv.UnitFileState ?? '';
  const sub = kv.SubState ?? '';
  return {
    init: 'systemd',
    exists: load !== 'not-found',
    masked: load === 'masked' || ufs.startsWith('masked'),
    active: RUNNING.has(kv.ActiveState ?? ''),
    activeState: kv.ActiveState ?? 'unknown',
    enabled: ENABLED.has(ufs) ? 'enabled' : ufs === 'disabled' ? 'disabled' : 'static',
    activeText: `${kv.ActiveState ?? '?'}${sub ? ` (${sub})` : ''}`,
    enabledText: ufs || 'no unit file state',
    needReload: kv.NeedDaemonReload === 'yes',
  };
}

/** The answer to unitsProbe: each unit by its Id as systemd gives it ("keepalived.service"). */
export function parseUnits(stdout: string): Record<string, UnitView> {
  const out: Record<string, UnitView> = {};
  for (const kv of parseKeyValueBlocks(stdout)) if (kv.Id) out[kv.Id] = unitFromShow(kv);
  return out;
}

export function parseUnitState(name: string, r: ExecResult | undefined, facts: Facts): UnitState {
  if (!r) return { error: `no probe result for ${name}` };
  if (r.code !== 0) return { error: `reading the state of ${name} failed (exit ${r.code}): ${trimStderr(r.stderr)}` };
  const kv = parseKeyValues(r.stdout);
  if (facts.init === 'systemd') {
    if (!kv.LoadState) return { error: `systemctl show ${name} said nothing about LoadState: ${r.stdout.slice(0, 200)}` };
    return unitFromShow(kv);
  }
  const exists = kv.exists === 'yes';
  const running = exists && kv.status === '0';
  const enabled = kv.enabled === 'yes';
  return {
    init: 'sysvinit',
    exists,
    masked: false,
    active: running,
    activeState: running ? 'active' : 'inactive',
    enabled: enabled ? 'enabled' : 'disabled',
    activeText: running ? 'running' : 'not running',
    enabledText: enabled ? 'enabled' : 'disabled',
    needReload: false,
  };
}
