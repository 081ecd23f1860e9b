/**
 * Splitting a host pattern into parts exactly as Ansible's `split_host_pattern` does, because the
 * split decides which hosts a `--limit` touches: with a comma anywhere, only commas separate (a
 * colon stays inside its part); without one, a pattern that parses as one host address (a name,
 * an IP, `name:port`, `name[1:3]`) stays whole; otherwise colons and white space separate, except
 * inside a bracketed expression (`gateways[0:1]`).
 */

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const V6 = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const V4 = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w under re.UNICODE: letters, digits and the underscore of any script.
const W = String.raw`[\p{L}\p{N}_]`;
const LABEL = `(?:${W}|${ALNUM_RANGE})(?:${W}|-|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const IPV4 = new RegExp(`^(?:${V4}\\.){3}${V4}$`, 'i');
const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${V6}:){7}${V6}`,
      `(?:${V6}:){1,6}:`,
      `(?:${V6}:)(?::${V6}){1,6}`,
      `(?:${V6}:){2}(?::${V6}){1,5}`,
      `(?:${V6}:){3}(?::${V6}){1,4}`,
      `(?:${V6}:){4}(?::${V6}){1,3}`,
      `(?:${V6}:){5}(?::${V6}){1,2}`,
      `(?:${V6}:){6}(?::${V6})`,
      `:(?::${V6}){1,6}`,
      `${V6}?::`,
      `(?:0:){6}(?:${V6}\\.){3}${V6}`,
      `::(?:ffff:)?(?:${V6}\\.){3}${V6}`,
      `(?:0:){5}ffff:(?:${V6}\\.){3}${V6}`,
    ].join('|') +
    ')$',
  'i',
);
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu');

/** Ansible's `parse_address(pattern, allow_ranges=True)` succeeding: one host, maybe with a port. */
export function isHostAddress(text: string): boolean {
  let address = text;
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(address);
    if (m) address = m[1]!;
  }
  return IPV4.test(address) || IPV6.test(address) || HOSTNAME.test(address);
}

const COLON_PARTS = /(?:[^\s:[\]]|\[[^\]]*\])+/g;

export function splitPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isHostAddress(pattern)) parts = [pattern];
  else parts = pattern.match(COLON_PARTS) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Regular parts first, then `&` intersections, then `!` exclusions; only modifiers means `all` first. */
export function orderParts(parts: string[]): string[] {
  const regular = parts.filter((p) => p[0] !== '!' && p[0] !== '&');
  const and = parts.filter((p) => p[0] === '&');
  const not = parts.filter((p) => p[0] === '!');
  return [...(regular.length ? regular : ['all']), ...and, ...not];
}

/** `fnmatch.translate`: `*`, `?`, `[set]`, `[!set]`, matched against the whole name, case-sensitive. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      else if (body.startsWith('^')) body = '\\' + body;
      re += `[${body}]`;
      i = j;
    } else re += ch.replace(/[.+^${}()|\\\]/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

/**
 * `~regex` as Python's `re.match`: anchored at the start of the name only (`~gw` matches `gw10`).
 * Python-only spellings of named groups are translated; anything else JavaScript reads the same.
 */
export function pythonMatchRegExp(source: string): RegExp {
  const js = source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  return new RegExp(`^(?:${js})`);
}

// Ansible's PATTERN_WITH_SUBSCRIPT: `expr[i]`, `expr[i:j]`, `expr[i:]` (and the old `[i-j]`).
const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;

export interface Subscript {
  start: number;
  /** Inclusive end; undefined for a single index. */
  end?: number;
}

export function splitSubscript(part: string): { expr: string; subscript?: Subscript } {
  if (part.startsWith('~')) return { expr: part };
  const m = SUBSCRIPT.exec(part);
  if (!m) return { expr: part };
  if (m[2] !== undefined) return { expr: m[1]!, subscript: { start: Number(m[2]) } };
  const end = m[5] ? Number(m[5]) : -1;
  // As Ansible: an end of 0 reads as "no end", i.e. the single host at start.
  return { expr: m[1]!, subscript: end === 0 ? { start: Number(m[3]) } : { start: Number(m[3]), end } };
}
