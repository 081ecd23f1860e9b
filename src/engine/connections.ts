import type { Connection } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';

/**
 * The one connection each host gets for the run, and the new one it gets after a task took the
 * host down (a reboot). Round trips are counted over all of a host's connections.
 */
export class Connections {
  private readonly conns = new Map<string, Promise<Connection>>();
  /** Round trips of connections a host had before its current one. */
  private readonly earlierTrips = new Map<string, number>();

  constructor(private readonly open: (host: string, vars: Record<string, unknown>) => Promise<Connection>) {}

  get(host: string, vars: Record<string, unknown>): Promise<Connection> {
    let c = this.conns.get(host);
    if (!c) {
      c = this.open(host, vars);
      this.conns.set(host, c);
    }
    return c;
  }

  /** Whether the host's connection has been asked for already (open, opening, or failed). */
  has(host: string): boolean {
    return this.conns.has(host);
  }

  /** Closes the host's connection and opens a new one; the new one serves the rest of the run. */
  async reconnect(host: string, vars: Record<string, unknown>): Promise<Connection> {
    const old = this.conns.get(host);
    this.conns.delete(host);
    if (old) {
      try {
        const c = await old;
        this.earlierTrips.set(host, this.trips(host) + c.roundTrips);
        await c.close();
      } catch {
        // Already gone: that is why a task reconnects.
      }
    }
    const fresh = this.open(host, vars);
    this.conns.set(host, fresh);
    try {
      return await fresh;
    } catch (e) {
      this.conns.delete(host);
      throw e;
    }
  }

  private trips(host: string): number {
    return this.earlierTrips.get(host) ?? 0;
  }

  async roundTrips(host: string): Promise<number> {
    try {
      return this.trips(host) + ((await this.conns.get(host))?.roundTrips ?? 0);
    } catch {
      return this.trips(host);
    }
  }

  /** Closes every connection; `each` learns each host's round trips first. */
  async closeAll(each: (host: string, roundTrips: number) => void): Promise<void> {
    for (const [host, c] of this.conns) {
      try {
        const conn = await c;
        each(host, this.trips(host) + conn.roundTrips);
        await conn.close();
      } catch {
        // A host that never connected has nothing to close.
      }
    }
  }
}

/** The connection as the runner hands it out: a session lost during a command is reported once. */
export function tracked(conn: Connection, lost: (reason: string) => void): Connection {
  return {
    get host() {
      return conn.host;
    },
    get roundTrips() {
      return conn.roundTrips;
    },
    async exec(argv, opts) {
      try {
        return await conn.exec(argv, opts);
      } catch (e) {
        if (e instanceof UnreachableError) lost(e.reason);
        throw e;
      }
    },
    close: () => conn.close(),
  };
}
