import type { Task } from '../task/task.ts';
import { check } from '../connection/errors.ts';
import { groupProbe, parseGroup, parseUser, userProbe, type GroupEntry, type UserEntry } from '../facts/accounts.ts';
import { absolutePath, accountName, ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';

export interface UserArgs extends TaskOptions {
  name: string;
  state?: 'present' | 'absent';
  uid?: number;
  /** Primary group (must exist; default: a group of the user's name, made by useradd). */
  group?: string;
  /** Supplementary groups: exactly these unless `append`. */
  groups?: string[];
  /** Add `groups` to the user's supplementary groups instead of setting them exactly. */
  append?: boolean;
  /** A system account (low uid, no aging); only at creation. */
  system?: boolean;
  shell?: string;
  home?: string;
  /** Make the home directory at creation (default: yes, except for system users). */
  createHome?: boolean;
  comment?: string;
  /** state absent: remove the home directory and mail spool too. */
  removeHome?: boolean;
}

export interface GroupArgs extends TaskOptions {
  name: string;
  state?: 'present' | 'absent';
  gid?: number;
  system?: boolean;
}

type Read<T> = T | 'absent' | { error: string };
type AccountPlan = { argv: string[] };

function id(module: string, what: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 0 || v > 4294967294) throw new ModuleArgumentError(module, `${what} must be a whole number, got ${JSON.stringify(v)}`);
  return v;
}

function gecos(v: string | undefined): string | undefined {
  if (v !== undefined && (typeof v !== 'string' || /[:\n]/.test(v))) throw new ModuleArgumentError('user', `comment must not contain ':' or a newline, got ${JSON.stringify(v)}`);
  return v;
}

/** The useradd/usermod options that make an existing user as wanted; [] when it already is. */
export function userChanges(u: UserEntry, a: UserArgs): { argv: string[]; what: string[] } {
  const argv: string[] = [];
  const what: string[] = [];
  const set = (flag: string, label: string, have: string | number, want: string | number | undefined) => {
    if (want === undefined || have === want) return;
    argv.push(flag, String(want));
    what.push(`${label} ${have === '' ? '(none)' : have} -> ${want}`);
  };
  set('--uid', 'uid', u.uid, a.uid);
  set('--gid', 'group', u.group, a.group);
  set('--shell', 'shell', u.shell, a.shell);
  set('--home', 'home', u.home, a.home);
  set('--comment', 'comment', u.comment, a.comment);
  if (a.groups) {
    const want = [...new Set(a.groups)].filter((g) => g !== (a.group ?? u.group));
    const missing = want.filter((g) => !u.groups.includes(g));
    const extra = a.append ? [] : u.groups.filter((g) => !want.includes(g));
    if (missing.length || extra.length) {
      argv.push(...(a.append ? ['--append'] : []), '--groups', (a.append ? missing : want).join(','));
      what.push([missing.length ? `groups +${missing.join(',')}` : '', extra.length ? `groups -${extra.join(',')}` : ''].filter(Boolean).join(' '));
    }
  }
  return { argv, what };
}

/**
 * A local user, like Ansible's user module: created with useradd, brought in line with usermod
 * (uid, primary and supplementary groups, shell, home, comment), or removed with userdel. Read
 * through getent, so a second run changes nothing.
 */
export function user(args: UserArgs): Task<Read<UserEntry>, AccountPlan> {
  const name = accountName('user', 'owner', args.name);
  const state = args.state ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgumentError('user', `state must be present or absent, got ${JSON.stringify(state)}`);
  const a: UserArgs = {
    ...args,
    ...(args.uid !== undefined ? { uid: id('user', 'uid', args.uid) } : {}),
    ...(args.group !== undefined ? { group: accountName('user', 'group', args.group) } : {}),
    ...(args.groups !== undefined ? { groups: args.groups.map((g) => accountName('user', 'group', g)) } : {}),
    ...(args.home !== undefined ? { home: absolutePath('user', args.home) } : {}),
    ...(args.shell !== undefined ? { shell: absolutePath('user', args.shell) } : {}),
    ...(args.comment !== undefined ? { comment: gecos(args.comment) } : {}),
  };
  const create = (): string[] => {
    const home = a.createHome ?? !a.system;
    return [
      'useradd', ...(a.system ? ['--system'] : []), ...(a.uid !== undefined ? ['--uid', String(a.uid)] : []),
      ...(a.group ? ['--gid', a.group] : a.system ? ['--user-group'] : []), ...(a.groups?.length ? ['--groups', a.groups.join(',')] : []),
      ...(a.shell ? ['--shell', a.shell] : []), ...(a.home ? ['--home-dir', a.home] : []), home ? '--create-home' : '--no-create-home',
      ...(a.comment !== undefined ? ['--comment', a.comment] : []), '--', name,
    ];
  };
  return {
    module: 'user',
    ...passThrough(args, `user ${name}${state === 'absent' ? ' absent' : ''}`),
    probes: () => [userProbe(name)],
    parse: ([r]) => parseUser(r),
    compare(u) {
      if (typeof u === 'object' && 'error' in u) return { status: 'fail', reason: u.error };
      if (state === 'absent') {
        if (u === 'absent') return { status: 'ok', reason: 'no such user' };
        return { status: 'change', reason: `remove user ${name} (uid ${u.uid})`, plan: { argv: ['userdel', ...(a.removeHome ? ['--remove'] : []), '--', name] } };
      }
      if (u === 'absent') return { status: 'change', reason: `create user ${name}`, plan: { argv: create() } };
      const { argv, what } = userChanges(u, a);
      if (argv.length === 0) return { status: 'ok', reason: `uid ${u.uid}, group ${u.group}${u.groups.length ? `, groups ${u.groups.join(',')}` : ''}` };
      return { status: 'change', reason: what.join(', '), plan: { argv: ['usermod', ...argv, '--', name] } };
    },
    async apply(conn, plan) {
      await check(conn, plan.argv);
      return { changed: true };
    },
  };
}

/** A local group: created with groupadd, its gid set with groupmod, or removed with groupdel. */
export function group(args: GroupArgs): Task<Read<GroupEntry>, AccountPlan> {
  const name = accountName('group', 'group', args.name);
  const state = args.state ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgumentError('group', `state must be present or absent, got ${JSON.stringify(state)}`);
  const gid = id('group', 'gid', args.gid);
  return {
    module: 'group',
    ...passThrough(args, `group ${name}${state === 'absent' ? ' absent' : ''}`),
    probes: () => [groupProbe(name)],
    parse: ([r]) => parseGroup(r),
    compare(g) {
      if (typeof g === 'object' && 'error' in g) return { status: 'fail', reason: g.error };
      if (state === 'absent') {
        return g === 'absent' ? { status: 'ok', reason: 'no such group' } : { status: 'change', reason: `remove group ${name} (gid ${g.gid})`, plan: { argv: ['groupdel', '--', name] } };
      }
      if (g === 'absent') {
        return { status: 'change', reason: `create group ${name}`, plan: { argv: ['groupadd', ...(args.system ? ['--system'] : []), ...(gid !== undefined ? ['--gid', String(gid)] : []), '--', name] } };
      }
      if (gid !== undefined && g.gid !== gid) return { status: 'change', reason: `gid ${g.gid} -> ${gid}`, plan: { argv: ['groupmod', '--gid', String(gid), '--', name] } };
      return { status: 'ok', reason: `gid ${g.gid}` };
    },
    async apply(conn, plan) {
      await check(conn, plan.argv);
      return { changed: true };
    },
  };
}
