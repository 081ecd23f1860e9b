/**
 * Checks of role variables that several roles make: each returns its error messages (none when
 * the value is fine), every message naming the variable and the value, so a role's validate
 * reads as a list and users see the same wording whichever role refused the value.
 */
import { isIpv4 } from './ip.ts';
import { redactDeep } from '../vault/redact.ts';

/** The value as messages quote it, redacted before JSON escapes it (a vaulted value may hold a quote). */
export const show = (v: unknown) => JSON.stringify(typeof v === 'string' || typeof v === 'object' ? redactDeep(v) : v);

export function wholeNumber(name: string, v: unknown, min: number, max?: number): string[] {
  const ok = Number.isInteger(v) && (v as number) >= min && (max === undefined || (v as number) <= max);
  return ok ? [] : [`${name} must be a whole number ${max === undefined ? `>= ${min}` : `${min}-${max}`}, got ${show(v)}`];
}

export function portNumber(name: string, v: unknown): string[] {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535 ? [] : [`${name} must be a port number 1-65535, got ${show(v)}`];
}

const IFACE = /^[A-Za-z0-9_.@-]{1,15}$/;

export function interfaceName(name: string, v: unknown): string[] {
  return typeof v === 'string' && IFACE.test(v) ? [] : [`${name} must be an interface name (max 15 characters), got ${show(v)}`];
}

export function absolutePath(name: string, v: unknown): string[] {
  return typeof v === 'string' && v.startsWith('/') ? [] : [`${name} must be an absolute path, got ${show(v)}`];
}

/** A plain IPv4 address (a CIDR's prefix is ignored: "198.18.0.11/24" passes). */
export function ipv4Address(name: string, v: unknown): string[] {
  return typeof v === 'string' && isIpv4(v.split('/')[0]!) ? [] : [`${name} must be an IPv4 address, got ${show(v)}`];
}

/** The window a guarded change (firewall, sshd) waits for the control side to log in again. */
export function confirmTimeout(name: string, v: unknown): string[] {
  const ok = Number.isInteger(v) && (v === 0 || ((v as number) >= 10 && (v as number) <= 600));
  return ok ? [] : [`${name} must be 0 (no guard) or 10-600 seconds, got ${show(v)}`];
}
