import { connect as tcpConnect } from 'node:net';
import type { Connection, ExecResult } from '../connection/types.ts';
import type { Task } from '../task/task.ts';
import type { Probe } from '../connection/batch.ts';
import { quoteArgv } from '../connection/quote.ts';
import { absolutePath, ModuleArgumentError, passThrough, type TaskOptions } from './common.ts';

/** What to wait for. `from: 'control'` tests a port from this machine instead of from the host. */
export type WaitCondition =
  | { port: number; address?: string; state?: 'open' | 'closed'; from?: 'host' | 'control' }
  | { path: string; state?: 'present' | 'absent' }
  | { argv: string[]; match: RegExp };

export interface WaitForResult {
  met: boolean;
  /** Seconds waited (0 when the condition already held). */
  waited: number;
  /** The command's last output, for `argv` conditions. */
  output?: string;
}

export interface WaitForArgs extends TaskOptions<WaitForResult> {
  condition: WaitCondition;
  /** Seconds before giving up (default 300). */
  timeout?: number;
  /** Seconds before the first check in apply (Ansible's wait_for `delay`; `delay` here is the retries' one). */
  initialDelay?: number;
  /** Seconds between checks (default 1). */
  interval?: number;
  clock?: { now(): number; sleep(ms: number): Promise<void> };
}

export interface WaitState {
  met: boolean;
  detail: string;
  output?: string;
}

const realClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

// bash's /dev/tcp opens a connection without any other tool; `timeout` bounds a silent drop.
const PORT_PROBE = 'exec 3<>"/dev/tcp/$1/$2" && exec 3>&- && echo open';

function portNumber(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw new ModuleArgumentError('waitFor', `port must be 1..65535, got ${JSON.stringify(v)}`);
  return v;
}

/** From this machine: does a TCP connection to address:port succeed within 2 s? */
export function controlPortOpen(address: string, port: number, ms = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: address, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.on('connect', () => done(true));
    s.on('error', () => done(false));
  });
}

interface Check {
  label: string;
  probe?: Probe;
  judge(r: ExecResult | undefined): WaitState;
  control?(): Promise<WaitState>;
}

function checkFor(c: WaitCondition): Check {
  if ('port' in c) {
    const port = portNumber(c.port);
    const address = c.address ?? '127.0.0.1';
    const want = c.state ?? 'open';
    if (want !== 'open' && want !== 'closed') throw new ModuleArgumentError('waitFor', `port state must be open or closed, got ${JSON.stringify(want)}`);
    const where = c.from === 'control' ? ' from the control side' : '';
    const label = `port ${address}:${port} ${want}${where}`;
    const verdict = (open: boolean): WaitState => ({ met: open === (want === 'open'), detail: `${address}:${port} is ${open ? 'open' : 'closed'}${where}` });
    if (c.from === 'control') return { label, judge: () => verdict(false), control: async () => verdict(await controlPortOpen(address, port)) };
    return { label, probe: { argv: ['timeout', '2', 'bash', '-c', PORT_PROBE, 'bash', address, String(port)] }, judge: (r) => verdict(r?.code === 0 && r.stdout.includes('open')) };
  }
  if ('path' in c) {
    const path = absolutePath('waitFor', c.path);
    const want = c.state ?? 'present';
    if (want !== 'present' && want !== 'absent') throw new ModuleArgumentError('waitFor', `path state must be present or absent, got ${JSON.stringify(want)}`);
    return {
      label: `${path} ${want}`,
      probe: { argv: ['test', '-e', path] },
      judge: (r) => ({ met: (r?.code === 0) === (want === 'present'), detail: `${path} ${r?.code === 0 ? 'exists' : 'does not exist'}` }),
    };
  }
  if (!Array.isArray(c.argv) || c.argv.length === 0 || c.argv.some((a) => typeof a !== 'string')) throw new ModuleArgumentError('waitFor', 'argv must be a non-empty argv array');
  if (!(c.match instanceof RegExp)) throw new ModuleArgumentError('waitFor', 'match must be a RegExp');
  const shown = quoteArgv(c.argv);
  return {
    label: `\`${shown}\` matching ${c.match}`,
    probe: { argv: [...c.argv] },
    judge: (r) => {
      const out = r?.stdout ?? '';
      const met = c.match.test(out);
      const last = out.trim().split('\n').pop() ?? '';
      return { met, detail: `\`${shown}\` ${met ? 'matches' : `exited ${r?.code ?? '?'}${last ? `, last line: ${last.slice(0, 120)}` : ', no output'}`}`, output: out };
    },
  };
}

/**
 * Waits for a port, a path or a command's output, like Ansible's wait_for. The probe checks
 * once: already met is ok; otherwise apply checks every `interval` seconds until it holds or
 * `timeout` passes (then the task fails with what it saw last). Waiting changes nothing on
 * the host, so a wait that ends well is reported ok, with how long it took; in check mode a
 * condition that does not hold yet is reported as what the run would wait for.
 */
export function waitFor(args: WaitForArgs): Task<WaitState, null, WaitForResult> {
  const check = checkFor(args.condition);
  const num = (name: string, v: number | undefined, dflt: number) => {
    const n = v ?? dflt;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 86400) throw new ModuleArgumentError('waitFor', `${name} must be 0..86400 seconds, got ${JSON.stringify(v)}`);
    return n;
  };
  const timeout = num('timeout', args.timeout, 300);
  const initialDelay = num('initialDelay', args.initialDelay, 0);
  const interval = Math.max(0.05, num('interval', args.interval, 1));
  const clock = args.clock ?? realClock;
  const once = async (conn: Connection): Promise<WaitState> => (check.control ? check.control() : check.judge(await conn.exec(check.probe!.argv)));

  return {
    module: 'waitFor',
    ...passThrough(args, `wait for ${check.label}`),
    probes: () => (check.probe ? [check.probe] : []),
    parse: ([r]) => check.judge(r),
    ...(check.control ? { readControl: () => check.control!() } : {}),
    compare: (s) => (s.met ? { status: 'ok', reason: s.detail } : { status: 'change', reason: `wait up to ${timeout}s for ${check.label} (now: ${s.detail})`, plan: null }),
    result: (s) => ({ met: s.met, waited: 0, ...(s.output !== undefined ? { output: s.output } : {}) }),
    async apply(conn) {
      const start = clock.now();
      if (initialDelay > 0) await clock.sleep(initialDelay * 1000);
      for (;;) {
        const s = await once(conn);
        const waited = Math.round((clock.now() - start) / 100) / 10;
        if (s.met) return { changed: false, reason: `${s.detail} after ${waited}s`, result: { met: true, waited, ...(s.output !== undefined ? { output: s.output } : {}) } };
        if (clock.now() - start >= timeout * 1000) throw new Error(`${check.label}: not so after ${timeout}s (last: ${s.detail})`);
        await clock.sleep(interval * 1000);
      }
    },
  };
}
