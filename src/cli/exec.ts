import pLimit from 'p-limit';
import { EXIT_FAILED, EXIT_OK, EXIT_UNREACHABLE, UsageError, escapeControl } from '../base/errors.ts';
import type { Connection } from '../connection/types.ts';
import { UnreachableError } from '../connection/types.ts';
import { openAdhoc } from '../session/adhoc.ts';
import { redact, redactDeep } from '../vault/redact.ts';
import { ADHOC_OPTIONS, parseAdhocArgs } from './adhoc-args.ts';

export const EXEC_USAGE = `usage: ts-play exec PATTERN [options] -- COMMAND [ARGS...]

Runs one command (argv, no shell: say sh -c '...' for one) on every host the pattern selects,
and prints each host's stdout, stderr and exit code together. Exit code as a playbook run's:
0 all exited 0, 2 a command failed on a host, 4 a host was unreachable, 1 bad input.

${ADHOC_OPTIONS}`;

export type HostResult =
  | { host: string; status: 'ok' | 'failed'; rc: number; stdout: string; stderr: string; signal?: string }
  | { host: string; status: 'unreachable'; reason: string };

/**
 * Runs argv on each host, `forks` at a time, and hands each result over in the hosts' order as
 * soon as it and every host before it are done, so output is grouped per host and never interleaved.
 */
export async function execOnHosts(
  hosts: string[],
  connect: (host: string) => Promise<Connection>,
  argv: string[],
  forks: number,
  onResult: (r: HostResult) => void,
): Promise<HostResult[]> {
  const limit = pLimit(forks);
  const done: Array<HostResult | undefined> = [];
  let next = 0;
  const flush = () => {
    while (next < hosts.length && done[next]) onResult(done[next++]!);
  };
  await Promise.all(
    hosts.map((host, i) =>
      limit(async () => {
        done[i] = await runOne(host, connect, argv);
        flush();
      }),
    ),
  );
  return done as HostResult[];
}

async function runOne(host: string, connect: (host: string) => Promise<Connection>, argv: string[]): Promise<HostResult> {
  let conn: Connection | undefined;
  try {
    conn = await connect(host);
    const r = await conn.exec(argv);
    return { host, status: r.code === 0 ? 'ok' : 'failed', rc: r.code, stdout: r.stdout, stderr: r.stderr, ...(r.signal ? { signal: r.signal } : {}) };
  } catch (e) {
    if (e instanceof UnreachableError) return { host, status: 'unreachable', reason: e.reason };
    throw e;
  } finally {
    await conn?.close();
  }
}

/** Ansible's ad-hoc shape: `host | STATUS | rc=N >>`, then stdout, then stderr under its own line. */
export function formatResult(r: HostResult): string {
  const name = escapeControl(r.host);
  if (r.status === 'unreachable') return redact(`${name} | UNREACHABLE! >> ${escapeControl(r.reason)}\n`);
  const end = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
  const head = `${name} | ${r.status === 'ok' ? 'OK' : 'FAILED'} | rc=${r.rc}${r.signal ? ` (${r.signal})` : ''} >>\n`;
  return redact(`${head}${end(r.stdout)}${r.stderr ? `${name} | stderr >>\n${end(r.stderr)}` : ''}`);
}

export function exitCodeOf(results: HostResult[]): number {
  if (results.some((r) => r.status === 'unreachable')) return EXIT_UNREACHABLE;
  if (results.some((r) => r.status === 'failed')) return EXIT_FAILED;
  return EXIT_OK;
}

/** `ts-play exec PATTERN -- CMD ARGS...` */
export async function execCommand(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const args = parseAdhocArgs(dash < 0 ? argv : argv.slice(0, dash), EXEC_USAGE);
  if (args === 'help') {
    process.stdout.write(`${EXEC_USAGE}\n`);
    return 0;
  }
  const command = dash < 0 ? args.positionals.slice(1) : [...args.positionals.slice(1), ...argv.slice(dash + 1)];
  if (command.length === 0) throw new UsageError('no command given (ts-play exec PATTERN -- COMMAND ARGS...)', EXEC_USAGE);
  const { hosts, vars, conns } = await openAdhoc({ ...args, onWarning: (w) => process.stderr.write(redact(`[WARN] ${escapeControl(w)}\n`)) });
  let results: HostResult[];
  try {
    results = await execOnHosts(hosts, (h) => conns.connect(h, vars(h)), command, args.forks, (r) => {
      if (!args.json) process.stdout.write(formatResult(r));
    });
  } finally {
    await conns.close();
  }
  if (args.json) process.stdout.write(`${JSON.stringify(redactDeep({ command, hosts: Object.fromEntries(results.map(({ host, ...rest }) => [host, rest])) }), null, 2)}\n`);
  return exitCodeOf(results);
}
