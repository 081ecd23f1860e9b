import { TsPlayError } from '../base/errors.ts';

/**
 * Bad inventory, vars file, pattern or -e input. The CLI prints `message` alone: it already
 * names the file and line (or host, group, variable), so no stack trace is shown for bad input.
 */
export class InventoryError extends TsPlayError {}

/** Shows a path relative to the working directory when it lies below it, as users typed it. */
export function displayPath(abs: string, cwd: string): string {
  if (abs.startsWith(cwd + '/')) return abs.slice(cwd.length + 1);
  return abs;
}
