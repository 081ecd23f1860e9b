import type { Connection } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import type { Task } from '../task/task.ts';
import { BOOT_ID_PROBE, parseBootId } from '../facts/boot.ts';
import { describeRebootNeed, parseRebootNeed, REBOOT_NEED_PROBE, type RebootNeed } from '../facts/reboot.ts';
import { ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';

export interface RebootResult {
  bootIdBefore: string;
  bootIdAfter?: string;
  /** Seconds from the reboot command to a login on the new boot. */
  seconds?: number;
  need: RebootNeed;
}

export interface RebootArgs extends TaskOptions<RebootResult> {
  /** Reboot only when the host says it needs one (kernel, /run/reboot-required, replaced libraries). */
  onlyIfNeeded?: boolean;
  /** Seconds for the host to go down and come back with a new boot id (default 600). */
  timeout?: number;
  /** Seconds to wait after the reboot command before the first login attempt (default 2). */
  initialDelay?: number;
  /** Seconds between login attempts (default 2). */
  interval?: number;
  /** Seconds to wait once the new boot answers, for units to settle (default 0). */
  settle?: number;
  /** The command that reboots; the default lets it return before the connection drops. */
  command?: string[];
  /** Injected in tests: sleeps and the clock. */
  clock?: { now(): number; sleep(ms: number): Promise<void> };
}

export interface RebootState {
  bootId: string | { error: string };
  need: RebootNeed | { error: string };
}

// The reboot is queued a second later so the command can answer before sshd goes away; a
// connection that drops while it runs is expected, not a failure.
const DEFAULT_COMMAND = ['sh', '-c', 'nohup sh -c "sleep 1; systemctl reboot || reboot" >/dev/null 2>&1 &'];

function seconds(name: string, v: number | undefined, dflt: number, max: number): number {
  const n = v ?? dflt;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > max) throw new ModuleArgumentError('reboot', `${name} must be 0..${max} seconds, got ${JSON.stringify(v)}`);
  return n;
}

const realClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

/**
 * Reboots the host and proves it: the boot id is read before, the reboot queued, and the task
 * logs in again (a new connection each time) until the host answers with a different boot id,
 * or fails after `timeout`. Everything read about the host before is stale afterwards, so the
 * engine reads every later task again. With `onlyIfNeeded` it reboots only when the host says
 * it needs to (a newer kernel installed than the one running, /run/reboot-required, a library
 * replaced under a running process).
 */
export function reboot(args: RebootArgs = {}): Task<RebootState, null, RebootResult> {
  const timeout = seconds('timeout', args.timeout, 600, 7200);
  const initialDelay = seconds('initialDelay', args.initialDelay, 2, 600);
  const interval = seconds('interval', args.interval, 2, 600);
  const settle = seconds('settle', args.settle, 0, 600);
  const command = args.command ?? DEFAULT_COMMAND;
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string')) throw new ModuleArgumentError('reboot', 'command must be a non-empty argv array');
  const clock = args.clock ?? realClock;
  const needOf = (s: RebootState): RebootNeed => ('error' in s.need ? { needed: false, reasons: [] } : s.need);

  /** Logs in until the host answers with a boot id other than `before`; the connection it got there. */
  async function comeBack(connect: () => Promise<Connection>, before: string, start: number): Promise<{ conn: Connection; id: string }> {
    let last = 'no login attempt yet';
    await clock.sleep(initialDelay * 1000);
    for (;;) {
      try {
        const conn = await connect();
        const id = parseBootId(await conn.exec(BOOT_ID_PROBE.argv));
        if (typeof id === 'string' && id !== before) return { conn, id };
        last = typeof id === 'string' ? 'it still answers with the old boot id (not down yet)' : id.error;
      } catch (e) {
        if (!(e instanceof UnreachableError)) throw e;
        last = e.reason;
      }
      if (clock.now() - start >= timeout * 1000) {
        throw new Error(`the host did not come back with a new boot within ${timeout}s of the reboot (last: ${last})`);
      }
      await clock.sleep(interval * 1000);
    }
  }

  return {
    module: 'reboot',
    ...passThrough(args, args.onlyIfNeeded ? 'reboot if needed' : 'reboot'),
    probes: () => [BOOT_ID_PROBE, REBOOT_NEED_PROBE],
    parse: ([id, need]) => ({ bootId: parseBootId(id), need: parseRebootNeed(need) }),
    compare(s) {
      if (typeof s.bootId !== 'string') return { status: 'fail', reason: s.bootId.error };
      if (args.onlyIfNeeded) {
        if ('error' in s.need) return { status: 'fail', reason: s.need.error };
        if (!s.need.needed) return { status: 'ok', reason: 'no reboot needed' };
        return { status: 'change', reason: `reboot: ${s.need.reasons.join('; ')}`, plan: null };
      }
      const need = 'error' in s.need ? '' : ` (${describeRebootNeed(s.need)})`;
      return { status: 'change', reason: `reboot${need}`, plan: null };
    },
    result: (s) => ({ bootIdBefore: typeof s.bootId === 'string' ? s.bootId : '', need: needOf(s) }),
    async apply(conn, _plan, _facts, env) {
      if (!env?.reconnect) throw new Error('reboot needs an engine that can reconnect to the host');
      const before = parseBootId(await conn.exec(BOOT_ID_PROBE.argv));
      if (typeof before !== 'string') throw new Error(before.error);
      const start = clock.now();
      try {
        const r = await conn.exec(command);
        if (r.code !== 0) throw new Error(`the reboot command exited ${r.code}: ${r.stderr.trim()}`);
      } catch (e) {
        if (!(e instanceof UnreachableError)) throw e;
      }
      const { conn: fresh, id } = await comeBack(() => env.reconnect!(), before, start);
      const took = Math.round((clock.now() - start) / 100) / 10;
      if (settle > 0) await clock.sleep(settle * 1000);
      const need = parseRebootNeed(await fresh.exec(REBOOT_NEED_PROBE.argv));
      const after = 'error' in need ? { needed: false, reasons: [] } : need;
      return {
        changed: true,
        stale: true,
        reason: `rebooted in ${took}s (boot id ${before.slice(0, 8)} -> ${id.slice(0, 8)})${after.needed ? `; still ${describeRebootNeed(after)}` : ''}`,
        result: { bootIdBefore: before, bootIdAfter: id, seconds: took, need: after },
      };
    },
  };
}
