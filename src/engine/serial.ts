/**
 * Splits a play's hosts into batches the way Ansible's `serial` does: a count, a percentage
 * of the play's hosts (rounded down, at least 1), or a list whose last entry repeats.
 */
export function batchSizes(total: number, serial: number | string | Array<number | string> | undefined): number[] {
  if (total === 0) return [];
  if (serial === undefined) return [total];
  const steps = (Array.isArray(serial) ? serial : [serial]).map((s) => size(total, s));
  if (steps.length === 0) return [total];
  const out: number[] = [];
  let left = total;
  for (let i = 0; left > 0; i++) {
    const n = Math.min(left, steps[Math.min(i, steps.length - 1)]!);
    out.push(n);
    left -= n;
  }
  return out;
}

function size(total: number, s: number | string): number {
  if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 1) throw new Error(`serial must be a positive whole number or a percentage, got ${s}`);
    return s;
  }
  const m = /^(\d+(?:\.\d+)?)%$/.exec(s.trim());
  if (m) return Math.max(1, Math.floor((total * Number(m[1])) / 100));
  if (/^\d+$/.test(s.trim())) return size(total, Number(s));
  throw new Error(`serial must be a positive whole number or a percentage, got "${s}"`);
}

export function batches<T>(items: readonly T[], serial: number | string | Array<number | string> | undefined): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (const n of batchSizes(items.length, serial)) {
    out.push(items.slice(at, at + n));
    at += n;
  }
  return out;
}

/** Ansible's rule: the play stops when the failed share of a batch exceeds the percentage. */
export function tooManyFailures(failed: number, batchSize: number, maxFailPercentage: number): boolean {
  if (failed === 0) return false;
  return (failed * 100) / batchSize > maxFailPercentage;
}
