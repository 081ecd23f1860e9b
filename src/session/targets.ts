import { LocalConnection } from '../connection/local.ts';
import { checkControlFile } from '../connection/control-files.ts';
import type { Connection } from '../connection/types.ts';
import { TsPlayError } from '../base/errors.ts';
import { sshConnect, sshTarget, type ConnectSettings } from './connect.ts';

/**
 * Ansible's `ansible_connection: local`: the host is this machine and its commands run here,
 * as ts-play's own user, bound to ts-play's life as SSH commands are to their session.
 */
export function isLocalTarget(vars: Record<string, unknown>): boolean {
  return vars.ansible_connection === 'local';
}

export function connectHost(host: string, vars: Record<string, unknown>, origins: Record<string, string>, s: ConnectSettings): Promise<Connection> {
  if (isLocalTarget(vars)) return Promise.resolve(new LocalConnection(host, { bound: true }));
  return sshConnect(sshTarget(host, vars, origins, s));
}

export interface TargetHost {
  host: string;
  vars: Record<string, unknown>;
  origins: Record<string, string>;
}

const from = (origin: string | undefined) => (origin ? ` from ${origin}` : '');

/**
 * The control-side files every SSH connection of the run will read, checked before the first
 * connection: a missing key file or a known_hosts that is a directory, a fifo or under /proc is
 * bad input (exit 1) naming the file and where it was set, not an unreachable host.
 */
export function preflightTargets(hosts: TargetHost[], s: ConnectSettings): void {
  const seen = new Set<string>();
  for (const { host, vars, origins } of hosts) {
    const kind = vars.ansible_connection;
    if (kind !== undefined && kind !== 'ssh' && kind !== 'local') {
      throw new TsPlayError(`${host}: ansible_connection${from(origins.ansible_connection)} is ${JSON.stringify(kind)}: ts-play connects by ssh or local`);
    }
    if (isLocalTarget(vars)) continue;
    const t = sshTarget(host, vars, origins, s);
    if (t.privateKeyFile && !seen.has(`key ${t.privateKeyFile}`)) {
      seen.add(`key ${t.privateKeyFile}`);
      checkControlFile({ path: t.privateKeyFile, what: `private key file (ansible_ssh_private_key_file of ${host}${from(origins.ansible_ssh_private_key_file)})` });
    }
    if (!seen.has(`known ${t.knownHostsFile}`)) {
      seen.add(`known ${t.knownHostsFile}`);
      const by = s.knownHosts ? '--known-hosts' : vars.tsplay_known_hosts !== undefined ? `tsplay_known_hosts${from(origins.tsplay_known_hosts)}` : 'the default';
      checkControlFile({ path: t.knownHostsFile, what: `known_hosts file (${by})` }, true);
    }
  }
}
