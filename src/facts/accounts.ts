import type { Probe } from '../connection/batch.ts';
import type { ExecResult } from '../connection/types.ts';
import { trimStderr } from '../connection/errors.ts';

/** A user as the name service (getent) and `id` describe it. */
export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
  /** The primary group's name. */
  group: string;
  /** Supplementary groups, by name, primary left out. */
  groups: string[];
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

// getent exits 2 for a name it does not know; that is an answer ("absent"), not an error.
const USER_PROBE = `e=$(getent passwd "$1"); rc=$?
[ "$rc" -eq 2 ] && { echo absent; exit 0; }
[ "$rc" -eq 0 ] || exit "$rc"
printf 'passwd %s\\nprimary %s\\ngroups %s\\n' "$e" "$(id -gn -- "$1")" "$(id -Gn -- "$1")"`;

export function userProbe(name: string): Probe {
  return { argv: ['sh', '-c', USER_PROBE, 'sh', name] };
}

export function groupProbe(name: string): Probe {
  return { argv: ['sh', '-c', 'e=$(getent group "$1"); rc=$?; [ "$rc" -eq 2 ] && { echo absent; exit 0; }; [ "$rc" -eq 0 ] && printf "group %s\\n" "$e"; exit "$rc"', 'sh', name] };
}

type Read<T> = T | 'absent' | { error: string };

export function parseUser(r: ExecResult | undefined): Read<UserEntry> {
  if (!r || r.code !== 0) return { error: `getent passwd failed (exit ${r?.code ?? '?'}): ${trimStderr(r?.stderr ?? 'no result')}` };
  if (r.stdout.trim() === 'absent') return 'absent';
  const line = (k: string) => r.stdout.split('\n').find((l) => l.startsWith(`${k} `))?.slice(k.length + 1) ?? '';
  const [name, , uid, gid, comment, home, shell] = line('passwd').split(':');
  if (!name || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '')) return { error: `unexpected getent passwd output: ${JSON.stringify(line('passwd').slice(0, 80))}` };
  const group = line('primary').trim();
  const groups = line('groups').trim().split(/\s+/).filter((g) => g && g !== group);
  return { name, uid: Number(uid), gid: Number(gid), comment: comment ?? '', home: home ?? '', shell: shell ?? '', group, groups: [...new Set(groups)] };
}

export function parseGroup(r: ExecResult | undefined): Read<GroupEntry> {
  if (!r || r.code !== 0) return { error: `getent group failed (exit ${r?.code ?? '?'}): ${trimStderr(r?.stderr ?? 'no result')}` };
  if (r.stdout.trim() === 'absent') return 'absent';
  const [name, , gid, members] = r.stdout.trim().replace(/^group /, '').split(':');
  if (!name || !/^\d+$/.test(gid ?? '')) return { error: `unexpected getent group output: ${JSON.stringify(r.stdout.slice(0, 80))}` };
  return { name, gid: Number(gid), members: (members ?? '').split(',').filter(Boolean) };
}
