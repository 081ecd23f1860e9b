import { randomBytes } from 'node:crypto';
import type { Connection } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import type { Task } from '../task/task.ts';
import { check, CommandError, trimStderr } from '../connection/errors.ts';
import { quoteArgv } from '../connection/quote.ts';
import { formatMode, ModuleArgumentError, parseMode } from './common.ts';
import { file, type FileArgs, type FilePlan, type FileState } from './file.ts';
import { writeFileAtomic } from './write.ts';
import type { Confirm } from './confirm.ts';
import { ARM_SCRIPT, CONFIRM_SCRIPT, GUARD_DIR, REVERT_SCRIPT, REVERTED_PROBE } from './guard-scripts.ts';

export interface GuardedFileArgs extends FileArgs {
  /** Makes the installed file live (`nft -f /etc/nftables.conf`, `systemctl reload ssh`). */
  activate: string[];
  /** Run by the revert when there was no previous file (after removing the new one); default: activate. */
  activateWithout?: string[];
  /** Seconds the confirmation may take before the host reverts by itself. */
  window: number;
  /** Must succeed from the control side over a NEW connection; see confirm.ts. */
  confirm: Confirm;
  /** Where the host keeps the saved copy and the lock (tmpfs); tests point it elsewhere. */
  stateDir?: string;
}

/** Milliseconds to wait past the window for the host's timer to have fired. */
const REVERT_GRACE_MS = 8000;

function argvArg(name: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((a) => typeof a !== 'string')) {
    throw new ModuleArgumentError('guardedFile', `${name} must be a non-empty argv array of strings, got ${JSON.stringify(v)}`);
  }
  return [...v];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A file whose activation could cut the control side off (a firewall ruleset, sshd settings).
 * Before anything changes, the host arms a timer that restores the previous file and
 * re-activates it; the new file is then written (validated), activated, and confirmed by
 * `confirm` over a fresh connection, which disarms the timer. Without confirmation the host
 * reverts by itself, whatever happened to the control side, and the task fails saying so.
 * Compare and check mode are the file module's.
 */
export function guardedFile(args: GuardedFileArgs): Task<FileState, FilePlan> {
  const inner = file(args);
  const activate = argvArg('activate', args.activate);
  const without = args.activateWithout ? argvArg('activateWithout', args.activateWithout) : activate;
  if (!Number.isInteger(args.window) || args.window < 5 || args.window > 3600) {
    throw new ModuleArgumentError('guardedFile', `${inner.name}: window must be whole seconds between 5 and 3600, got ${JSON.stringify(args.window)}`);
  }
  if (typeof args.confirm !== 'function') throw new ModuleArgumentError('guardedFile', `${inner.name}: confirm must be a function`);
  const path = args.path;
  const owner = args.owner ?? 'root';
  const group = args.group ?? 'root';
  const mode = parseMode('guardedFile', args.mode ?? '0644');
  const windowMs = args.window * 1000;
  const dir = args.stateDir ?? GUARD_DIR;

  async function waitForRevert(conn: Connection, id: string, armedAt: number): Promise<string> {
    const until = armedAt + windowMs + REVERT_GRACE_MS;
    while (Date.now() < until) {
      try {
        const r = await conn.exec(['sh', '-c', REVERTED_PROBE, 'sh', dir, id]);
        if (r.code === 0 && r.stdout.trim() !== '') return `the host restored the previous version (re-activation exited ${r.stdout.trim()})`;
      } catch (e) {
        if (!(e instanceof UnreachableError)) throw e;
        // The running session died too: only the timer on the host can help now.
        await sleep(Math.max(0, until - Date.now()));
        return `the session was lost as well; the host's timer restores the previous version ${args.window}s after activation`;
      }
      await sleep(1000);
    }
    return 'the revert timer did not report back in time: check the host';
  }

  return {
    ...inner,
    module: 'guardedFile',
    renders: { path: inner.renders?.path ?? path, content: args.content, owner, group, mode: formatMode(mode) },
    name: args.name ?? `guarded file ${path}`,
    async apply(conn, plan, _facts, env) {
      const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
      const unit = `ts-play-guard-${id}`;
      const revertArgs = [String(activate.length), ...activate, ...without];
      await check(conn, ['sh', '-c', ARM_SCRIPT, 'sh', dir, id, path, `${args.window}s`, unit, REVERT_SCRIPT, ...revertArgs]);
      const armedAt = Date.now();
      const revertNow = () => conn.exec(['sh', '-c', REVERT_SCRIPT, 'sh', dir, id, path, ...revertArgs]).catch(() => undefined);
      const disarm = () => conn.exec(['sh', '-c', CONFIRM_SCRIPT, 'sh', dir, id, unit]);
      try {
        if (plan.action === 'write') {
          await writeFileAtomic(conn, { path, content: args.content, owner, group, mode, backup: args.backup ?? true, ...(args.validate ? { validate: args.validate } : {}) });
        } else {
          await check(conn, ['sh', '-c', 'chown -- "$2:$3" "$1" && chmod -- "$4" "$1"', 'sh', path, owner, group, formatMode(mode)]);
        }
      } catch (e) {
        // Nothing went live (a failed validation leaves the old file in place): nothing to revert.
        if (!(e instanceof UnreachableError)) await disarm().catch(() => undefined);
        throw e;
      }
      // If the session dies while activating, the armed timer decides.
      const r = await conn.exec(activate);
      if (r.code !== 0) {
        await revertNow();
        throw new Error(`${conn.host}: activation \`${quoteArgv(activate)}\` exited ${r.code}: ${trimStderr(r.stderr) || trimStderr(r.stdout)}; previous version restored`);
      }
      // Leave a margin so a confirmation that succeeds still beats the timer.
      const deadline = armedAt + windowMs * 0.7;
      let lastError = '';
      while (Date.now() < deadline) {
        const timeoutMs = Math.max(1000, Math.min(5000, deadline - Date.now()));
        try {
          await args.confirm({ host: conn.host, conn, timeoutMs, ...(env ? { env } : {}) });
          const c = await disarm();
          if (c.code === 3) throw new Error(`${conn.host}: ${path}: confirmed too late: the host had already restored the previous version`);
          if (c.code !== 0) throw new CommandError(conn.host, ['sh', '-c', 'CONFIRM_SCRIPT'], c);
          return { changed: true };
        } catch (e) {
          if ((e as Error).message.includes('confirmed too late')) throw e;
          lastError = (e as Error).message;
          await sleep(500);
        }
      }
      const what = await waitForRevert(conn, id, armedAt);
      throw new Error(`${conn.host}: ${path}: activation not confirmed within ${args.window}s (${lastError}); ${what}`);
    },
  };
}
