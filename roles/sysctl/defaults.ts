import { networkDefaults } from 'ts-play';

export const sysctlDefaults = {
  /** The interfaces that get their own rp_filter (the effective value is max(all, interface)). */
  lan_interface: networkDefaults.lan_interface,
  wan_interface: networkDefaults.wan_interface,
  /** Persisted routing and conntrack keys. */
  sysctl_file: '/etc/sysctl.d/60-nat-gateway.conf',
  /** Persisted kernel.* / fs.* hardening keys (global: read-only inside containers, reported as warnings there). */
  sysctl_hardening_file: '/etc/sysctl.d/62-kernel-hardening.conf',
  /** 2 = loose (RFC 3704): strict mode drops the asymmetric replies a VIP pair sees during failover. */
  sysctl_rp_filter: 2,
  /** Size of the connection table: the conntrackd role's HashLimit must be at least twice this. */
  sysctl_conntrack_max: 262144,
  /** Hash buckets; 0 means sysctl_conntrack_max / 4. Writable only in the initial network namespace. */
  sysctl_conntrack_buckets: 0,
  /** 1 lets a node that took over pick up established TCP flows mid-stream. */
  sysctl_conntrack_tcp_loose: 1,
  /** Write the kernel.* / fs.* hardening file (dev-sec's router-compatible list). */
  sysctl_kernel_hardening: true,
  /** More keys for the routing file, e.g. { "net.core.somaxconn": 4096 }. */
  sysctl_extra: {} as Record<string, string | number>,
};

export type SysctlVars = typeof sysctlDefaults;
