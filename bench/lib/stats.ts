/** Median of a list of seconds (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "12.3x" for how many times slower b is than a. */
export function ratio(a: number, b: number): string {
  if (!(a > 0) || !Number.isFinite(b)) return '-';
  return `${(b / a).toFixed(1)}x`;
}

export function secs(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)} s` : '-';
}
