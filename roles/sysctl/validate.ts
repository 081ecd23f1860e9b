import { interfaceName, wholeNumber } from 'ts-play';
import type { SysctlVars } from './defaults.ts';

const SYSCTL_D = /^\/etc\/sysctl\.d\/[A-Za-z0-9_.-]+\.conf$/;

export function validateSysctl(v: SysctlVars): string[] {
  const errors: string[] = [];
  for (const k of ['lan_interface', 'wan_interface'] as const) errors.push(...interfaceName(k, v[k]));
  for (const k of ['sysctl_file', 'sysctl_hardening_file'] as const) {
    if (!SYSCTL_D.test(v[k])) errors.push(`${k} must be a .conf file directly in /etc/sysctl.d/, got ${JSON.stringify(v[k])}`);
  }
  if (v.sysctl_file === v.sysctl_hardening_file) errors.push('sysctl_file and sysctl_hardening_file must be different files');
  errors.push(...wholeNumber('sysctl_rp_filter', v.sysctl_rp_filter, 0, 2));
  errors.push(...wholeNumber('sysctl_conntrack_max', v.sysctl_conntrack_max, 1024, 2 ** 30));
  if (v.sysctl_conntrack_buckets !== 0) errors.push(...wholeNumber('sysctl_conntrack_buckets', v.sysctl_conntrack_buckets, 1024, 2 ** 28));
  errors.push(...wholeNumber('sysctl_conntrack_tcp_loose', v.sysctl_conntrack_tcp_loose, 0, 1));
  if (v.sysctl_rp_filter === 1) errors.push('sysctl_rp_filter 1 (strict) drops asymmetric traffic around a VIP failover: use 2 (loose) or 0');
  for (const [k, val] of Object.entries(v.sysctl_extra ?? {})) {
    if (!/^[a-z0-9_]+(\.[A-Za-z0-9_:@/-]+)+$/.test(k)) errors.push(`sysctl_extra: ${JSON.stringify(k)} is not a sysctl key`);
    else if (/^(kernel|fs)\./.test(k)) errors.push(`sysctl_extra: ${k} is a global key: put kernel hardening in the hardening file, not the routing file`);
    if (typeof val !== 'number' && (typeof val !== 'string' || val.trim() === '' || /[\n\r]/.test(val))) errors.push(`sysctl_extra.${k} must be a number or a one-line string`);
  }
  return errors;
}
