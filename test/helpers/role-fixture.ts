import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyTask, RenderedFile } from '../../src/task/task.ts';
import type { HostView, RoleContext, RoleFactory } from 'ts-play';
import { isRequiredMarker } from '../../src/inventory/required.ts';
import { renderTemplate, templatePath } from '../../src/engine/template.ts';
import { leafTasks } from '../../src/engine/steps.ts';

export interface Fixture {
  errors: string[];
  tasks: AnyTask[];
  handlers: Record<string, AnyTask[]>;
  /** Files the role's tasks would install, by path. */
  files: Map<string, RenderedFile>;
}

/**
 * Builds a role for one host as the engine would (defaults merged with vars, validate, tasks,
 * handlers) without a connection. When validate reports errors, tasks are not built.
 */
export function buildRole<V extends object>(role: RoleFactory<V>, vars: Record<string, unknown>, hostName = 'gw1'): Fixture {
  const def = role.def;
  // An undefined value stands for a variable inventory does not set: the default (or marker) stays.
  const given = Object.fromEntries(Object.entries(vars).filter(([, val]) => val !== undefined));
  const merged = { ...def.defaults, ...given } as Record<string, unknown>;
  const missing = Object.entries(merged).filter(([, val]) => isRequiredMarker(val)).map(([k]) => `${k} is required`);
  const host: HostView = { name: hostName, groups: ['gateways'], vars: merged };
  const v = merged as V;
  const errors = missing.length ? missing : (def.validate?.(v, host) ?? []);
  if (errors.length) return { errors, tasks: [], handlers: {}, files: new Map() };
  const ctx: RoleContext<V> = {
    vars: v,
    host,
    template: (name, extra) => renderTemplate(templatePath(def.dir, name), { ...merged, ...extra, inventory_hostname: hostName, host }),
    file: (name) => readFileSync(join(def.dir, 'files', name), 'utf8'),
  };
  // Blocks are flattened: fixtures look at every task a role may run.
  const tasks = leafTasks(def.tasks(ctx));
  const handlers = def.handlers?.(ctx) ?? {};
  const files = new Map<string, RenderedFile>();
  for (const t of [...tasks, ...Object.values(handlers).flat()]) if (t.renders) files.set(t.renders.path, t.renders);
  return { errors, tasks, handlers, files };
}

/** The lab's gw1/gw2 network variables, as inventory/lab.yml gives them (peers as plain IPs). */
export function labNetwork(node: 'gw1' | 'gw2'): Record<string, unknown> {
  const me = node === 'gw1' ? 2 : 3;
  const other = node === 'gw1' ? 3 : 2;
  return {
    lan_interface: 'lan', wan_interface: 'wan', sync_interface: 'sync',
    lan_address: `198.18.1.${me}/24`, wan_address: `198.19.0.${me}/24`, sync_address: `198.18.2.${me - 1}/24`,
    lan_vip: '198.18.1.1/24', wan_vip: '198.19.0.1/24',
    peer_lan_address: `198.18.1.${other}`, peer_wan_address: `198.19.0.${other}`, peer_sync_address: `198.18.2.${other - 1}`,
    node_role_preferred: node === 'gw1' ? 'master' : 'backup',
    mgmt_address: node === 'gw1' ? '198.18.0.11' : '198.18.0.12',
  };
}

/** Non-comment, trimmed lines of a rendered file, for asserting meaningful lines. */
export function meaningfulLines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}
