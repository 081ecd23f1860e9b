/**
 * Turns one host's planned ts-play roles into the lists the Ansible twin loops over (files,
 * directories, sysctls, packages, services, ...). Pure: no host, no disk. Every task of the plan
 * must map to an entry or be named in SKIPPED_MODULES; anything else throws, so a role that gains a
 * task kind the twin does not know stops the benchmark instead of silently comparing less work.
 */
import type { AnyTask } from '../../src/task/task.ts';
import type { PlannedRole } from '../../src/engine/plan.ts';
import type { Facts } from '../../src/facts/types.ts';

export interface FileEntry { path: string; content: string; owner: string; group: string; mode: string; notify: string[] }
export interface DirEntry { path: string; owner: string; group: string; mode: string }
/** mode is an exact octal mode, or a symbolic one ("go-w") for ts-play's clearBits. */
export interface PermEntry { path: string; owner: string; group: string; mode: string }
export interface ServiceEntry { unit: string; state?: 'started' | 'stopped'; enabled?: boolean }
export interface SysctlEntry { key: string; value: string }

export interface TwinSpec {
  users: string[];
  packages: string[];
  dirs: DirEntry[];
  files: FileEntry[];
  symlinks: Array<{ path: string; target: string }>;
  permissions: PermEntry[];
  /** Paths that must not exist (files an earlier version installed). */
  absent: string[];
  sysctls: SysctlEntry[];
  services: ServiceEntry[];
  /** Every handler name a file can notify: the twin's playbook must implement each one. */
  handlers: string[];
  /** Task names left out on purpose (not file, sysctl, package or service work). */
  skipped: string[];
}

/** Not part of the comparison: the lynis audit is a report, not configuration. */
export const SKIPPED_MODULES = new Set(['lynis']);

/**
 * Guarded files activate themselves (load the ruleset, reload sshd) instead of notifying a
 * handler; the twin does the same work through the handler ts-play uses when the guard is off.
 */
export const GUARDED_ACTIVATION: Record<string, string> = {
  '/etc/nftables.conf': 'reload nftables',
  '/etc/ssh/sshd_config.d/50-hardening.conf': 'reload ssh',
};

export class ExtractError extends Error {}

const SERVICE = /^service (\S+) (started|stopped)?(?:, )?(enabled|disabled)?$/;
const PERMS = /^permissions (\/\S*) ([^:\s]+):(\S+) (?:([0-7]{4})|without ([0-7]{4}))$/;
const USER = /^system user ([a-z_][a-z0-9_-]*)$/;
const SYSCTL_LINE = /^([A-Za-z0-9_.:@/-]+) = (.*)$/;
const CREATE = /^create \(([^:\s]+):(\S+) ([0-7]{4})\)$/;

/** The symbolic mode that clears the given octal bits (0022 -> "g-w,o-w"), as Ansible's file module takes it. */
export function clearBitsMode(bits: string): string {
  const n = parseInt(bits, 8);
  const parts: string[] = [];
  for (const [who, shift] of [['u', 6], ['g', 3], ['o', 0]] as const) {
    const b = (n >> shift) & 7;
    if (b === 0) continue;
    parts.push(`${who}-${b & 4 ? 'r' : ''}${b & 2 ? 'w' : ''}${b & 1 ? 'x' : ''}`);
  }
  if (parts.length === 0) throw new ExtractError(`clear bits ${bits} clear nothing`);
  return parts.join(',');
}

/** key = value lines of a sysctl.d file written by ts-play's sysctl module, in file order. */
export function parseSysctlFile(content: string): SysctlEntry[] {
  const out: SysctlEntry[] = [];
  for (const line of content.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SYSCTL_LINE.exec(line);
    if (!m) throw new ExtractError(`not a sysctl line: ${JSON.stringify(line)}`);
    out.push({ key: m[1]!, value: m[2]! });
  }
  return out;
}

