import { defineRole, sysctl as sysctlTask } from 'ts-play';
import { KERNEL_HARDENING, routingKeys } from './keys.ts';
import { sysctlDefaults, type SysctlVars } from './defaults.ts';
import { validateSysctl } from './validate.ts';

/**
 * Kernel settings of a NAT gateway, persisted in /etc/sysctl.d/ and set live. Keys the kernel
 * keeps read-only here (kernel.* and fs.* in a container, nf_conntrack_buckets outside the
 * initial namespace) are persisted and reported as warnings naming the key.
 */
export const sysctl = defineRole<SysctlVars>({
  name: 'sysctl',
  dir: import.meta.dirname,
  tags: ['kernel'],
  defaults: sysctlDefaults,
  validate: (v) => validateSysctl(v),
  tasks: ({ vars: v }) => [
    sysctlTask({ name: `sysctl ${v.sysctl_file} (forwarding, rp_filter, redirects, conntrack)`, file: v.sysctl_file, values: routingKeys(v) }),
    ...(v.sysctl_kernel_hardening
      ? [sysctlTask({ name: `sysctl ${v.sysctl_hardening_file} (kernel hardening)`, file: v.sysctl_hardening_file, values: KERNEL_HARDENING })]
      : []),
  ],
});

export default sysctl;
