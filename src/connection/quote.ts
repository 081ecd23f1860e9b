const SAFE = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/** POSIX sh quoting of one argument: single quotes, with embedded quotes closed and escaped. */
export function quote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quote).join(' ');
}
