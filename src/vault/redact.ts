/**
 * Every decrypted vault value is registered here as it is loaded; every output sink
 * (terminal, --diff, --json, errors, reports) passes its text through redact().
 * Redaction at the sinks, rather than at each call site, means a secret that reaches
 * a message by an unforeseen path is still caught.
 */
export const REDACTED = '<vaulted>';

/** Shorter values would blank out ordinary words; vault values this short are not secrets worth the name. */
const MIN_SECRET_LENGTH = 4;

const secrets = new Set<string>();
let pattern: RegExp | null = null;

export function registerSecret(value: string): void {
  for (const line of [value, ...value.split('\n')]) {
    const v = line.trim();
    if (v.length >= MIN_SECRET_LENGTH && !secrets.has(v)) {
      secrets.add(v);
      pattern = null;
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
