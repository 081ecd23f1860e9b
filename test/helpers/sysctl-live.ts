import { procPath } from '../../src/modules/sysctl.ts';
import type { ExecResult } from '../../src/connection/types.ts';

/**
 * What the sysctl module's live probe prints for these keys, each given as "rw|ro<TAB>value" or
 * "missing": a status line per key, "--", then grep's "path:value" lines.
 */
export function sysctlLive(keys: string[], ...lines: string[]): ExecResult {
  const status = lines.map((l) => l.split('\t')[0]);
  const values = lines.flatMap((l, i) => (l === 'missing' ? [] : [`${procPath(keys[i]!)}:${l.slice(l.indexOf('\t') + 1)}`]));
  return { code: 0, stdout: [...status, '--', ...values].map((l) => `${l}\n`).join(''), stderr: '' };
}
