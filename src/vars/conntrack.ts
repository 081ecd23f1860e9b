/**
 * The kernel's conntrack table size as the inventory gives it. The sysctl role writes it
 * (`sysctl_conntrack_max`, or an Ansible-style `nf_conntrack_max`) and the conntrackd role sizes
 * its cache from it, so both read it here; a host without either falls back to the caller's own
 * variable, named so an error message points at what to change.
 */
export function kernelConntrackMax(hostVars: Record<string, unknown>, own: { name: string; value: number }): { name: string; value: unknown } {
  for (const name of ['sysctl_conntrack_max', 'nf_conntrack_max']) {
    if (hostVars[name] !== undefined) return { name, value: hostVars[name] };
  }
  return own;
}
