import { Readable, type Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import type { Connection, ExecOptions, ExecResult } from './types.ts';
import { UnreachableError } from './types.ts';
import { quoteArgv } from './quote.ts';
import { KEEPALIVE_COUNT, KEEPALIVE_MS, sessionError, sshLogin, type HostKeyPolicy, type SshEndpoint } from './ssh-login.ts';
import { JumpPool } from './jump-pool.ts';
import { sessionBound } from './session-bound.ts';

export type { HostKeyPolicy, SshEndpoint } from './ssh-login.ts';

export interface SshTarget extends SshEndpoint, HostKeyPolicy {
  /** Run commands through `sudo -n` (the user is not root). */
  become: boolean;
  /** Jump hosts, the first connected first (ProxyJump `a,b`); each one's host key is checked. */
  jumps?: SshEndpoint[];
  /** Shares jump connections between the hosts behind them; without it, each connection opens its own. */
  jumpPool?: JumpPool;
}

export class SshConnection implements Connection {
  roundTrips = 0;
  /** Commands that completed: none yet means the session has not started answering. */
  private answered = 0;
  private closed = false;
  private released = false;
  private constructor(
    private readonly target: SshTarget,
    private readonly ssh: NodeSSH,
    private readonly release: () => void,
  ) {}

  get host(): string {
    return this.target.name;
  }

  static async open(t: SshTarget): Promise<SshConnection> {
    let tunnel: { stream: Duplex; release: () => void } | undefined;
    if (t.jumps?.length) {
      const pool = t.jumpPool ?? new JumpPool();
      try {
        tunnel = await pool.tunnel(t.jumps, t, t.address, t.port);
      } catch (e) {
        throw new UnreachableError(t.name, (e as Error).message);
      } finally {
        if (!t.jumpPool) pool.closeWhenUnused();
      }
    }
    let ssh: NodeSSH;
    try {
      ssh = await sshLogin(t, t, tunnel?.stream);
    } catch (e) {
      tunnel?.release();
      const via = t.jumps?.length ? ` (through ${t.jumps.map((j) => j.name).join(', ')})` : '';
      throw new UnreachableError(t.name, `${(e as Error).message}${via}`);
    }
    const conn = new SshConnection(t, ssh, tunnel?.release ?? (() => undefined));
    ssh.connection?.on('close', () => {
      conn.closed = true;
    });
    return conn;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new UnreachableError(this.host, this.lostWhy('connection closed'));
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
      onClose = () => reject(new UnreachableError(this.host, this.lostWhy('connection lost during a command')));
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
      this.answered++;
      return result;
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      throw new UnreachableError(this.host, explainSshError((e as Error).message, this.answered));
    } finally {
      if (onClose) connection?.removeListener('close', onClose);
    }
  }

  /** How the session was lost, with the error that ended it when there was one (a reset, keepalives unanswered). */
  private lostWhy(what: string): string {
    const err = sessionError(this.ssh);
    return err ? `${what}: ${explainSshError(err, this.answered)}` : what;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ssh.dispose();
    if (!this.released) {
      this.released = true;
      this.release();
    }
  }
}

/**
 * ssh2's "Keepalive timeout" says only that 5 keepalives in a row went unanswered. Before any
 * command has answered, the login itself succeeded and the host stopped answering while it set
 * the session up: sshd opens the PAM session there, and on systemd hosts pam_systemd waits for
 * systemd-logind and the user's service manager (user@UID.service), which a stuck stop of that
 * service holds for up to its stop timeout. Other messages pass through unchanged.
 */
export function explainSshError(message: string, answeredBefore: number): string {
  if (!/keepalive timeout/i.test(message)) return message;
  const silence = `no answer for ${(KEEPALIVE_MS * KEEPALIVE_COUNT) / 1000} s`;
  if (answeredBefore === 0) {
    return `logged in, but the session never started (${silence} after authentication): the host's session setup is stuck; on systemd hosts see \`journalctl -u systemd-logind -u 'user@*'\` there`;
  }
  return `the connection went silent (${silence}, keepalive every ${KEEPALIVE_MS / 1000} s): the host or the path to it stopped answering`;
}
