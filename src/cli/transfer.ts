import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError, escapeControl } from '../base/errors.ts';
import { EventBus } from '../engine/events.ts';
import type { PlayPlan } from '../engine/plan.ts';
import { Runner } from '../engine/runner.ts';
import { absolutePath } from '../modules/common.ts';
import { copy } from '../modules/copy.ts';
import { createRenderer, wantsColor } from '../output/index.ts';
import { exitCode } from '../output/recap.ts';
import { openAdhoc } from '../session/adhoc.ts';
import { redact, redactDeep } from '../vault/redact.ts';
import { ADHOC_OPTIONS, parseAdhocArgs } from './adhoc-args.ts';
import { execOnHosts, exitCodeOf, formatResult, type HostResult } from './exec.ts';

export const COPY_USAGE = `usage: ts-play copy PATTERN SRC DEST [--mode 0644] [--owner root] [--group root] [-C] [options]

Copies a local file (any bytes) to DEST on every selected host (DEST ending in / keeps SRC's
name): written atomically, only where its content, owner or mode differ, as a playbook would.

      --mode MODE             default 0644
      --owner USER, --group G default root
  -C, --check                 report what would change, change nothing
${ADHOC_OPTIONS}`;

export const FETCH_USAGE = `usage: ts-play fetch PATTERN REMOTE LOCALDIR [options]

Copies REMOTE (an absolute path, any bytes) from every selected host to LOCALDIR/HOST/REMOTE.

${ADHOC_OPTIONS}`;

const warn = (w: string) => process.stderr.write(redact(`[WARN] ${escapeControl(w)}\n`));

/** `ts-play copy`: one play of one task through the engine, so check mode, output, recap and exit codes are a run's. */
export async function copyCommand(argv: string[]): Promise<number> {
  const args = parseAdhocArgs(argv, COPY_USAGE, { mode: { type: 'string' }, owner: { type: 'string' }, group: { type: 'string' }, check: { type: 'boolean', short: 'C' } });
  if (args === 'help') return (process.stdout.write(`${COPY_USAGE}\n`), 0);
  const [, src, dest] = args.positionals;
  if (!src || !dest || args.positionals.length !== 3) throw new UsageError('copy takes PATTERN SRC DEST', COPY_USAGE);
  let content: Buffer;
  try {
    content = readFileSync(resolve(src));
  } catch (e) {
    throw new UsageError(`cannot read ${src}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const path = absolutePath('copy', dest.endsWith('/') ? `${dest}${basename(src)}` : dest);
  const v = args.values;
  const task = () => copy({ path, content, backup: false, ...(v.mode ? { mode: v.mode as string } : {}), ...(v.owner ? { owner: v.owner as string } : {}), ...(v.group ? { group: v.group as string } : {}) });
  // Module arguments (mode, owner) are checked before anything connects.
  task();
  const { hosts, vars, conns } = await openAdhoc({ ...args, onWarning: warn });
  const play = { name: `copy ${src} -> ${path}`, hosts: args.pattern, roles: [] };
  const plan: PlayPlan = { play, hosts, byHost: new Map(hosts.map((h) => [h, { host: h, vars: vars(h), roles: [{ name: 'copy', tasks: [task()], handlers: new Map() }] }])) };
  const bus = new EventBus();
  if (!args.json) bus.add(createRenderer({ tty: Boolean(process.stdout.isTTY), verbose: false, diff: false, color: wantsColor(process.stdout), stream: process.stdout, stderr: process.stderr }));
  const check = Boolean(v.check);
  bus.emit({ type: 'run-start', playbook: play.name, check, diff: false });
  const runner = new Runner({ check, forks: args.forks, sink: bus, connect: (h) => conns.connect(h, vars(h)) });
  let summary;
  try {
    summary = await runner.run([plan]);
  } finally {
    await conns.close();
    await bus.close();
  }
  if (args.json) process.stdout.write(`${JSON.stringify(redactDeep({ copy: { src, dest: path }, hosts: summary.stats }), null, 2)}\n`);
  return exitCode(summary.stats);
}

// base64 keeps any bytes intact through a text channel.
const READ_SCRIPT = 'if [ -f "$1" ] && [ -r "$1" ]; then base64 < "$1"; else echo "$1: not a readable regular file" >&2; exit 3; fi';

/** `ts-play fetch`: LOCALDIR/HOST/REMOTE, as Ansible's fetch lays files out. */
export async function fetchCommand(argv: string[]): Promise<number> {
  const args = parseAdhocArgs(argv, FETCH_USAGE);
  if (args === 'help') return (process.stdout.write(`${FETCH_USAGE}\n`), 0);
  const [, remote, localDir] = args.positionals;
  if (!remote || !localDir || args.positionals.length !== 3) throw new UsageError('fetch takes PATTERN REMOTE LOCALDIR', FETCH_USAGE);
  const path = absolutePath('fetch', remote);
  const { hosts, vars, conns } = await openAdhoc({ ...args, onWarning: warn });
  for (const h of hosts) if (h.includes('/') || h === '..' || h === '.') throw new UsageError(`host name '${h}' cannot be a folder name under ${localDir}`);
  const report: Array<Record<string, unknown>> = [];
  let results: HostResult[];
  try {
    results = await execOnHosts(hosts, (h) => conns.connect(h, vars(h)), ['sh', '-c', READ_SCRIPT, 'sh', path], args.forks, (r) => {
      if (r.status !== 'ok') {
        report.push({ host: r.host, ...(r.status === 'unreachable' ? { unreachable: r.reason } : { failed: r.stderr.trim(), rc: r.rc }) });
        if (!args.json) process.stdout.write(formatResult(r.status === 'failed' ? { ...r, stdout: '' } : r));
        return;
      }
      const bytes = Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64');
      const file = join(resolve(localDir), r.host, path);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, bytes);
      report.push({ host: r.host, fetched: path, to: file, bytes: bytes.length });
      if (!args.json) process.stdout.write(redact(`${escapeControl(r.host)} | OK | ${path} -> ${file} (${bytes.length} bytes)\n`));
    });
  } finally {
    await conns.close();
  }
  if (args.json) process.stdout.write(`${JSON.stringify(redactDeep({ fetch: path, hosts: report }), null, 2)}\n`);
  return exitCodeOf(results);
}
