/**
 * The control side's one process runner: lab, drill, bench, the vault editor, the demo and the
 * local connection all start their programs here, so timeouts, signals and failures behave the
 * same everywhere. A program is an argv, never a shell string.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { TsPlayError, escapeControl } from './errors.ts';
import { redact } from './redact.ts';

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Fed to stdin, which is closed afterwards; without it stdin is /dev/null (or the terminal with `inherit`). */
  input?: string | Buffer;
  /** `inherit`: the program shares this terminal (an editor, a lab shell) and nothing is collected. */
  stdio?: 'pipe' | 'inherit';
  /** After this long the program gets SIGTERM, and SIGKILL `killGraceMs` later if it is still there. */
  timeoutMs?: number;
  killGraceMs?: number;
  /** Each line of stdout as it arrives (a long-running agent reporting its phases). */
  onLine?: (line: string) => void;
  /**
   * While the program runs, SIGINT/SIGTERM/SIGHUP/SIGQUIT to ts-play are noted in the result
   * instead of ending ts-play, so its cleanup still runs (the vault editor's plaintext file).
   */
  holdSignals?: boolean;
}

export interface ProcessResult {
  argv: readonly string[];
  /** Exit status; 128 + the signal's number when a signal ended it, 127 when it could not start. */
  code: number;
  signal?: NodeJS.Signals;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** A signal ts-play received while the program ran (with holdSignals). */
  interrupted?: NodeJS.Signals;
}

const HELD: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** Runs argv to its end and collects what it printed; a failing program is a result, not a throw. */
export function runProcess(argv: readonly string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  const [cmd, ...args] = argv;
  if (!cmd) return Promise.reject(new TsPlayError('empty command'));
  const inherit = opts.stdio === 'inherit';
  const t0 = performance.now();
  let interrupted: NodeJS.Signals | undefined;
  const hold = (sig: NodeJS.Signals): void => {
    interrupted ??= sig;
  };
  if (opts.holdSignals) for (const s of HELD) process.on(s, hold);
  return new Promise<ProcessResult>((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: inherit ? (opts.input === undefined ? 'inherit' : ['pipe', 'inherit', 'inherit']) : [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let rest = '';
    child.stdout?.on('data', (b: Buffer) => {
      out.push(b);
      if (!opts.onLine) return;
      const lines = (rest + b.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(opts.onLine);
    });
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    // A program that exits without reading its stdin makes the write fail with EPIPE: not an error here.
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input);
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), opts.killGraceMs ?? 2000);
    }, opts.timeoutMs);
    let spawnError: Error | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      if (opts.holdSignals) for (const s of HELD) process.removeListener(s, hold);
      const stderr = Buffer.concat(err).toString('utf8') + (spawnError ? `${cmd}: ${spawnError.message}` : '');
      resolve({
        argv,
        code: spawnError ? 127 : code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
        ...(signal ? { signal } : {}),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        durationMs: Math.round(performance.now() - t0),
        timedOut,
        ...(interrupted ? { interrupted } : {}),
      });
    });
  });
}

/** A program that failed: carries what execa's errors carry (command, exit status, signal, stderr, duration). */
export class ProcessError extends TsPlayError {
  readonly command: string;
  readonly code: number;
  readonly signal: NodeJS.Signals | undefined;
  readonly stderr: string;
  readonly durationMs: number;
  constructor(readonly result: ProcessResult, what?: string) {
    const command = result.argv.join(' ');
    const how = result.timedOut ? `timed out after ${result.durationMs} ms` : result.signal ? `was killed by ${result.signal}` : `exited ${result.code}`;
    const tail = trimmed(result.stderr || result.stdout);
    super(`${what ?? 'command'} failed: \`${command}\` ${how}${tail ? `\n${tail}` : ''}`);
    this.command = command;
    this.code = result.code;
    this.signal = result.signal;
    this.stderr = result.stderr;
    this.durationMs = result.durationMs;
  }
}

function trimmed(s: string): string {
  // Redacted before it is escaped and cut, so neither can split a secret out of reach.
  const t = escapeControl(redact(s.trim()));
  return t.length > 600 ? `...${t.slice(-600)}` : t;
}

/** Runs argv and throws ProcessError unless it exits 0. */
export async function mustRunProcess(argv: readonly string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  const r = await runProcess(argv, opts);
  if (r.code !== 0) throw new ProcessError(r);
  return r;
}
