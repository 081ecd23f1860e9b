import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ExecResult } from '../connection/types.ts';
import type { Task } from '../task/task.ts';
import { absolutePath, accountName, formatMode, ModuleArgumentError, parseMode, passThrough, type TaskOptions } from './common.ts';
import { validatorArgv } from './file.ts';
import { describeKind, metaDiffs, pathProbe, parsePathState, type PathState } from './path-state.ts';
import { setMetadata, writeFileAtomic } from './write.ts';

export interface CopyArgs extends TaskOptions {
  path: string;
  /** The bytes to install; or `src`, a file on the control machine read as bytes when the role builds. */
  content?: Buffer | string;
  src?: string;
  owner?: string;
  group?: string;
  mode?: string;
  validate?: string[];
  backup?: boolean;
}

export interface CopyState {
  path: PathState;
  /** sha256 of the file on the host, when it is a regular file. */
  digest?: string;
}

export type CopyPlan = { action: 'write' } | { action: 'metadata' };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function digestOf(r: ExecResult | undefined): string | undefined {
  const m = /^([0-9a-f]{64})\b/.exec(r?.stdout ?? '');
  return r?.code === 0 && m ? m[1] : undefined;
}

/** Text a diff can show: valid UTF-8 without NUL. Anything else is described, not printed. */
function asText(b: Buffer): string | undefined {
  const t = b.toString('utf8');
  return !t.includes('\0') && Buffer.from(t, 'utf8').equals(b) ? t : undefined;
}

/**
 * A file installed byte for byte, binary or not (a firmware blob, a keytab, a .deb): compared
 * by sha256 on the host, so the content never travels back; sent base64-encoded and decoded on
 * the host through the same atomic write as `file` (temp file, validate, backup, rename), then
 * its digest is read back, so a transport that mangled a byte fails the task instead of
 * leaving a corrupt file looking installed.
 */
export function copy(args: CopyArgs): Task<CopyState, CopyPlan> {
  const path = absolutePath('copy', args.path);
  if ((args.content === undefined) === (args.src === undefined)) throw new ModuleArgumentError('copy', `${path}: give content or src, one of them`);
  let bytes: Buffer;
  if (args.src !== undefined) {
    try {
      bytes = readFileSync(args.src);
    } catch (e) {
      throw new ModuleArgumentError('copy', `${path}: cannot read src ${args.src}: ${(e as Error).message}`);
    }
  } else {
    if (typeof args.content !== 'string' && !Buffer.isBuffer(args.content)) throw new ModuleArgumentError('copy', `${path}: content must be a Buffer or a string`);
    bytes = Buffer.isBuffer(args.content) ? Buffer.from(args.content) : Buffer.from(args.content, 'utf8');
  }
  const owner = accountName('copy', 'owner', args.owner ?? 'root');
  const group = accountName('copy', 'group', args.group ?? 'root');
  const mode = parseMode('copy', args.mode ?? '0644');
  const validate = validatorArgv('copy', args.validate);
  const digest = sha256(bytes);
  const summary = `${owner}:${group} ${formatMode(mode)}, ${bytes.length} bytes, sha256 ${digest.slice(0, 12)}`;
  const text = asText(bytes);

  return {
    module: 'copy',
    ...passThrough(args, `copy ${path}`),
    probes: () => [pathProbe(path), { argv: ['sh', '-c', '[ -f "$1" ] && [ ! -L "$1" ] || exit 0; sha256sum -- "$1"', 'sh', path] }],
    parse: ([p, d]) => {
      const state = p ? parsePathState(path, p) : ({ kind: 'error', message: `no probe result for ${path}` } as const);
      const got = digestOf(d);
      return { path: state, ...(got ? { digest: got } : {}) };
    },
    compare({ path: s, digest: have }) {
      if (s.kind === 'error') return { status: 'fail', reason: s.message };
      if (s.kind === 'missing') {
        const note = s.parentExists ? '' : '; its directory does not exist yet';
        return { status: 'change', reason: `create (${summary})${note}`, plan: { action: 'write' }, ...(text !== undefined ? { diffs: [{ path, before: '', after: text }] } : {}) };
      }
      if (s.kind !== 'file') return { status: 'fail', reason: `${path} is ${describeKind(s)}, not a regular file; not replaced` };
      const meta = metaDiffs(s.meta, { owner, group, mode });
      if (have === digest) return meta.length ? { status: 'change', reason: meta.join(', '), plan: { action: 'metadata' } } : { status: 'ok', reason: `up to date (${summary})` };
      return { status: 'change', reason: [`content (sha256 ${have?.slice(0, 12) ?? '?'} -> ${digest.slice(0, 12)}, ${bytes.length} bytes)`, ...meta].join(', '), plan: { action: 'write' } };
    },
    async apply(conn, plan) {
      if (plan.action === 'metadata') {
        await setMetadata(conn, path, owner, group, mode);
        return { changed: true };
      }
      await writeFileAtomic(conn, { path, content: bytes, owner, group, mode, backup: args.backup ?? true, ...(validate ? { validate } : {}) });
      const after = digestOf(await conn.exec(['sha256sum', '--', path]));
      if (after !== digest) throw new Error(`${conn.host}: ${path} holds sha256 ${after ?? '(unreadable)'} after the copy, not ${digest}: the bytes did not arrive intact`);
      return { changed: true };
    },
  };
}
