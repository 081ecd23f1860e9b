import { Readable } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import type { Connection, ExecOptions, ExecResult } from './types.ts';
import { UnreachableError } from './types.ts';
import { quoteArgv } from './quote.ts';
import { sessionBound } from './session-bound.ts';
import { readControlFile } from './control-files.ts';
import { appendKnownHost, keyBlobType, lookupKnownHosts } from './known-hosts.ts';

export interface SshTarget {
  /** Inventory name, used in messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  knownHostsFile: string;
  /** Trust and record a host key on first contact; a changed key is still refused. */
  acceptNewHostKeys: boolean;
  /** Run commands through `sudo -n` (the user is not root). */
  become: boolean;
  connectTimeoutMs?: number;
}

/** Decides whether a presented host key is acceptable, and why not. */
function makeVerifier(t: SshTarget, rejection: { reason?: string }) {
  return (blob: Buffer): boolean => {
    const type = keyBlobType(blob);
    const key = blob.toString('base64');
    const known = lookupKnownHosts(t.knownHostsFile, t.address, t.port);
    if (known.some((k) => k.revoked && k.key === key)) {
      rejection.reason = `host key is marked @revoked in ${t.knownHostsFile}`;
      return false;
    }
    const trusted = known.filter((k) => !k.revoked);
    if (trusted.some((k) => k.type === type && k.key === key)) return true;
    if (trusted.length > 0) {
      const lines = trusted.map((k) => k.line).join(', ');
      rejection.reason = `host key (${type}) does not match ${t.knownHostsFile} line ${lines}: refusing (possible man-in-the-middle)`;
      return false;
    }
    if (t.acceptNewHostKeys) {
      appendKnownHost(t.knownHostsFile, t.address, t.port, type, key);
      return true;
    }
    rejection.reason = `no host key for ${t.address} in ${t.knownHostsFile} (first contact: pass --accept-new-host-keys)`;
    return false;
  };
}

export class SshConnection implements Connection {
  roundTrips = 0;
  private closed = false;
  private constructor(
    private readonly target: SshTarget,
    private readonly ssh: NodeSSH,
  ) {}

  get host(): string {
    return this.target.name;
  }

  static async open(t: SshTarget): Promise<SshConnection> {
    const ssh = new NodeSSH();
    const rejection: { reason?: string } = {};
    // Control-side files first, outside the try: a missing key is bad input (exit 1), not an unreachable host.
    const knownTypes = [...new Set(lookupKnownHosts(t.knownHostsFile, t.address, t.port).filter((k) => !k.revoked).map((k) => k.type))];
    const privateKey = t.privateKeyFile ? readControlFile({ path: t.privateKeyFile, what: 'private key file' }) : undefined;
    try {
      await ssh.connect({
        host: t.address,
        port: t.port,
        username: t.user,
        ...(privateKey !== undefined ? { privateKey } : { agent: process.env.SSH_AUTH_SOCK }),
        readyTimeout: t.connectTimeoutMs ?? 10_000,
        // A dead host (power loss: no RST ever comes) is noticed within 15 s; shorter windows
        // misfired on a loaded machine whose sshd answered late without being gone.
        keepaliveInterval: 3000,
        keepaliveCountMax: 5,
        hostVerifier: makeVerifier(t, rejection),
        // Ask for the key types known_hosts holds, as OpenSSH does, so a host with several keys is verified against the one we know.
        ...(knownTypes.length ? { algorithms: { serverHostKey: knownTypes as never } } : {}),
      });
    } catch (e) {
      ssh.dispose();
      throw new UnreachableError(t.name, rejection.reason ?? `ssh ${t.user}@${t.address}:${t.port}: ${(e as Error).message}`);
    }
    const conn = new SshConnection(t, ssh);
    ssh.connection?.on('close', () => {
      conn.closed = true;
    });
    return conn;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new UnreachableError(this.host, 'connection closed');
    // Bound to the session (session-bound.ts): a command whose connection dies ends with it.
    const bound = sessionBound(argv);
    const command = quoteArgv(this.target.become ? ['sudo', '-n', '--', ...bound] : bound);
    this.roundTrips++;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const stdin = opts.stdin === undefined ? undefined : typeof opts.stdin === 'string' ? opts.stdin : Readable.from([opts.stdin]);
    const connection = this.ssh.connection;
    let onClose: (() => void) | undefined;
    const lost = new Promise<never>((_, reject) => {
      onClose = () => reject(new UnreachableError(this.host, 'connection lost during a command'));
      connection?.once('close', onClose);
    });
    lost.catch(() => undefined);
    try {
      const r = await Promise.race([
        this.ssh.execCommand(command, {
          ...(stdin !== undefined ? { stdin } : {}),
          onStdout: (c) => out.push(c),
          onStderr: (c) => err.push(c),
          noTrim: true,
        }),
        lost,
      ]);
      const result: ExecResult = { code: r.code ?? 255, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (r.signal) result.signal = r.signal;
      return result;
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      throw new UnreachableError(this.host, (e as Error).message);
    } finally {
      if (onClose) connection?.removeListener('close', onClose);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ssh.dispose();
  }
}
