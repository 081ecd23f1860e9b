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

// Linux takes 1-15 bytes without '/', ':' or white space; these are the ones config files and
// sysctl keys carry without quoting ("." and ".." name directories, not interfaces).
const IFACE = /^[A-Za-z0-9_.@-]{1,15}$/;

export function interfaceName(name: string, v: unknown): string[] {
  return typeof v === 'string' && IFACE.test(v) && v !== '.' && v !== '..' ? [] : [`${name} must be an interface name (max 15 characters), got ${show(v)}`];
}

/**
 * Paths land in keepalived.conf, conntrackd.conf, unit files and sourced shell files, where a
 * space splits a word, a quote ends a string and a newline starts a new directive: an absolute
 * path of portable file-name characters only.
 */
const PATH = /^\/[A-Za-z0-9._+@%:=,~\/-]*$/;

export function absolutePath(name: string, v: unknown): string[] {
  if (typeof v === 'string' && PATH.test(v)) return [];
  const why = typeof v === 'string' && v.startsWith('/') ? ' of letters, digits and / . _ - + @ % : = , ~ (no spaces, quotes, shell characters or control characters)' : '';
  return [`${name} must be an absolute path${why}, got ${show(v)}`];
}

// RFC 1123 labels (letters, digits, inner hyphens, 1-63 each, 253 in all), plus '_', which
// Ansible inventories and Linode labels allow. Nothing that could end a line or a word.
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

export function isHostName(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 253 && v.split('.').every((l) => LABEL.test(l));
}

/** A host name (an inventory name lands in every generated file's header and in router_id). */
export function hostName(name: string, v: unknown): string[] {
  return isHostName(v) ? [] : [`${name} must be a host name (RFC 1123 labels of letters, digits, - and _, separated by dots), got ${show(v)}`];
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
