import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Connection } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import { parseKeyValues } from '../facts/keyvalue.ts';
import { TsPlayError } from '../base/errors.ts';
import { escapeControl } from '../base/text.ts';
import { redact } from '../base/redact.ts';
import { LOCK_SCRIPT, LOCK_HELD, PEEK_SCRIPT, RELEASE_SCRIPT } from './run-lock-scripts.ts';

/** On tmpfs: a reboot, which ends every run, also ends every lock. */
export const LOCK_FILE = '/run/ts-play/lock';
/** Seconds a lock lives without a refresh: what a run killed with SIGKILL leaves behind at most. */
export const LOCK_TTL = 60;

/** Another run holds a host's lock: nothing was changed (exit 1). */
export class LockHeldError extends TsPlayError {}

export interface LockRecord {
  id?: string;
  user?: string;
  control?: string;
  pid?: string;
  since?: string;
  command?: string;
  cwd?: string;
  expires?: string;
}

export function describeHolder(host: string, r: LockRecord, nowSec: number): string {
  const left = Number(r.expires) - nowSec;
  const expiry = Number.isFinite(left) ? `expires in ${Math.max(0, Math.round(left))} s unless that run keeps it alive` : 'has no expiry';
  return `${host} is locked by ${r.user ?? '?'}@${r.control ?? '?'} (pid ${r.pid ?? '?'}) since ${r.since ?? '?'}, running \`${r.command ?? '?'}\` in ${r.cwd ?? '?'}; the lock ${expiry}`;
}

export interface RunLockOptions {
  /** The command line this run was started with, shown to whoever is refused. */
  argv: readonly string[];
  /** Take the lock even when another run holds it (--break-lock). */
  breakLock?: boolean;
  ttlSec?: number;
  /** The lock file of a host (tsplay_lock_file in its variables, else LOCK_FILE). */
  pathOf?: (host: string) => string;
  /** A warning to show (a broken or expired lock taken over, a lock lost to another run). */
  warn(host: string, message: string): void;
  /** Another run took a lock this run held: the caller stops starting new work. */
  lost?(host: string, message: string): void;
}

const oneLine = (s: string) => escapeControl(redact(s)).replace(/[\n\t]/g, ' ');

/**
 * One operator at a time: a run that may change hosts holds a lock file on each of them, written
 * atomically (under flock) with who, from where, since when, which command and the pid, and an
 * expiry on the host's clock that the run refreshes while it lives. A second run is refused with
 * that record; a run killed outright leaves a lock that expires by itself; --break-lock takes it.
 */
export class RunLock {
  readonly id = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private readonly held = new Map<string, { conn: Connection; path: string }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly ttl: number;

  constructor(private readonly opts: RunLockOptions) {
    this.ttl = opts.ttlSec ?? LOCK_TTL;
  }

  private record(): string {
    const u = userInfo().username;
    const lines = [`id=${this.id}`, `user=${u}`, `control=${hostname()}`, `pid=${process.pid}`, `since=${new Date().toISOString()}`,
      `command=ts-play ${this.opts.argv.join(' ')}`, `cwd=${process.cwd()}`];
    return lines.map(oneLine).join('\n') + '\n';
  }

  private path(host: string): string {
    return this.opts.pathOf?.(host) ?? LOCK_FILE;
  }

  /** Locks every reachable host, all or none: a host held by another run releases those taken. */
  async acquire(hosts: string[], connect: (host: string) => Promise<Connection>): Promise<void> {
    const record = this.record();
    const refused: string[] = [];
    const settled = await Promise.allSettled(hosts.map(async (host) => {
      const conn = await reachable(connect, host);
      if (!conn) return; // the run reports it unreachable when it gets there
      const path = this.path(host);
      const r = await conn.exec(['sh', '-c', LOCK_SCRIPT, 'sh', path, this.id, String(this.ttl), this.opts.breakLock ? 'yes' : 'no'], { stdin: record }).catch((e) => {
        if (e instanceof UnreachableError) return undefined; // lost on the way: reported by the run
        throw e;
      });
      if (!r) return;
      const [head = '', ...rest] = r.stdout.split('\n');
      if (r.code === LOCK_HELD) return void refused.push(describeHolder(host, parseKeyValues(rest.join('\n')), Number(head)));
      if (r.code !== 0) throw new TsPlayError(`${host}: cannot take the run lock ${path} (exit ${r.code}): ${r.stderr.trim()}`);
      this.held.set(host, { conn, path });
      if (rest.some((l) => l.startsWith('id='))) {
        const why = this.opts.breakLock ? 'broken (--break-lock)' : 'expired';
        this.opts.warn(host, `took over a lock that was ${why}: ${describeHolder(host, parseKeyValues(rest.join('\n')), Number(head))}`);
      }
    }));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // All or none: what was taken before the failure is given back.
      await this.release();
      throw failed.reason;
    }
    if (refused.length) {
      await this.release();
      throw new LockHeldError(`${refused.join('\n')}\nNothing was changed. If that run is gone, wait for its lock to expire or pass --break-lock.`);
    }
    this.timer = setInterval(() => void this.refresh(record), Math.max(1000, (this.ttl * 1000) / 4));
    this.timer.unref();
  }

  private async refresh(record: string): Promise<void> {
    await Promise.all([...this.held].map(async ([host, { conn, path }]) => {
      try {
        const r = await conn.exec(['sh', '-c', LOCK_SCRIPT, 'sh', path, this.id, String(this.ttl), 'no'], { stdin: record });
        if (r.code === LOCK_HELD) {
          this.held.delete(host);
          const [head = '', ...rest] = r.stdout.split('\n');
          this.opts.lost?.(host, `another run took this run's lock: ${describeHolder(host, parseKeyValues(rest.join('\n')), Number(head))}`);
        }
      } catch {
        // An unreachable host cannot be refreshed; the run reports the host itself.
      }
    }));
  }

  /** Removes this run's locks (only those still ours). */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.held].map(async ([host, { conn, path }]) => {
      this.held.delete(host);
      // A lock left behind refuses the next run until it expires: say so rather than keep quiet.
      const r = await conn.exec(['sh', '-c', RELEASE_SCRIPT, 'sh', path, this.id]).catch((e: Error) => e);
      const why = r instanceof Error ? r.message : r.code !== 0 ? `exit ${r.code}: ${r.stderr.trim()}` : undefined;
      if (why) this.opts.warn(host, `could not release the run lock ${path} (${why}): it expires by itself within ${this.ttl} s`);
    }));
  }

  /** Check mode: nothing is locked, but a lock another run holds is worth a warning. */
  async peek(hosts: string[], connect: (host: string) => Promise<Connection>): Promise<void> {
    await Promise.all(hosts.map(async (host) => {
      const conn = await reachable(connect, host);
      const r = conn && (await conn.exec(['sh', '-c', PEEK_SCRIPT, 'sh', this.path(host)]));
      if (!r || r.code !== LOCK_HELD) return;
      const [head = '', ...rest] = r.stdout.split('\n');
      this.opts.warn(host, `${describeHolder(host, parseKeyValues(rest.join('\n')), Number(head))}: another run is changing it, what --check reads may be moving`);
    }));
  }
}

async function reachable(connect: (host: string) => Promise<Connection>, host: string): Promise<Connection | undefined> {
  try {
    return await connect(host);
  } catch (e) {
    if (e instanceof UnreachableError) return undefined;
    throw e;
  }
}
