// Management sessions held open through a takeover: ts-play's own SSH connection to a gateway,
// asked to run `true` every 200 ms, each answer timed; and the gateway's conntrack events, to
// see whether a takeover deleted the entries of the gateway's own flows (its SSH session, the
// sync link, VRRP).
import { SshConnection } from '../../src/connection/ssh.ts';
import { KEY_FILE, KNOWN_HOSTS } from '../../src/lab/paths.ts';
import { findHost, mgmtIp } from '../../src/lab/topology.ts';
import { labExec, type CliResult } from './cli.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SessionReport {
  host: string;
  /** The control side's port of the session: how its conntrack entry is found. */
  clientPort: number;
  answers: number;
  /** The slowest answer, and when it was asked (ISO time). */
  slowestMs: number;
  slowestAt: string;
  /** Answers that took a second or more, with when they were asked. */
  late: string[];
  error?: string;
}

export class SessionWatch {
  private stopped = false;
  private readonly done: Promise<void>;
  private answers = 0;
  private slowest = { ms: 0, at: '' };
  private late: string[] = [];
  private error?: string;

  private constructor(
    readonly host: string,
    private readonly conn: SshConnection,
    readonly clientPort: number,
  ) {
    this.done = this.loop();
  }

  static async open(host: string): Promise<SessionWatch> {
    const spec = findHost(host);
    if (!spec) throw new Error(`unknown lab host ${host}`);
    const conn = await SshConnection.open({
      name: host, address: mgmtIp(spec), port: 22, user: 'root', privateKeyFile: KEY_FILE,
      knownHostsFile: KNOWN_HOSTS, acceptNewHostKeys: false, become: false,
    });
    // "198.18.0.1 41234 198.18.0.12 22": the client's port names the session's conntrack entry.
    const r = await conn.exec(['sh', '-c', 'echo $SSH_CONNECTION']);
    const port = Number(r.stdout.trim().split(' ')[1]);
    if (!Number.isInteger(port) || port <= 0) throw new Error(`${host}: no SSH_CONNECTION in ${JSON.stringify(r.stdout)}`);
    return new SessionWatch(host, conn, port);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const at = new Date();
      try {
        await this.conn.exec(['true']);
      } catch (e) {
        this.error = `${at.toISOString()}: ${(e as Error).message}`;
        return;
      }
      const ms = Date.now() - at.getTime();
      this.answers++;
      if (ms > this.slowest.ms) this.slowest = { ms, at: at.toISOString() };
      if (ms >= 1000) this.late.push(`${at.toISOString()} ${ms} ms`);
      await sleep(200);
    }
  }

  async stop(): Promise<SessionReport> {
    this.stopped = true;
    await this.done;
    await this.conn.close();
    return {
      host: this.host, clientPort: this.clientPort, answers: this.answers, slowestMs: this.slowest.ms,
      slowestAt: this.slowest.at, late: this.late, ...(this.error ? { error: this.error } : {}),
    };
  }
}

/** Conntrack entries the kernel of a lab host destroys while it runs (`conntrack -E -e DESTROY`). */
export class DestroyWatch {
  private constructor(
    readonly host: string,
    private readonly run: Promise<CliResult>,
    private readonly pidFile: string,
  ) {}

  static async start(host: string, maxSeconds: number): Promise<DestroyWatch> {
    const pidFile = `/run/tsp-destroy-watch.pid`;
    const run = labExec(host, ['sh', '-c', 'echo $$ >"$1"; exec timeout "$2" stdbuf -oL conntrack -E -e DESTROY -o timestamp 2>/dev/null', 'sh', pidFile, String(maxSeconds)]);
    await sleep(300);
    return new DestroyWatch(host, run, pidFile);
  }

  /** The event lines, once the watch is stopped. */
  async stop(): Promise<string[]> {
    await labExec(this.host, ['sh', '-c', 'kill "$(cat "$1")" 2>/dev/null; rm -f "$1"; exit 0', 'sh', this.pidFile]);
    const r = await this.run;
    return r.stdout.split('\n').filter((l) => l.includes('DESTROY'));
  }
}
