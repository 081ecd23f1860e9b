import type { Facts } from '../../src/facts/types.ts';

/** A systemd host; tests override only what they are about. */
export function makeFacts(over: Partial<Facts> = {}): Facts {
  return { init: 'systemd', ...over };
}
