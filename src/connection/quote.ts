import { shellQuote } from '../base/text.ts';

/** POSIX sh quoting of one argument: single quotes, with embedded quotes closed and escaped. */
export const quote = shellQuote;

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quote).join(' ');
}

/** The inverse of quoteArgv, for its own output only (bare safe words and single-quoted parts). */
export function unquoteArgv(s: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === ' ') {
      if (word !== undefined) out.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated quote in ${JSON.stringify(s.slice(0, 80))}`);
      word = (word ?? '') + s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '\\' && s[i + 1] === "'") {
      word = (word ?? '') + "'";
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== undefined) out.push(word);
  return out;
}
