/**
 * Every decrypted vault value is registered here as it is loaded; every output sink
 * (terminal, --diff, --json, errors, reports) passes its text through redact().
 * Redaction at the sinks, rather than at each call site, means a secret that reaches
 * a message by an unforeseen path is still caught. It lives in base so that the lowest
 * layers (a failing command's stderr, cut to its end) can redact before they cut.
 */
import { escapeControl, shellQuote } from './text.ts';

export const REDACTED = '<vaulted>';

/** Shorter values would blank out ordinary words; vault values this short are not secrets worth the name. */
const MIN_SECRET_LENGTH = 4;

const secrets = new Set<string>();
let pattern: RegExp | null = null;

/**
 * The forms a secret takes once a message has escaped or quoted it: inside sh single quotes
 * (an argv shown in a task name or an error), inside a JSON string (a type error quoting the
 * value) and with its control characters escaped (the terminal's view). Text that was escaped
 * before it reached redact() is still caught.
 */
function escapedForms(v: string): string[] {
  const quoted = shellQuote(v);
  return [
    v,
    quoted.startsWith("'") ? quoted.slice(1, -1) : quoted,
    JSON.stringify(v).slice(1, -1),
    escapeControl(v),
  ];
}

export function registerSecret(value: string): void {
  for (const line of [value, ...value.split('\n')]) {
    const v = line.trim();
    if (v.length < MIN_SECRET_LENGTH) continue;
    for (const form of escapedForms(v)) {
      if (!secrets.has(form)) {
        secrets.add(form);
        pattern = null;
      }
    }
  }
}

export function redact(text: string): string {
  if (secrets.size === 0) return text;
  if (!pattern) {
    // Longest first so a secret that contains another is replaced whole.
    const alts = [...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(alts.join('|'), 'g');
  }
  return text.replace(pattern, REDACTED);
}

/**
 * Redacts, then cuts to at most `max` characters (keeping the start, or the end where the
 * cause of a failure usually is). Cutting first could split a secret and let half of it
 * through: the half no longer matches.
 */
export function clip(text: string, max: number, keep: 'start' | 'end' = 'start', ellipsis = keep === 'start' ? '...' : '…'): string {
  const r = redact(text);
  if (r.length <= max) return r;
  return keep === 'start' ? `${r.slice(0, Math.max(0, max - ellipsis.length))}${ellipsis}` : `${ellipsis}${r.slice(-max)}`;
}

/**
 * Redacts every string inside a JSON-able value (for --json and reports). It walks the value
 * rather than redacting its JSON text: JSON escapes `"` and `\`, so a secret holding either
 * would not match in serialised form.
 */
export function redactDeep<T>(value: T): T {
  return walk(JSON.parse(JSON.stringify(value) ?? 'null')) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), walk(v)]));
  }
  return value;
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  pattern = null;
}
