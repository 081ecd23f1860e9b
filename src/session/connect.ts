import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { SshConnection, type SshTarget } from '../connection/ssh.ts';
import type { Connection } from '../connection/types.ts';
import { managementAccess } from '../vars/access.ts';

export interface ConnectSettings {
  knownHosts?: string;
  acceptNewHostKeys: boolean;
}

/**
 * A path variable relative to the file that set it (e.g. a key file next to the inventory),
 * as a reader of that file would expect, whatever the current directory. `origin` is the
 * variable's origin as the inventory records it ("inventory/lab.yml:12").
 */
export function pathVar(value: unknown, origin: string | undefined): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.startsWith('~/')) return resolve(homedir(), value.slice(2));
  if (isAbsolute(value)) return value;
  const file = origin?.replace(/:\d+(:\d+)?$/, '');
  return file && file !== '-e' ? resolve(dirname(file), value) : resolve(value);
}

/** Ansible's connection variables, so an existing inventory works unchanged. */
export function sshTarget(host: string, vars: Record<string, unknown>, origins: Record<string, string>, s: ConnectSettings): SshTarget {
  const { address, port, user } = managementAccess(host, vars);
  const key = pathVar(vars.ansible_ssh_private_key_file, origins.ansible_ssh_private_key_file);
  const known = s.knownHosts ? resolve(s.knownHosts) : pathVar(vars.tsplay_known_hosts, origins.tsplay_known_hosts) ?? resolve(homedir(), '.ssh/known_hosts');
  const become = vars.ansible_become === true || (vars.ansible_become === undefined && user !== 'root');
  return {
    name: host,
    address,
    port,
    user,
    ...(key ? { privateKeyFile: key } : {}),
    knownHostsFile: known,
    acceptNewHostKeys: s.acceptNewHostKeys,
    become,
  };
}

export function sshConnect(target: SshTarget): Promise<Connection> {
  return SshConnection.open(target);
}
