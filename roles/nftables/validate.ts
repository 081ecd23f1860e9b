import { absolutePath, confirmTimeout, isCidr, portNumber, wholeNumber } from 'ts-play';
import type { NftablesVars } from './defaults.ts';

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
// Quoted into the kernel log prefix: no quotes, backslashes or control characters.
const PREFIX = /^[A-Za-z0-9 _.:-]{1,20}$/;


/** The nftables role's own checks; each message names the variable. */
export function validateNftables(v: NftablesVars): string[] {
  const errors: string[] = [];
  if (!NAME.test(v.nftables_table)) errors.push(`nftables_table must be a name of letters, digits and _ (max 32), got ${JSON.stringify(v.nftables_table)}`);
  // The interface names themselves are checked by validateNetwork, which this role runs too.
  if (new Set([v.lan_interface, v.wan_interface, v.sync_interface]).size < 3) errors.push('lan_interface, wan_interface and sync_interface must be three different interfaces');
  for (const k of ['mgmt_allow', 'metrics_allow'] as const) {
    const list = v[k];
    if (!Array.isArray(list) || list.length === 0) errors.push(`${k} must list at least one network (an empty list would lock everyone out)`);
    else for (const n of list) if (typeof n !== 'string' || !isCidr(n)) errors.push(`${k}: ${JSON.stringify(n)} is not an IPv4 network with prefix (e.g. 198.18.0.0/24)`);
  }
  errors.push(...portNumber('conntrackd_port', v.conntrackd_port), ...portNumber('nftables_ssh_port', v.nftables_ssh_port), ...portNumber('nftables_metrics_port', v.nftables_metrics_port));
  for (const k of ['nftables_icmp_rate', 'nftables_icmp_burst', 'nftables_log_rate', 'nftables_log_burst'] as const) errors.push(...wholeNumber(k, v[k], 1));
  if (!PREFIX.test(v.nftables_log_prefix)) errors.push(`nftables_log_prefix must be 1-20 characters of letters, digits, space, _ . : -, got ${JSON.stringify(v.nftables_log_prefix)}`);
  errors.push(...confirmTimeout('nftables_confirm_timeout', v.nftables_confirm_timeout));
  errors.push(...wholeNumber('nftables_hold_max', v.nftables_hold_max, 5, 600));
  errors.push(...wholeNumber('nftables_hold_guard_interval', v.nftables_hold_guard_interval, 1, 60));
  if (v.keepalived_vip_mode !== 'arp' && v.keepalived_vip_mode !== 'bgp') errors.push(`keepalived_vip_mode must be arp or bgp, got ${JSON.stringify(v.keepalived_vip_mode)}`);
  return errors;
}
