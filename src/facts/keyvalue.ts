/**
 * key=value output, the most common shape of host state (systemctl show, os-release, the
 * gateway scripts' health lines, lynis reports): one parser for all of it.
 */

/** `key=value` lines; the last value of a repeated key wins, lines without `=` are skipped. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Blocks of key=value lines separated by blank lines (`systemctl show` of several units). */
export function parseKeyValueBlocks(text: string): Record<string, string>[] {
  return text.split(/\n\s*\n/).map(parseKeyValues).filter((kv) => Object.keys(kv).length > 0);
}

/** Every value of a key that may repeat (`warning[]=...` in a lynis report), in order. */
export function keyValues(text: string, key: string): string[] {
  const prefix = `${key}=`;
  return text.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
}
