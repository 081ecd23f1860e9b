import { InventoryError } from '../inventory/errors.ts';
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

/**
 * Refuses what ssh would misread: an empty ansible_host would connect to localhost and a bad
 * ansible_port to 22 (or nowhere); both are bad input naming the host and where the value came from.
 */
export function managementAccess(host: string, vars: Record<string, unknown>, origins: Record<string, string> = {}): ManagementAccess {
  const from = (k: string) => (origins[k] ? ` (${origins[k]})` : '');
  const h = vars.ansible_host;
  if (h !== undefined && (typeof h !== 'string' || h.trim() === '')) {
    throw new InventoryError(`${host}: ansible_host${from('ansible_host')} must be a host name or address, got ${h === null || h === '' ? 'nothing' : JSON.stringify(h)}`);
  }
  const p = vars.ansible_port;
  const port = p === undefined ? 22 : typeof p === 'number' ? p : typeof p === 'string' && /^\s*\d+\s*$/.test(p) ? Number(p) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InventoryError(`${host}: ansible_port${from('ansible_port')} must be a port from 1 to 65535, got ${JSON.stringify(p) ?? String(p)}`);
  }
  const u = vars.ansible_user;
  if (u !== undefined && (typeof u !== 'string' || u.trim() === '')) throw new InventoryError(`${host}: ansible_user${from('ansible_user')} is empty`);
  return { address: (h as string | undefined) ?? host, port, user: (u as string | undefined) ?? 'root' };
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
