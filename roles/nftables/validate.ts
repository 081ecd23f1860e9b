import { isCidr } from 'ts-play';
import type { NftablesVars } from './defaults.ts';

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const IFACE = /^[A-Za-z0-9_.@-]{1,15}$/;
// Quoted into the kernel log prefix: no quotes, backslashes or control characters.
const PREFIX = /^[A-Za-z0-9 _.:-]{1,20}$/;

function port(name: string, v: number): string[] {
  return Number.isInteger(v) && v >= 1 && v <= 65535 ? [] : [`${name} must be a port number 1-65535, got ${JSON.stringify(v)}`];
}

function positive(name: string, v: number): string[] {
  return Number.isInteger(v) && v >= 1 ? [] : [`${name} must be a whole number >= 1, got ${JSON.stringify(v)}`];
}

/** The nftables role's own checks; each message names the variable. */
export function validateNftables(v: NftablesVars): string[] {
  const errors: string[] = [];
  if (!NAME.test(v.nftables_table)) errors.push(`nftables_table must be a name of letters, digits and _ (max 32), got ${JSON.stringify(v.nftables_table)}`);
  for (const k of ['lan_interface', 'wan_interface', 'sync_interface'] as const) {
    if (!IFACE.test(v[k])) errors.push(`${k} must be an interface name (max 15 characters), got ${JSON.stringify(v[k])}`);
  }
  if (new Set([v.lan_interface, v.wan_interface, v.sync_interface]).size < 3) errors.push('lan_interface, wan_interface and sync_interface must be three different interfaces');
  for (const k of ['mgmt_allow', 'metrics_allow'] as const) {
    const list = v[k];
    if (!Array.isArray(list) || list.length === 0) errors.push(`${k} must list at least one network (an empty list would lock everyone out)`);
    else for (const n of list) if (typeof n !== 'string' || !isCidr(n)) errors.push(`${k}: ${JSON.stringify(n)} is not an IPv4 network with prefix (e.g. 198.18.0.0/24)`);
  }
  errors.push(...port('conntrackd_port', v.conntrackd_port), ...port('nftables_ssh_port', v.nftables_ssh_port), ...port('nftables_metrics_port', v.nftables_metrics_port));
  for (const k of ['nftables_icmp_rate', 'nftables_icmp_burst', 'nftables_log_rate', 'nftables_log_burst'] as const) errors.push(...positive(k, v[k]));
  if (!PREFIX.test(v.nftables_log_prefix)) errors.push(`nftables_log_prefix must be 1-20 characters of letters, digits, space, _ . : -, got ${JSON.stringify(v.nftables_log_prefix)}`);
  const t = v.nftables_confirm_timeout;
  if (!Number.isInteger(t) || (t !== 0 && (t < 10 || t > 600))) errors.push(`nftables_confirm_timeout must be 0 (no guard) or 10-600 seconds, got ${JSON.stringify(t)}`);
  return errors;
}
