import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import type { Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import { readControlFile } from './control-files.ts';
import { appendKnownHost, keyBlobType, lookupKnownHosts } from './known-hosts.ts';

// A dead host (power loss: no RST ever comes) is noticed within 15 s; shorter windows misfired
// on a loaded machine whose sshd answered late without being gone.
/**
 * Key exchanges in flight at once, over the whole process. A handshake is CPU on both ends and a
 * few round trips; hundreds started together share the CPU until none finishes within the
 * connect timeout (500 lab hosts at once: every one timed out at 10 s). Queued, each gets the CPU
 * it needs, and the connect timeout counts from its own start, so a slow host is still told
 * from a queue. Sessions, once open, are not limited here: --forks bounds those.
 * TSPLAY_SSH_HANDSHAKES overrides it (docs/benchmarks.md measures the default).
 */
export const HANDSHAKES = Number(process.env.TSPLAY_SSH_HANDSHAKES) > 0 ? Math.floor(Number(process.env.TSPLAY_SSH_HANDSHAKES)) : Math.max(16, 8 * availableParallelism());
const handshake = pLimit(HANDSHAKES);

export const KEEPALIVE_MS = 3000;
export const KEEPALIVE_COUNT = 5;

/** One SSH server to log in to: a target, or a jump host on the way to one. */
export interface SshEndpoint {
  /** Inventory name (or the jump host as written), used in messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  /** The inventory's key (ansible_ssh_private_key_file): it must exist. */
  privateKeyFile?: string;
  /** Keys the ssh config names (IdentityFile), tried after it; missing ones are skipped, as ssh skips them. */
  identityFiles?: string[];
}

/** Host key rules every hop of a connection is held to. */
export interface HostKeyPolicy {
  knownHostsFile: string;
  /** Trust and record a host key on first contact; a changed key is still refused. */
  acceptNewHostKeys: boolean;
  connectTimeoutMs?: number;
}

/** Decides whether a presented host key is acceptable, and why not. */
function makeVerifier(t: SshEndpoint, p: HostKeyPolicy, rejection: { reason?: string }) {
  return (blob: Buffer): boolean => {
    const type = keyBlobType(blob);
    const key = blob.toString('base64');
    const known = lookupKnownHosts(p.knownHostsFile, t.address, t.port);
    if (known.some((k) => k.revoked && k.key === key)) {
      rejection.reason = `host key is marked @revoked in ${p.knownHostsFile}`;
      return false;
    }
    const trusted = known.filter((k) => !k.revoked);
    if (trusted.some((k) => k.type === type && k.key === key)) return true;
    if (trusted.length > 0) {
      const lines = trusted.map((k) => k.line).join(', ');
      rejection.reason = `host key (${type}) does not match ${p.knownHostsFile} line ${lines}: refusing (possible man-in-the-middle)`;
      return false;
    }
    if (p.acceptNewHostKeys) {
      appendKnownHost(p.knownHostsFile, t.address, t.port, type, key);
      return true;
    }
    rejection.reason = `no host key for ${t.address} in ${p.knownHostsFile} (first contact: pass --accept-new-host-keys)`;
    return false;
  };
}

/** Keys first (the inventory's, then the ssh config's that exist), then the agent, as ssh offers them. */
function authMethods(e: SshEndpoint): Array<Record<string, unknown>> {
  // The configured key is read as a control-side file: missing, a directory or under /proc is bad
  // input (exit 1) named as such, not an unreachable host. ssh_config's IdentityFiles are tried
  // only where they exist, as ssh does.
  const files = [...new Set((e.identityFiles ?? []).filter((f) => existsSync(f) && f !== e.privateKeyFile))];
  const methods: Array<Record<string, unknown>> = [
    ...(e.privateKeyFile ? [{ type: 'publickey', username: e.user, key: readControlFile({ path: e.privateKeyFile, what: 'private key file' }) }] : []),
    ...files.map((f) => ({ type: 'publickey', username: e.user, key: readFileSync(f) })),
  ];
  if (process.env.SSH_AUTH_SOCK) methods.push({ type: 'agent', username: e.user, agent: process.env.SSH_AUTH_SOCK });
  return methods;
}

/**
 * Logs in to one endpoint, directly or over `sock` (a channel forwarded by the previous hop).
 * The host key is checked against known_hosts whichever way the bytes travel.
 */
export async function sshLogin(e: SshEndpoint, p: HostKeyPolicy, sock?: Duplex): Promise<NodeSSH> {
  // Imported at the first login: a run that contacts no host (--list-hosts, render) skips it.
  const ssh = new (await import('node-ssh')).NodeSSH();
  const rejection: { reason?: string } = {};
  const knownTypes = [...new Set(lookupKnownHosts(p.knownHostsFile, e.address, e.port).filter((k) => !k.revoked).map((k) => k.type))];
  try {
    await handshake(() => ssh.connect({
      ...(sock ? { sock } : { host: e.address, port: e.port }),
      username: e.user,
      authHandler: authMethods(e) as never,
      readyTimeout: p.connectTimeoutMs ?? 10_000,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT,
      hostVerifier: makeVerifier(e, p, rejection),
      // Ask for the key types known_hosts holds, as OpenSSH does, so a host with several keys is verified against the one we know.
      ...(knownTypes.length ? { algorithms: { serverHostKey: knownTypes as never } } : {}),
    }));
  } catch (err) {
    ssh.dispose();
    throw new SshLoginError(rejection.reason ?? `ssh ${e.user}@${e.address}:${e.port}: ${(err as Error).message}`);
  }
  // node-ssh listens for errors only while it connects or runs a command. A session that dies
  // between commands (a reset from a host that lost power or rebooted, five keepalives
  // unanswered) still emits 'error', and an event nobody listens to ends the whole run with
  // every other host's lock held. Its 'close' follows, and that is what marks the session lost.
  ssh.connection?.on('error', (err: Error) => {
    lostBy.set(ssh, err.message);
  });
  return ssh;
}

const lostBy = new WeakMap<NodeSSH, string>();

/** What ended a logged-in session while no command was running, if anything did. */
export function sessionError(ssh: NodeSSH): string | undefined {
  return lostBy.get(ssh);
}

/** Why one login failed; the caller names the host (and hop) it was for. */
export class SshLoginError extends Error {}

