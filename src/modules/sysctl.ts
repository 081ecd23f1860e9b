import type { Connection, ExecResult } from '../connection/types.ts';
import type { FileDiff, Task } from '../task/task.ts';
import { trimStderr } from '../connection/errors.ts';
import { absolutePath, ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';
import { describeKind, metaDiffs, parsePathState, pathProbe, type PathState } from './path-state.ts';
import { writeFileAtomic } from './write.ts';

export interface SysctlArgs extends TaskOptions {
  /** The persisted file, e.g. /etc/sysctl.d/90-nat-gateway.conf. */
  file: string;
  /** Keys in the order they are written. */
  values: Record<string, string | number>;
}

export type LiveValue = { key: string; present: false } | { key: string; present: true; writable: boolean; value: string };

export interface SysctlState {
  file: PathState;
  live: LiveValue[] | { error: string };
}

export interface SysctlPlan {
  writeFile: boolean;
  /** Keys whose live value differs and that the kernel lets us write. */
  live: [key: string, value: string][];
}

const KEY = /^[a-z0-9_]+(\.[A-Za-z0-9_:@/-]+)+$/;
const OWNER = 'root';
const MODE = 0o644;
/** What a write to /proc/sys says when this namespace or kernel will not take the value. */
const REFUSED = /Invalid argument|Operation not permitted|Read-only file system|[Pp]ermission denied/;

/** /proc/sys path of a key: dots are separators, a slash stands for a dot inside a name (eth0/100). */
export function procPath(key: string): string {
  return `/proc/sys/${key.split('.').map((p) => p.replace(/\//g, '.')).join('/')}`;
}

/** Multi-value keys come back tab-separated (ip_local_port_range): compare words, not whitespace. */
export function normalise(v: string): string {
  return v.trim().split(/\s+/).join(' ');
}

export function renderSysctlFile(values: [string, string][]): string {
  return ['# Managed by ts-play: local edits are overwritten.', ...values.map(([k, v]) => `${k} = ${v}`), ''].join('\n');
}

// Per key path, in argument order, a line "missing", "rw" or "ro" (the shell's own tests); then
// "--" and every value as grep prints it, "path:line" (a value of many lines gives many). One
// grep for all keys: a command substitution per key was two processes each, most of what
// reading a host's sysctls cost. Not the shell's `read`: it reads a byte at a time, and most
// /proc/sys files answer only a read from offset 0. A key the kernel will not let us read (a
// write-only one) has no value line; its status line still says what it is.
const LIVE_PROBE = `for f in "$@"; do
  if [ ! -e "$f" ]; then echo missing; elif [ -w "$f" ]; then echo rw; else echo ro; fi
done
echo --
grep -H '' -- "$@" 2>/dev/null
exit 0`;

// Positional args: triples of key, /proc/sys path, value. Every write is tried; each answers one line.
const LIVE_WRITE = `while [ $# -ge 3 ]; do
  k=$1 f=$2 v=$3; shift 3
  if err=$( { printf '%s\\n' "$v" > "$f"; } 2>&1 ); then printf 'ok\\t%s\\n' "$k"
  else printf 'fail\\t%s\\t%s\\n' "$k" "$(printf '%s' "$err" | tr '\\n' ' ')"; fi
done`;

function parseLive(keys: string[], r: ExecResult | undefined): LiveValue[] | { error: string } {
  if (!r || r.code !== 0) return { error: `reading live sysctl values failed (exit ${r?.code}): ${trimStderr(r?.stderr ?? '')}` };
  const lines = r.stdout.split('\n');
  const sep = lines.indexOf('--');
  if (sep !== keys.length) return { error: `reading live sysctl values: ${sep < 0 ? 'no' : sep} status lines for ${keys.length} keys` };
  const values = new Map<string, string[]>();
  for (const line of lines.slice(sep + 1)) {
    // The path is ours, so "path:" is matched exactly; a value may hold colons of its own.
    const path = keys.map(procPath).find((p) => line.startsWith(`${p}:`));
    if (path) values.set(path, [...(values.get(path) ?? []), line.slice(path.length + 1)]);
  }
  return keys.map((key, i) => {
    const status = lines[i];
    if (status === 'missing') return { key, present: false };
    return { key, present: true, writable: status === 'rw', value: normalise((values.get(procPath(key)) ?? []).join(' ')) };
  });
}

function notSettable(key: string, live: string): string {
  const where = key.startsWith('net.') ? 'in this network namespace' : 'on this host';
  return `${key}: not settable ${where} (read-only); live value ${live} stays`;
}

export function sysctl(args: SysctlArgs): Task<SysctlState, SysctlPlan> {
  const path = absolutePath('sysctl', args.file);
  const entries: [string, string][] = Object.entries(args.values ?? {}).map(([k, v]) => {
    if (!KEY.test(k)) throw new ModuleArgumentError('sysctl', `${path}: not a sysctl key: ${JSON.stringify(k)}`);
    if ((typeof v !== 'string' && typeof v !== 'number') || /[\n\r]/.test(String(v)) || String(v).trim() === '') {
      throw new ModuleArgumentError('sysctl', `${path}: ${k} needs a one-line string or number, got ${JSON.stringify(v)}`);
    }
    return [k, normalise(String(v))];
  });
  if (entries.length === 0) throw new ModuleArgumentError('sysctl', `${path}: values is empty`);
  const keys = entries.map(([k]) => k);
  const content = renderSysctlFile(entries);

  return {
    module: 'sysctl',
    ...passThrough(args, `sysctl ${path}`),
    renders: { path, content, owner: 'root', group: 'root', mode: '0644' },
    probes: () => [pathProbe(path, { content: true }), { argv: ['sh', '-c', LIVE_PROBE, 'sh', ...keys.map(procPath)] }],
    parse: ([f, l]) => ({
      file: f ? parsePathState(path, f) : { kind: 'error', message: `no probe result for ${path}` },
      live: parseLive(keys, l),
    }),
    compare({ file, live }) {
      if (file.kind === 'error') return { status: 'fail', reason: file.message };
      if ('error' in live) return { status: 'fail', reason: live.error };
      if (file.kind !== 'file' && file.kind !== 'missing') return { status: 'fail', reason: `${path} is ${describeKind(file)}, not a regular file` };
      const reasons: string[] = [];
      const diffs: FileDiff[] = [];
      let writeFile = false;
      if (file.kind === 'missing') {
        writeFile = true;
        reasons.push(`create ${path}`);
        diffs.push({ path, before: '', after: content });
      } else {
        const what = metaDiffs(file.meta, { owner: OWNER, group: OWNER, mode: MODE });
        if (file.content !== content) {
          what.unshift('content');
          diffs.push({ path, before: file.content ?? '', after: content });
        }
        if (what.length) {
          writeFile = true;
          reasons.push(`${path}: ${what.join(', ')}`);
        }
      }
      const warnings: string[] = [];
      const planLive: [string, string][] = [];
      entries.forEach(([key, want], i) => {
        const l = live[i]!;
        if (!l.present) {
          warnings.push(`${key}: not present on this kernel or in this namespace; only persisted`);
        } else if (l.value !== want && !l.writable) {
          warnings.push(notSettable(key, l.value));
        } else if (l.value !== want) {
          planLive.push([key, want]);
          reasons.push(`${key} ${l.value} -> ${want}`);
        }
      });
      const w = warnings.length ? { warnings } : {};
      if (!writeFile && planLive.length === 0) return { status: 'ok', reason: `${keys.length} keys persisted and live`, ...w };
      return { status: 'change', reason: reasons.join('; '), plan: { writeFile, live: planLive }, ...(diffs.length ? { diffs } : {}), ...w };
    },
    async apply(conn, plan) {
      if (plan.writeFile) await writeFileAtomic(conn, { path, content, owner: OWNER, group: OWNER, mode: MODE, backup: true });
      const { written, warnings } = await writeLive(conn, plan.live);
      return { changed: plan.writeFile || written > 0, ...(warnings.length ? { warnings } : {}) };
    },
  };
}

/** Sets live values in one round trip; a value the kernel refuses is a warning, any other failure an error. */
async function writeLive(conn: Connection, values: [string, string][]): Promise<{ written: number; warnings: string[] }> {
  if (values.length === 0) return { written: 0, warnings: [] };
  const argv = ['sh', '-c', LIVE_WRITE, 'sh', ...values.flatMap(([k, v]) => [k, procPath(k), v])];
  const r = await conn.exec(argv);
  if (r.code !== 0) throw new Error(`${conn.host}: setting sysctls failed (exit ${r.code}): ${trimStderr(r.stderr)}`);
  let written = 0;
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const [status, key, err = ''] = line.split('\t');
    if (status === 'ok') written++;
    else if (status === 'fail' && REFUSED.test(err)) warnings.push(`${key}: the kernel refused the value (${err.trim()}); persisted only`);
    else if (status === 'fail') errors.push(`${key}: ${err.trim()}`);
  }
  if (errors.length) throw new Error(`${conn.host}: setting sysctls failed: ${errors.join('; ')}`);
  return { written, warnings };
}
