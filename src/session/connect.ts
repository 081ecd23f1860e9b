import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TsPlayError } from '../base/errors.ts';
import { jumpsFromSshArgs, parseJumpList, type JumpSpec } from '../connection/jump.ts';
import { JumpPool } from '../connection/jump-pool.ts';
import { SshConfig } from '../connection/ssh-config.ts';
import { SshConnection, type SshEndpoint, type SshTarget } from '../connection/ssh.ts';
import type { Connection } from '../connection/types.ts';
import { managementAccess } from '../vars/access.ts';

export interface ConnectSettings {
  knownHosts?: string;
  acceptNewHostKeys: boolean;
  /** The ssh client configuration (~/.ssh/config, or -F FILE); none read without it. */
  sshConfig?: SshConfig;
  /** Shares jump host connections between the hosts of a run. */
  jumpPool?: JumpPool;
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

const MAX_JUMP_DEPTH = 8;

/**
 * Jump hosts as OpenSSH expands `-J a,b`: each hop's HostName, User, Port and IdentityFile come
 * from the ssh config (the spec's own user and port win), and the first hop's own ProxyJump
 * leads the chain; later hops are reached through the hop before them, whatever their config says.
 */
function expandJumps(specs: JumpSpec[], config: SshConfig, depth: number): SshEndpoint[] {
  if (depth > MAX_JUMP_DEPTH) throw new TsPlayError(`jump hosts nested more than ${MAX_JUMP_DEPTH} deep (a ProxyJump loop in ${config.files.join(', ')}?)`);
  return specs.flatMap((spec, i) => {
    const c = config.resolve(spec.host);
    const own = i === 0 && c.proxyJump ? parseJumpList(c.proxyJump, c.where.proxyjump ?? 'ssh config') : 'none';
    const before = own === 'none' ? [] : expandJumps(own, config, depth + 1);
    const hop: SshEndpoint = {
      name: `${spec.user ? `${spec.user}@` : ''}${spec.host}${spec.port ? `:${spec.port}` : ''}`,
      address: c.hostname ?? spec.host,
      port: spec.port ?? c.port ?? 22,
      user: spec.user ?? c.user ?? userInfo().username,
      ...(spec.identityFile ? { privateKeyFile: pathVar(spec.identityFile, undefined)! } : {}),
      identityFiles: c.identityFiles,
    };
    return [...before, hop];
  });
}

/**
 * Ansible's connection variables, then the ssh config, with the precedence Ansible + OpenSSH
 * give them: ansible_host is the name ssh is asked for (so ssh config blocks match it and its
 * HostName applies); ansible_user, ansible_port and ansible_ssh_private_key_file are on ssh's
 * command line, so they beat User, Port and IdentityFile; -J or -o ProxyJump/ProxyCommand in
 * ansible_ssh_common_args (or _extra_args) beat ProxyJump. Bad values are bad input, named.
 */
export function sshTarget(host: string, vars: Record<string, unknown>, origins: Record<string, string>, s: ConnectSettings): SshTarget {
  const access = managementAccess(host, vars, origins);
  const config = s.sshConfig ?? SshConfig.empty();
  const c = config.resolve(access.address);
  const key = pathVar(vars.ansible_ssh_private_key_file, origins.ansible_ssh_private_key_file);
  const known = s.knownHosts ? resolve(s.knownHosts) : pathVar(vars.tsplay_known_hosts, origins.tsplay_known_hosts) ?? resolve(homedir(), '.ssh/known_hosts');
  const user = vars.ansible_user !== undefined ? access.user : c.user ?? access.user;
  const become = vars.ansible_become === true || (vars.ansible_become === undefined && user !== 'root');
  let spec: JumpSpec[] | 'none' | undefined;
  for (const k of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const v = vars[k];
    if (spec === undefined && typeof v === 'string' && v.trim()) spec = jumpsFromSshArgs(v, `${host}: ${k}${origins[k] ? ` (${origins[k]})` : ''}`);
  }
  spec ??= c.proxyJump ? parseJumpList(c.proxyJump, `${host}: ProxyJump (${c.where.proxyjump})`) : 'none';
  const jumps = spec === 'none' ? [] : expandJumps(spec, config, 0);
  return {
    name: host,
    address: c.hostname ?? access.address,
    port: vars.ansible_port !== undefined ? access.port : c.port ?? access.port,
    user,
    ...(key ? { privateKeyFile: key } : {}),
    identityFiles: c.identityFiles,
    knownHostsFile: known,
    acceptNewHostKeys: s.acceptNewHostKeys,
    become,
    ...(jumps.length ? { jumps } : {}),
    ...(s.jumpPool ? { jumpPool: s.jumpPool } : {}),
  };
}

export function sshConnect(target: SshTarget): Promise<Connection> {
  return SshConnection.open(target);
}

/** What a command line says about connecting: the same words for play, exec, copy and fetch. */
export interface ConnectOptions {
  acceptNewHostKeys: boolean;
  knownHosts?: string;
  /** ssh -F: this file instead of ~/.ssh/config and /etc/ssh/ssh_config. */
  sshConfig?: string;
}

/** Connections for a run: the ssh config read once, one jump pool, every target checked before the first connection. */
export class RunConnections {
  private readonly settings: ConnectSettings;
  private readonly pool = new JumpPool();
  private readonly targets = new Map<string, SshTarget>();

  constructor(o: ConnectOptions) {
    this.settings = {
      acceptNewHostKeys: o.acceptNewHostKeys,
      ...(o.knownHosts ? { knownHosts: o.knownHosts } : {}),
      sshConfig: SshConfig.load(o.sshConfig),
      jumpPool: this.pool,
    };
  }

  /** Resolves every host's target now, so a bad port, host or jump spec stops the run before any host is contacted. */
  prepare(hosts: Iterable<string>, vars: (host: string) => Record<string, unknown>, origins: (host: string) => Record<string, string>): void {
    for (const h of hosts) if (!this.targets.has(h)) this.targets.set(h, sshTarget(h, vars(h), origins(h), this.settings));
  }

  connect(host: string, vars: Record<string, unknown>, origins: Record<string, string> = {}): Promise<Connection> {
    return sshConnect(this.targets.get(host) ?? sshTarget(host, vars, origins, this.settings));
  }

  /** Closes the jump hosts' connections (the targets' are closed by whoever opened them). */
  close(): Promise<void> {
    return this.pool.close();
  }
}
