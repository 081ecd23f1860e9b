import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { hostname, userInfo } from 'node:os';
import type { Connection, ExecResult } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import { parseKeyValues } from '../facts/keyvalue.ts';
import { TsPlayError } from '../base/errors.ts';
import { escapeControl } from '../base/text.ts';
import { redact } from '../base/redact.ts';
import { LOCK_SCRIPT, LOCK_HELD, PEEK_SCRIPT, RELEASE_SCRIPT, THEN_MARK, thenScript } from './run-lock-scripts.ts';

/** What runs right after the lock in its round trip: one command for every host, or each host's own. */
export type Then = readonly string[] | ((host: string) => readonly string[]);

const thenFor = (then: Then | undefined, host: string): readonly string[] | undefined => (typeof then === 'function' ? then(host) : then);

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
  /**
   * Hosts sent a lock script at once (--forks): 200 hosts taking, refreshing or releasing their
   * locks at the same moment on top of the run's own commands drove the 2-core lab's load past
   * 1300. Default: all of them.
   */
  concurrency?: number;
}

/** The holder a lock script found: its output is the host's clock, then the lock's record. */
function holderIn(host: string, stdout: string): string {
  const [head = '', ...rest] = stdout.split('\n');
  return describeHolder(host, parseKeyValues(rest.join('\n')), Number(head));
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
  /** One queue for everything the lock sends: a refresh waits behind an acquire still going on. */
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(private readonly opts: RunLockOptions) {
    this.ttl = opts.ttlSec ?? LOCK_TTL;
    this.limit = pLimit(Math.max(1, opts.concurrency ?? Number.MAX_SAFE_INTEGER));
  }

  private record(): string {
    const u = userInfo().username;
    const lines = [`id=${this.id}`, `user=${u}`, `control=${hostname()}`, `pid=${process.pid}`, `since=${new Date().toISOString()}`,
      `command=ts-play ${this.opts.argv.join(' ')}`, `cwd=${process.cwd()}`];
    return lines.map(oneLine).join('\n') + '\n';
  }

  /** LOCK_SCRIPT's arguments: taking the lock and refreshing it differ only in breaking another's. */
  private lockArgs(path: string, breakLock = false): string[] {
    return [path, this.id, String(this.ttl), breakLock ? 'yes' : 'no'];
  }

  private path(host: string): string {
    return this.opts.pathOf?.(host) ?? LOCK_FILE;
  }

  /**
   * Locks every reachable host, all or none: a host held by another run releases those taken.
   * `then`, a command (or each host's own), runs on each host right after its lock is taken, in
   * the same round trip (the facts and first read a run starts with): its results are returned, by host.
   */
  async acquire(hosts: string[], connect: (host: string) => Promise<Connection>, then?: Then): Promise<Map<string, ExecResult>> {
    const record = this.record();
    const refused: string[] = [];
    const after = new Map<string, ExecResult>();
    const settled = await Promise.allSettled(hosts.map((host) => this.limit(async () => {
      const conn = await reachable(connect, host);
      if (!conn) return; // the run reports it unreachable when it gets there
      const path = this.path(host);
      const both = await this.exec(conn, LOCK_SCRIPT, this.lockArgs(path, this.opts.breakLock), thenFor(then, host), record).catch((e) => {
        if (e instanceof UnreachableError) return undefined; // lost on the way: reported by the run
        throw e;
      });
      if (!both) return;
      const { r, next } = both;
      if (next) after.set(host, next);
      if (r.code === LOCK_HELD) return void refused.push(holderIn(host, r.stdout));
      if (r.code !== 0) throw new TsPlayError(`${host}: cannot take the run lock ${path} (exit ${r.code}): ${r.stderr.trim()}`);
      this.held.set(host, { conn, path });
      if (r.stdout.split('\n').slice(1).some((l) => l.startsWith('id='))) {
        const why = this.opts.breakLock ? 'broken (--break-lock)' : 'expired';
        this.opts.warn(host, `took over a lock that was ${why}: ${holderIn(host, r.stdout)}`);
      }
    })));
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
    return after;
  }

  /**
   * One lock script on a host, and `then` after it when the script succeeded (thenScript): the
   * script's result and the command's, split at the mark. Output without the mark (a shell
   * that never got that far) is the script's own.
   */
  private async exec(conn: Connection, script: string, args: string[], then: readonly string[] | undefined, stdin?: string, proceed = [0]): Promise<{ r: ExecResult; next?: ExecResult }> {
    const opts = stdin === undefined ? {} : { stdin };
    if (!then?.length) return { r: await conn.exec(['sh', '-c', script, 'sh', ...args], opts) };
    const both = await conn.exec(['sh', '-c', thenScript(script, args.length, proceed), 'sh', this.id, ...args, ...then], opts);
    const mark = `${THEN_MARK} ${this.id} `;
    const at = both.stdout.indexOf(mark);
    if (at < 0) return { r: both };
    const eol = both.stdout.indexOf('\n', at);
    const code = Number(both.stdout.slice(at + mark.length, eol < 0 ? undefined : eol));
    const r = { code, stdout: both.stdout.slice(0, at), stderr: proceed.includes(code) ? '' : both.stderr };
    if (!proceed.includes(code) || eol < 0) return { r };
    const next: ExecResult = { code: both.code, stdout: both.stdout.slice(eol + 1), stderr: both.stderr };
    if (both.signal) next.signal = both.signal;
    return { r, next };
  }

  private async refresh(record: string): Promise<void> {
    await Promise.all([...this.held].map(([host, { conn, path }]) => this.limit(async () => {
      try {
        const { r } = await this.exec(conn, LOCK_SCRIPT, this.lockArgs(path, false), undefined, record);
        if (r.code === LOCK_HELD) {
          this.held.delete(host);
          this.opts.lost?.(host, `another run took this run's lock: ${holderIn(host, r.stdout)}`);
        }
      } catch {
        // An unreachable host cannot be refreshed; the run reports the host itself.
      }
    })));
  }

  /** Removes this run's locks (only those still ours). */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const held = [...this.held];
    this.held.clear();
    await Promise.all(held.map(([host, { conn, path }]) => this.limit(async () => {
      // A lock left behind refuses the next run until it expires: say so rather than keep quiet.
      const r = await conn.exec(['sh', '-c', RELEASE_SCRIPT, 'sh', path, this.id]).catch((e: Error) => e);
      const why = r instanceof Error ? r.message : r.code !== 0 ? `exit ${r.code}: ${r.stderr.trim()}` : undefined;
      if (why) this.opts.warn(host, `could not release the run lock ${path} (${why}): it expires by itself within ${this.ttl} s`);
    })));
  }

  /**
   * Check mode: nothing is locked, but a lock another run holds is worth a warning. `then` runs
   * after the look, in the same round trip, whatever it found: its results, by host.
   */
  async peek(hosts: string[], connect: (host: string) => Promise<Connection>, then?: Then): Promise<Map<string, ExecResult>> {
    const after = new Map<string, ExecResult>();
    await Promise.all(hosts.map((host) => this.limit(async () => {
      const conn = await reachable(connect, host);
      if (!conn) return;
      const { r, next } = await this.exec(conn, PEEK_SCRIPT, [this.path(host)], thenFor(then, host), undefined, [0, LOCK_HELD]);
      if (next) after.set(host, next);
      if (r.code !== LOCK_HELD) return;
      this.opts.warn(host, `${holderIn(host, r.stdout)}: another run is changing it, what --check reads may be moving`);
    })));
    return after;
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