function pushUnique<T>(list: T[], item: T, key: (x: T) => string): void {
  const k = key(item);
  const i = list.findIndex((x) => key(x) === k);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

function where(role: string, task: AnyTask): string {
  return `role ${role}, task "${task.name}" (module ${task.module})`;
}

function addTask(spec: TwinSpec, role: string, task: AnyTask, facts: Facts): void {
  const r = task.renders;
  switch (task.module) {
    case 'file':
    case 'guardedFile': {
      if (!r) throw new ExtractError(`${where(role, task)}: renders nothing`);
      const guarded = task.module === 'guardedFile' ? GUARDED_ACTIVATION[r.path] : undefined;
      if (task.module === 'guardedFile' && !guarded) throw new ExtractError(`${where(role, task)}: no handler known for guarded file ${r.path}`);
      const notify = [...(task.notify ?? []), ...(guarded ? [guarded] : [])];
      pushUnique(spec.files, { ...r, notify }, (f) => f.path);
      return;
    }
    case 'sysctl': {
      if (!r) throw new ExtractError(`${where(role, task)}: renders nothing`);
      pushUnique(spec.files, { ...r, notify: [] }, (f) => f.path);
      for (const s of parseSysctlFile(r.content)) pushUnique(spec.sysctls, s, (x) => x.key);
      return;
    }
    case 'package': {
      const argv = task.probes(facts)[0]?.argv ?? [];
      const names = argv.slice(argv.indexOf('--') + 1);
      if (!argv.includes('--') || names.length === 0 || / absent /.test(`${task.name} `)) {
        throw new ExtractError(`${where(role, task)}: only present packages are compared`);
      }
      for (const n of names) if (!spec.packages.includes(n)) spec.packages.push(n);
      return;
    }
    case 'directory': {
      // What a missing directory would be created as says its wanted owner, group and mode.
      const c = task.compare({ kind: 'missing', parentExists: true }, facts);
      const m = c.status === 'change' ? CREATE.exec(c.reason) : null;
      if (!m) throw new ExtractError(`${where(role, task)}: cannot read its owner and mode`);
      pushUnique(spec.dirs, { path: task.name.replace(/^directory /, ''), owner: m[1]!, group: m[2]!, mode: m[3]! }, (d) => d.path);
      return;
    }
    case 'symlink': {
      const m = /^symlink (\S+) -> (\S+)$/.exec(task.name);
      if (!m) throw new ExtractError(`${where(role, task)}: unexpected name`);
      pushUnique(spec.symlinks, { path: m[1]!, target: m[2]! }, (s) => s.path);
      return;
    }
    case 'permissions': {
      const m = PERMS.exec(task.name);
      if (!m) throw new ExtractError(`${where(role, task)}: unexpected name`);
      const mode = m[4] ?? clearBitsMode(m[5]!);
      pushUnique(spec.permissions, { path: m[1]!, owner: m[2]!, group: m[3]!, mode }, (p) => p.path);
      return;
    }
    case 'absent': {
      const m = /^absent (\S+)$/.exec(task.name);
      if (!m) throw new ExtractError(`${where(role, task)}: unexpected name`);
      if (!spec.absent.includes(m[1]!)) spec.absent.push(m[1]!);
      return;
    }
    case 'command': {
      const m = USER.exec(task.name);
      if (!m) throw new ExtractError(`${where(role, task)}: only "system user NAME" commands are compared`);
      if (!spec.users.includes(m[1]!)) spec.users.push(m[1]!);
      return;
    }
    case 'service': {
      // daemonReload() is a service-module task too: Ansible's twin reloads when a unit file changed.
      if (task.name.startsWith('systemd daemon-reload')) return;
      const m = SERVICE.exec(task.name);
      if (!m || (!m[2] && !m[3])) throw new ExtractError(`${where(role, task)}: unexpected name`);
      const entry: ServiceEntry = { unit: m[1]! };
      if (m[2]) entry.state = m[2] as 'started' | 'stopped';
      if (m[3]) entry.enabled = m[3] === 'enabled';
      pushUnique(spec.services, entry, (s) => s.unit);
      return;
    }
    default:
      if (SKIPPED_MODULES.has(task.module)) {
        spec.skipped.push(`${role}: ${task.name}`);
        return;
      }
      throw new ExtractError(`${where(role, task)}: the Ansible twin has no equivalent`);
  }
}

/** One host's twin spec from its planned roles; `facts` decides tasks' `when` (e.g. systemd-only drop-ins). */
export function extractSpec(roles: PlannedRole[], facts: Facts): TwinSpec {
  const spec: TwinSpec = { users: [], packages: [], dirs: [], files: [], symlinks: [], permissions: [], absent: [], sysctls: [], services: [], handlers: [], skipped: [] };
  for (const role of roles) {
    for (const task of role.tasks) {
      const when = task.when?.(facts) ?? true;
      if (when !== true) continue;
      addTask(spec, role.name, task, facts);
    }
  }
  spec.handlers = [...new Set(spec.files.flatMap((f) => f.notify))].sort();
  return spec;
}

/** The facts the extractor needs (the roles' `when` reads `init`). */
export function stubFacts(init: Facts['init']): Facts {
  return { init };
}
