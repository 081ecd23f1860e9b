import { ifaceKey } from 'ts-play';
import type { SysctlVars } from './defaults.ts';


export function conntrackBuckets(v: SysctlVars): number {
  return v.sysctl_conntrack_buckets > 0 ? v.sysctl_conntrack_buckets : Math.ceil(v.sysctl_conntrack_max / 4);
}

/** Routing, anti-spoofing and conntrack sizing for a NAT gateway, in the order they are written. */
export function routingKeys(v: SysctlVars): Record<string, number | string> {
  const keys: Record<string, number | string> = { 'net.ipv4.ip_forward': 1 };
  for (const scope of ['all', 'default', ifaceKey(v.lan_interface), ifaceKey(v.wan_interface)]) keys[`net.ipv4.conf.${scope}.rp_filter`] = v.sysctl_rp_filter;
  for (const scope of ['all', 'default']) {
    Object.assign(keys, {
      [`net.ipv4.conf.${scope}.accept_redirects`]: 0,
      [`net.ipv4.conf.${scope}.secure_redirects`]: 0,
      [`net.ipv4.conf.${scope}.send_redirects`]: 0,
      [`net.ipv4.conf.${scope}.accept_source_route`]: 0,
      [`net.ipv4.conf.${scope}.log_martians`]: 1,
      [`net.ipv6.conf.${scope}.accept_redirects`]: 0,
      [`net.ipv6.conf.${scope}.accept_source_route`]: 0,
    });
  }
  Object.assign(keys, {
    'net.ipv4.tcp_syncookies': 1,
    'net.ipv4.icmp_echo_ignore_broadcasts': 1,
    'net.ipv4.icmp_ignore_bogus_error_responses': 1,
    'net.netfilter.nf_conntrack_max': v.sysctl_conntrack_max,
    'net.netfilter.nf_conntrack_buckets': conntrackBuckets(v),
    'net.netfilter.nf_conntrack_tcp_loose': v.sysctl_conntrack_tcp_loose,
  });
  return { ...keys, ...v.sysctl_extra };
}

/**
 * dev-sec os_hardening's kernel keys that do not get in a router's way (its ip_forward=0 is
 * the one a NAT gateway must not take). Global to the machine: never set from the lab.
 */
export const KERNEL_HARDENING: Record<string, number> = {
  'kernel.kptr_restrict': 2,
  'kernel.dmesg_restrict': 1,
  'kernel.yama.ptrace_scope': 1,
  'kernel.randomize_va_space': 2,
  'kernel.sysrq': 0,
  'kernel.core_uses_pid': 1,
  'fs.suid_dumpable': 0,
  'fs.protected_hardlinks': 1,
  'fs.protected_symlinks': 1,
};
