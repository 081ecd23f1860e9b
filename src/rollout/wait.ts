import { TsPlayError, EXIT_FAILED } from '../base/errors.ts';
/** A gate's failure: the reason is what the runner prints after `gate <name> failed:`. */
export class GateError extends TsPlayError {
  constructor(message: string) {
    super(message, { exitCode: EXIT_FAILED });
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** Problems worth a longer wait than the rest (`only` picks them), and how long. */
export interface Longer {
  timeoutSec: number;
  only: (problem: string) => boolean;
}

/**
 * Re-reads until `problems` comes back empty or the time is up, then throws the last problems.
 * A short hiccup (an advert in flight, a resync in progress) passes; a lasting fault fails with
 * what was seen last, not with a bare timeout.
 */
export async function settle(what: string, timeoutSec: number, problems: () => Promise<string[]>, clock: Clock = realClock, everyMs = 1000, longer?: Longer): Promise<void> {
  const start = clock.now();
  const end = start + timeoutSec * 1000;
  const longEnd = longer ? start + Math.max(timeoutSec, longer.timeoutSec) * 1000 : end;
  for (;;) {
    const found = await problems();
    if (found.length === 0) return;
    const patient = longer !== undefined && found.every((p) => longer.only(p));
    if (clock.now() >= (patient ? longEnd : end)) {
      const waited = Math.round((clock.now() - start) / 1000);
      throw new GateError(`${what}: ${found.join('; ')}${waited > 0 ? ` (still so after ${waited}s)` : ''}`);
    }
    await clock.sleep(everyMs);
  }
}
