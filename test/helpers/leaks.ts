/**
 * Every 8-character piece of `secret` (as it is, and as JSON escapes it) that shows in `text`:
 * what a redaction that ran after some escaping or cutting lets through. Empty when none does.
 */
export function leaksOf(secret: string, text: string, step = 3): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i += step) {
    const piece = secret.slice(i, i + 8);
    if (text.includes(piece) || text.includes(JSON.stringify(piece).slice(1, -1))) out.push(piece);
  }
  return out;
}
