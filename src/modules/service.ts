import type { Task } from '../task/task.ts';
import { ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';
import { parseUnitState, unitProbe, type UnitState } from '../facts/units.ts';
import { unitCommand, unitName, type UnitCommand } from './unit-state.ts';

export interface ServiceArgs extends TaskOptions {
  /** Unit name ("keepalived" or "keepalived.service"); the init script's name on sysvinit hosts. */
  unit: string;
  state?: 'started' | 'stopped';
  enabled?: boolean;
}

export interface ServicePlan {
  daemonReload: boolean;
  commands: UnitCommand[];
}

export function service(args: ServiceArgs): Task<UnitState, ServicePlan> {
  const name = unitName('service', args.unit);
  const { state, enabled } = args;
  if (state !== undefined && state !== 'started' && state !== 'stopped') {
    throw new ModuleArgumentError('service', `${name}: state must be started or stopped, got ${JSON.stringify(state)}`);
  }
  if (state === undefined && enabled === undefined) throw new ModuleArgumentError('service', `${name}: give state, enabled or both`);
  const wants = [state, enabled === undefined ? undefined : enabled ? 'enabled' : 'disabled'].filter(Boolean).join(', ');
  const needsUnit = state === 'started' || enabled === true;

  return {
    module: 'service',
    ...passThrough(args, `service ${name} ${wants}`),
    probes: (facts) => [unitProbe(name, facts)],
    parse: ([r], facts) => parseUnitState(name, r, facts),
    compare(u) {
      if ('error' in u) return { status: 'fail', reason: u.error };
      if (!u.exists) {
        if (!needsUnit) return { status: 'ok', reason: `unit ${name} not present` };
        // The package that brings the unit is installed by an earlier task: the engine decides.
        const would = state === 'started' ? 'started' : 'enabled';
        return { status: 'depends', reason: `unit ${name} not present yet (would be ${would})` };
      }
      if (u.masked && needsUnit) return { status: 'fail', reason: `unit ${name} is masked` };
      const commands: UnitCommand[] = [];
      const notes: string[] = [];
      if (enabled === true && u.enabled === 'disabled') commands.push('enable');
      if (enabled === false && u.enabled === 'enabled') commands.push('disable');
      if (enabled !== undefined && commands.length > 0) notes.push(`${commands[0]} (${u.enabledText})`);
      const run = state === 'started' && !u.active ? 'start' : state === 'stopped' && u.active ? 'stop' : undefined;
      if (run) {
        commands.push(run);
        notes.push(`${run} (${u.activeText})`);
      }
      if (commands.length === 0) {
        const staticNote = enabled !== undefined && u.enabled === 'static' ? ` (${u.enabledText}: not enabled or disabled by units)` : '';
        return { status: 'ok', reason: `${u.activeText}, ${u.enabledText}${staticNote}` };
      }
      return { status: 'change', reason: notes.join(', '), plan: { daemonReload: u.needReload, commands } };
    },
    async apply(conn, plan, facts) {
      if (plan.daemonReload) await unitCommand(conn, facts.init, name, 'daemon-reload');
      for (const cmd of plan.commands) await unitCommand(conn, facts.init, name, cmd);
      return { changed: true };
    },
  };
}

export interface ServiceActionArgs extends TaskOptions {
  unit: string;
  action: 'reload' | 'restart' | 'reload-or-restart';
}

export interface ServiceActionPlan {
  daemonReload: boolean;
  command: UnitCommand;
}

/**
 * For handlers: acts on a running service. A reload of a stopped unit is a no-op ("not
 * running"); a restart or reload-or-restart of a stopped unit starts it.
 */
export function serviceAction(args: ServiceActionArgs): Task<UnitState, ServiceActionPlan> {
  const name = unitName('serviceAction', args.unit);
  const action = args.action;
  if (!['reload', 'restart', 'reload-or-restart'].includes(action)) {
    throw new ModuleArgumentError('serviceAction', `${name}: action must be reload, restart or reload-or-restart, got ${JSON.stringify(action)}`);
  }
  return {
    module: 'service',
    ...passThrough(args, `${action} ${name}`),
    probes: (facts) => [unitProbe(name, facts)],
    parse: ([r], facts) => parseUnitState(name, r, facts),
    compare(u) {
      if ('error' in u) return { status: 'fail', reason: u.error };
      if (!u.exists) {
        return { status: 'depends', reason: `unit ${name} not present yet (would ${action})` };
      }
      if (!u.active) {
        if (action === 'reload') return { status: 'ok', reason: 'not running' };
        return { status: 'change', reason: `start (${u.activeText})`, plan: { daemonReload: u.needReload, command: 'start' } };
      }
      return { status: 'change', reason: action, plan: { daemonReload: u.needReload, command: action } };
    },
    async apply(conn, plan, facts) {
      if (plan.daemonReload) await unitCommand(conn, facts.init, name, 'daemon-reload');
      await unitCommand(conn, facts.init, name, plan.command);
      return { changed: true };
    },
  };
}
