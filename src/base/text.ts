// C0 controls except tab and newline (messages may span lines), DEL, and C1 controls: a
// hostile file name or command output must not move the cursor or recolour the terminal.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Escapes control characters as \xNN (\r, ESC ... become visible text). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const SAFE = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/** POSIX sh quoting of one argument: single quotes, with embedded quotes closed and escaped. */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
