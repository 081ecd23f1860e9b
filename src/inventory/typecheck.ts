import { isRequiredMarker } from './required.ts';
import { clip, redactDeep } from '../vault/redact.ts';
import type { VarOrigins } from './types.ts';

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object';

/** The kind a role default declares, or null when the default (null, undefined) says nothing. */
function expectedKind(def: unknown): Kind | null {
  if (isRequiredMarker(def)) return def.kind;
  return kindOf(def);
}

function kindOf(v: unknown): Kind | null {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && v !== null) {
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null ? 'object' : null;
  }
  return null;
}

function article(kind: Kind): string {
  return kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}

const SHOWN = 60;

/** The value as the error shows it: kind and a short, redacted rendering. */
function shown(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  const kind = kindOf(v) ?? (v instanceof Date ? 'date' : typeof v);
  // Redacted before JSON escapes it and before it is cut to SHOWN characters: a vaulted value
  // longer than 57 characters, or one holding a quote, used to escape redaction here.
  const raw = typeof v === 'object' || typeof v === 'string' ? redactDeep(v) : v;
  return `${kind} ${clip(JSON.stringify(raw) ?? String(raw), SHOWN)}`;
}

// C0 controls (tab included) and DEL. A newline in a value becomes a new line in keepalived.conf,
// conntrackd.conf or a file a root shell sources; none of the roles' values spans lines.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Whether a string (or a string anywhere inside a list or mapping, keys included) holds one. */
function hasControl(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return CONTROL.test(v);
  if (depth > 32 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => hasControl(x, depth + 1));
  return Object.entries(v).some(([k, x]) => CONTROL.test(k) || hasControl(x, depth + 1));
}

/**
 * Picks the variables a role declares in its defaults from the merged variables of one host and
 * checks each against its default's runtime type (a `required.*()` marker carries the expected
 * kind). Strict on purpose: "150" is not a number. Values from `-e key=value` are already typed,
 * since parseExtraVars reads them as YAML scalars.
 */
export function checkRoleVars(
  role: string,
  host: string,
  defaults: object,
  merged: Record<string, unknown>,
  origins: VarOrigins = {},
): { vars: Record<string, unknown>; errors: string[] } {
  const vars: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, def] of Object.entries(defaults)) {
    const has = Object.prototype.hasOwnProperty.call(merged, key) && merged[key] !== undefined;
    const value = has ? merged[key] : def;
    Object.defineProperty(vars, key, { value, enumerable: true, writable: true, configurable: true });
    if (isRequiredMarker(value)) {
      errors.push(`${host}: variable ${key} is required by role ${role} but not set`);
      continue;
    }
    const want = expectedKind(def);
    const from = origins[key] ? ` from ${origins[key]}` : '';
    if (want !== null && kindOf(value) !== want) {
      errors.push(`${host}: variable ${key}${from} must be ${article(want)} (role ${role}), got ${shown(value)}`);
      continue;
    }
    // A role whose default spans lines (a banner, a script) declares that its value may.
    const multiLine = typeof def === 'string' && def.includes('\n');
    if (!multiLine && hasControl(value)) {
      errors.push(`${host}: variable ${key}${from} must not hold line breaks or control characters (role ${role}): it would add lines to a generated file, got ${shown(value)}`);
    }
  }
  return { vars, errors };
}
