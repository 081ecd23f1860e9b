import { connect } from 'node:net';
import type { Connection } from '../connection/types.ts';
import type { ApplyEnv } from '../task/task.ts';

/**
 * Proves that a host can still be reached from the control side after an activation. Throws
 * (with the reason) when it cannot. Runs with a deadline: a firewall that drops packets makes a
 * connection attempt hang, not fail.
 */
export type Confirm = (ctx: { host: string; conn: Connection; timeoutMs: number; env?: ApplyEnv }) => Promise<void>;

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

/**
 * A full fresh login (new TCP connection, key exchange, auth, one command) through the engine's
 * probeFreshLogin; where a caller runs the task without the engine, the banner check.
 */
export function defaultConfirm(address: string, port = 22): Confirm {
  const banner = sshBanner(address, port);
  return (ctx) => (ctx.env ? withDeadline(ctx.env.probeFreshLogin(), ctx.timeoutMs, `fresh SSH login to ${ctx.host}`) : banner(ctx));
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
