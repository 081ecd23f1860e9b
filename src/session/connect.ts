import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TsPlayError } from '../base/errors.ts';
import { jumpsFromSshArgs, parseJumpList, type JumpSpec } from '../connection/jump.ts';
import { JumpPool } from '../connection/jump-pool.ts';
import { SshConfig } from '../connection/ssh-config.ts';
import { SshConnection, type SshEndpoint, type SshTarget } from '../connection/ssh.ts';
import { LocalConnection } from '../connection/local.ts';
import { checkControlFile } from '../connection/control-files.ts';
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

const from = (origin: string | undefined) => (origin ? ` from ${origin}` : '');

/** ssh (the default) or local; anything else is bad input, named. */
function checkConnectionKind(host: string, vars: Record<string, unknown>, origins: Record<string, string>): 'ssh' | 'local' {
  const kind = vars.ansible_connection;
  if (kind === undefined || kind === 'ssh') return 'ssh';
  if (kind === 'local') return 'local';
  throw new TsPlayError(`${host}: ansible_connection${from(origins.ansible_connection)} is ${JSON.stringify(kind)}: ts-play connects by ssh or local`);
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
  private readonly local = new Set<string>();
  private readonly checked = new Set<string>();

  constructor(o: ConnectOptions) {
    this.settings = {
      acceptNewHostKeys: o.acceptNewHostKeys,
      ...(o.knownHosts ? { knownHosts: o.knownHosts } : {}),
      sshConfig: SshConfig.load(o.sshConfig),
      jumpPool: this.pool,
    };
  }

  /**
   * Resolves every host's target now, so a bad port, host or jump spec, a missing key file or a
   * known_hosts that is not a readable file stops the run before any host is contacted (bad
   * input, exit 1, naming the file and where it was set), never later as an unreachable host.
   */
  prepare(hosts: Iterable<string>, vars: (host: string) => Record<string, unknown>, origins: (host: string) => Record<string, string>): void {
    for (const h of hosts) {
      if (this.targets.has(h) || this.local.has(h)) continue;
      const v = vars(h);
      const o = origins(h);
      if (checkConnectionKind(h, v, o) === 'local') {
        this.local.add(h);
        continue;
      }
      const t = sshTarget(h, v, o, this.settings);
      this.checkFiles(h, t, v, o);
      this.targets.set(h, t);
    }
  }

  private checkFiles(host: string, t: SshTarget, vars: Record<string, unknown>, origins: Record<string, string>): void {
    if (t.privateKeyFile && !this.checked.has(`key ${t.privateKeyFile}`)) {
      this.checked.add(`key ${t.privateKeyFile}`);
      checkControlFile({ path: t.privateKeyFile, what: `private key file (ansible_ssh_private_key_file of ${host}${from(origins.ansible_ssh_private_key_file)})` });
    }
    if (!this.checked.has(`known ${t.knownHostsFile}`)) {
      this.checked.add(`known ${t.knownHostsFile}`);
      const by = this.settings.knownHosts ? '--known-hosts' : vars.tsplay_known_hosts !== undefined ? `tsplay_known_hosts${from(origins.tsplay_known_hosts)}` : 'the default';
      checkControlFile({ path: t.knownHostsFile, what: `known_hosts file (${by})` }, true);
    }
  }

  connect(host: string, vars: Record<string, unknown>, origins: Record<string, string> = {}): Promise<Connection> {
    // Ansible's `ansible_connection: local`: this machine, bound to ts-play's life as SSH commands are to their session.
    if (this.local.has(host) || checkConnectionKind(host, vars, origins) === 'local') return Promise.resolve(new LocalConnection(host, { bound: true }));
    return sshConnect(this.targets.get(host) ?? sshTarget(host, vars, origins, this.settings));
  }

  /** Closes the jump hosts' connections (the targets' are closed by whoever opened them). */
  close(): Promise<void> {
    return this.pool.close();
  }
}
