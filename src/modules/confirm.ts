import { connect } from 'node:net';
import type { Connection } from '../connection/types.ts';

/**
 * Proves that a host can still be reached from the control side after an activation. Throws
 * (with the reason) when it cannot. Runs with a deadline: a firewall that drops packets makes a
 * connection attempt hang, not fail.
 */
export type Confirm = (ctx: { host: string; conn: Connection; timeoutMs: number }) => Promise<void>;

/** Opens a brand-new session to a host with the settings of the running one. */
export type Reconnect = (host: string, timeoutMs: number) => Promise<Connection>;

let reconnect: Reconnect | undefined;

/**
 * The engine hook guarded activations need: the CLI, which knows every host's connection
 * settings, registers how to open a fresh session. Until it does, confirmations fall back to
 * a fresh TCP connection that must answer with an SSH banner.
 */
export function provideReconnect(fn: Reconnect | undefined): void {
  reconnect = fn;
}

export function hasReconnect(): boolean {
  return reconnect !== undefined;
}

/** A full login on a new session (new TCP connection, key exchange, auth) and one command. */
export const freshSession: Confirm = async ({ host, timeoutMs }) => {
  if (!reconnect) throw new Error('no reconnect hook registered (provideReconnect)');
  const opening = reconnect(host, timeoutMs);
  // A session that opens after the deadline is closed rather than leaked.
  opening.catch(() => undefined);
  const conn = await withDeadline(opening, timeoutMs, `fresh SSH session to ${host}`).catch((e: Error) => {
    void opening.then((c) => c.close()).catch(() => undefined);
    throw e;
  });
  try {
    const r = await withDeadline(conn.exec(['true']), timeoutMs, `command on a fresh SSH session to ${host}`);
    if (r.code !== 0) throw new Error(`\`true\` on a fresh SSH session exited ${r.code}`);
  } finally {
    await conn.close().catch(() => undefined);
  }
};

/** A new TCP connection to the SSH port that answers with an "SSH-" identification line. */
export function sshBanner(address: string, port = 22): Confirm {
  return ({ timeoutMs }) =>
    new Promise<void>((resolve, reject) => {
      const sock = connect({ host: address, port });
      let got = '';
      const done = (err?: Error) => {
        clearTimeout(timer);
        sock.destroy();
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => done(new Error(`no SSH banner from ${address}:${port} within ${timeoutMs} ms (new connections blocked?)`)), timeoutMs);
      sock.on('data', (b) => {
        got += b.toString('latin1');
        if (got.includes('\n')) done(got.startsWith('SSH-') ? undefined : new Error(`${address}:${port} answered ${JSON.stringify(got.slice(0, 40))}, not an SSH banner`));
      });
      sock.on('error', (e) => done(new Error(`${address}:${port}: ${e.message}`)));
      sock.on('end', () => done(new Error(`${address}:${port} closed the connection before its banner`)));
    });
}

/** The fresh session when the engine registered how to open one, else the banner check. */
export function defaultConfirm(address: string, port = 22): Confirm {
  const banner = sshBanner(address, port);
  return (ctx) => (reconnect ? freshSession(ctx) : banner(ctx));
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
