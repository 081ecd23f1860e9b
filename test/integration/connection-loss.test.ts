// A session that dies while no command runs on it (a host that lost power answers its next
// packet with a reset; keepalives go unanswered) must end that host's part of the run, not the
// run: ssh2 reports it as an 'error' event, which nothing listened to between commands. Real
// sshd on the lab's hosts, behind a TCP relay in this process that can reset the control side.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshConnection } from '../../src/connection/ssh.ts';
import { UnreachableError } from '../../src/connection/types.ts';
import { ROOT } from '../helpers/cli.ts';

const KEY = join(ROOT, '.lab/id_ed25519');
const CLIENT = '198.18.0.21';
const GW1 = '198.18.0.11';

/** A relay to host:22 whose control-side sockets can be reset (RST), as a vanished peer's kernel does. */
async function relay(host: string): Promise<{ port: number; reset: () => void; close: () => void }> {
  const pairs: Array<[Socket, Socket]> = [];
  const server: Server = createServer((near) => {
    const far = connect(22, host);
    near.pipe(far).pipe(near);
    near.on('error', () => far.destroy());
    far.on('error', () => near.destroy());
    pairs.push([near, far]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    reset: () => {
      for (const [near, far] of pairs) {
        near.resetAndDestroy();
        far.destroy();
      }
    },
    close: () => {
      for (const [near, far] of pairs) {
        near.destroy();
        far.destroy();
      }
      server.close();
    },
  };
}

const policy = () => ({ knownHostsFile: join(mkdtempSync(join(tmpdir(), 'tsp-loss-')), 'known_hosts'), acceptNewHostKeys: true });

/** Until the connection notices it is gone (the reset reaches it within milliseconds). */
async function lostReason(conn: SshConnection): Promise<string> {
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const e = await conn.exec(['true']).then(() => undefined, (err: unknown) => err);
    if (e) {
      if (!(e instanceof UnreachableError)) throw e;
      return e.reason;
    }
  }
  throw new Error('the connection still answers 2 s after its reset');
}

test('a direct session reset between commands makes the host unreachable, naming the reset; the process lives on', async (t) => {
  const r = await relay(CLIENT);
  const conn = await SshConnection.open({ name: 'client', address: '127.0.0.1', port: r.port, user: 'root', privateKeyFile: KEY, become: false, ...policy() });
  try {
    t.is((await conn.exec(['hostname'])).stdout.trim(), 'client');
    r.reset();
    t.regex(await lostReason(conn), /^connection closed: read ECONNRESET$/);
  } finally {
    await conn.close();
    r.close();
  }
});

test('a jump host whose session is reset takes the host behind it with it, as unreachable', async (t) => {
  const r = await relay(CLIENT);
  const p = policy();
  const conn = await SshConnection.open({
    name: 'gw1', address: GW1, port: 22, user: 'root', privateKeyFile: KEY, become: false, ...p,
    jumps: [{ name: 'client', address: '127.0.0.1', port: r.port, user: 'root', privateKeyFile: KEY }],
  });
  try {
    t.is((await conn.exec(['hostname'])).stdout.trim(), 'gw1');
    r.reset();
    t.regex(await lostReason(conn), /^connection closed/);
  } finally {
    await conn.close();
    r.close();
  }
});
