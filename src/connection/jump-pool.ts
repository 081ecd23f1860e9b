import type { Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import { sshLogin, type HostKeyPolicy, type SshEndpoint } from './ssh-login.ts';

interface Hop {
  ssh: Promise<NodeSSH>;
  /** Connections (targets and later hops) riding on this hop. */
  users: number;
}

const hopKey = (chain: SshEndpoint[]): string => chain.map((h) => `${h.user}@${h.address}:${h.port}`).join(' > ');

/**
 * Jump host connections of one run, shared: every host behind a bastion rides on one login to
 * it (a forwarded channel each), as ssh's ControlMaster would give. A hop is closed when the
 * last connection through it closes. Each hop's host key is checked like a target's.
 */
export class JumpPool {
  private readonly hops = new Map<string, Hop>();
  private idleClose = false;

  /** A channel to address:port through `chain`, and the function that gives it back. */
  async tunnel(chain: SshEndpoint[], policy: HostKeyPolicy, address: string, port: number): Promise<{ stream: Duplex; release: () => void }> {
    // Every hop of the chain is in the pool once hop() returns (each asks for the one before it at once).
    const last = this.hop(chain, chain.length - 1, policy);
    const keys = chain.map((_, i) => hopKey(chain.slice(0, i + 1)));
    for (const k of keys) this.hopUsers(k, +1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      keys.forEach((k) => this.hopUsers(k, -1));
    };
    try {
      return { stream: await forward(await last, address, port, chain[chain.length - 1]!), release };
    } catch (e) {
      release();
      throw e;
    }
  }

  /** For a pool made for one connection: close each hop as soon as nothing uses it. */
  closeWhenUnused(): void {
    this.idleClose = true;
    for (const k of [...this.hops.keys()]) this.hopUsers(k, 0);
  }

  /** Closes every hop (the end of a run). */
  async close(): Promise<void> {
    const all = [...this.hops.values()];
    this.hops.clear();
    await Promise.all(all.map(async (h) => (await h.ssh.catch(() => undefined))?.dispose()));
  }

  private hopUsers(key: string, delta: number): void {
    const h = this.hops.get(key);
    if (!h) return;
    h.users += delta;
    if (h.users <= 0 && (delta < 0 || this.idleClose)) {
      this.hops.delete(key);
      h.ssh.then((s) => s.dispose(), () => undefined);
    }
  }

  private hop(chain: SshEndpoint[], i: number, policy: HostKeyPolicy): Promise<NodeSSH> {
    const key = hopKey(chain.slice(0, i + 1));
    let h = this.hops.get(key);
    if (!h) {
      const e = chain[i]!;
      const ssh = (async () => {
        const sock = i > 0 ? await forward(await this.hop(chain, i - 1, policy), e.address, e.port, chain[i - 1]!) : undefined;
        try {
          return await sshLogin(e, policy, sock);
        } catch (err) {
          throw new Error(`jump host ${e.name} (${e.user}@${e.address}:${e.port}): ${(err as Error).message}`);
        }
      })();
      h = { ssh, users: 0 };
      this.hops.set(key, h);
      // A failed hop is forgotten, so a later host tries it afresh rather than inheriting the failure for ever.
      ssh.catch(() => {
        if (this.hops.get(key) === h) this.hops.delete(key);
      });
      const conn = ssh.then((s) => s.connection, () => null);
      void conn.then((c) => c?.on('close', () => this.hops.get(key) === h && this.hops.delete(key)));
    }
    return h.ssh;
  }
}

/** A direct-tcpip channel from `via` to address:port (what `ssh -W` and ProxyJump use). */
function forward(via: NodeSSH, address: string, port: number, hop: SshEndpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const c = via.connection;
    if (!c) return reject(new Error(`jump host ${hop.name}: connection closed`));
    c.forwardOut('127.0.0.1', 0, address, port, (err: Error | undefined, stream: Duplex) => {
      if (err) reject(new Error(`jump host ${hop.name} could not reach ${address}:${port}: ${err.message}`));
      else resolve(stream);
    });
  });
}
