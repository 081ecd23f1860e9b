import { required } from '../inventory/required.ts';
import { ipv4Address } from './checks.ts';

/**
 * How the control side reaches a host: Ansible's connection variables, so an existing
 * inventory works unchanged. Read from the host's merged variables (they are connection
 * settings, not role variables), in this one place: the SSH connection and the roles that
 * must not lock the control side out (nftables, hardening) agree on the address and port.
 */
export interface ManagementAccess {
  /** Address the control side connects to (ansible_host, else the inventory name). */
  address: string;
  port: number;
  user: string;
}

export function managementAccess(host: string, vars: Record<string, unknown>): ManagementAccess {
  return {
    address: String(vars.ansible_host ?? host),
    port: Number(vars.ansible_port ?? 22),
    user: String(vars.ansible_user ?? 'root'),
  };
}

/** Role variables for the management network: spread into the defaults of a role that reads them. */
export const managementDefaults = {
  /** This node's management address (plain IP): daemons that serve the control side listen here. */
  mgmt_address: required.string(),
};

export type ManagementVars = typeof managementDefaults;

export function validateManagement(v: ManagementVars): string[] {
  return ipv4Address('mgmt_address', v.mgmt_address);
}
