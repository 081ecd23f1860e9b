import { isIP } from 'node:net';

/** IPv4 addresses and networks as inventories write them: plain ("198.18.1.2") or CIDR ("198.18.1.2/24"). */

/** Address part of a CIDR string. */
export function ipOf(cidr: string): string {
  return cidr.split('/')[0]!;
}

export function prefixOf(cidr: string): number {
  return Number(cidr.split('/')[1] ?? 32);
}

function toInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function fromInt(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIpv4(ip: string): boolean {
  try {
    toInt(ip);
    return true;
  } catch {
    return false;
  }
}

export function isCidr(cidr: string): boolean {
  const [ip, len, extra] = cidr.split('/');
  const n = Number(len);
  return extra === undefined && ip !== undefined && isIpv4(ip) && Number.isInteger(n) && n >= 0 && n <= 32;
}

/** The network a CIDR address belongs to, e.g. 198.18.1.2/24 -> 198.18.1.0/24. */
export function networkOf(cidr: string): string {
  const len = prefixOf(cidr);
  const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  return `${fromInt((toInt(ipOf(cidr)) & mask) >>> 0)}/${len}`;
}

export function inSubnet(ip: string, cidr: string): boolean {
  return networkOf(`${ip}/${prefixOf(cidr)}`) === networkOf(cidr);
}

/** A plain IPv6 address ("2001:2:0:10::1"), as Node's own parser reads it. */
export function isIpv6(ip: string): boolean {
  return isIP(ip) === 6;
}
