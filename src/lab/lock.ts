import { open, readFile, rm } from 'node:fs/promises';
import { alive } from './procs.ts';
import { LabError } from './run.ts';

/** Outside RUN_DIR, which `down` removes while holding the lock. */
const LOCK = '/run/ts-play-lab.lock';

async function holder(): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(LOCK, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One lab operation at a time on the machine: test files run in parallel and
 * two `up`s booting the same host would run two containers on one overlay.
 */
export async function withLabLock<T>(fn: () => Promise<T>, waitMs = 10 * 60_000): Promise<T> {
  const end = Date.now() + waitMs;
  for (;;) {
    try {
      const fh = await open(LOCK, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = await holder();
      // A lock left by a crashed run (or by this very process, re-entering) does not block.
      if (pid === process.pid) return fn();
      if (pid === undefined || !alive(pid)) {
        await rm(LOCK, { force: true });
        continue;
      }
      if (Date.now() > end) throw new LabError(`another lab operation (pid ${pid}) holds ${LOCK}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK, { force: true });
  }
}
