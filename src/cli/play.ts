import { resolve } from 'node:path';
import type { PlayArgs } from './args.ts';
import { RunConnections } from '../session/connect.ts';
import type { PlayPlan } from '../engine/plan.ts';
import { planFromOptions } from '../session/plan.ts';
import { LOCK_FILE, RunLock } from '../session/run-lock.ts';
import { Runner } from '../engine/runner.ts';
import { EventBus } from '../engine/events.ts';
import { createRenderer, wantsColor } from '../output/index.ts';
import { JsonSink } from '../output/json.ts';
import { exitCode, EXIT_FAILED } from '../output/recap.ts';
import { EXIT_INTERRUPTED, escapeControl } from '../base/errors.ts';
import { redact } from '../vault/redact.ts';
import { quoteArgv } from '../connection/quote.ts';

function listing(args: PlayArgs, plans: PlayPlan[]): string {
  const out: string[] = [];
  for (const p of plans) {
    out.push(`play "${p.play.name}" (${p.hosts.length} host${p.hosts.length === 1 ? '' : 's'})`);
    if (args.listHosts) p.hosts.forEach((h) => out.push(`  ${h}`));
    if (args.listTasks || args.listTags) {
      for (const h of p.hosts) {
        const hp = p.byHost.get(h)!;
        if (args.listTasks) {
          out.push(`  ${h}:`);
          for (const r of hp.roles) for (const t of r.tasks) out.push(`    ${r.name} : ${t.name}  [${(t.tags ?? []).join(', ')}]`);
        }
      }
      if (args.listTags) {
        const tags = new Set(p.hosts.flatMap((h) => p.byHost.get(h)!.roles.flatMap((r) => r.tasks.flatMap((t) => t.tags ?? []))));
        out.push(`  tags: ${[...tags].sort().join(', ')}`);
      }
    }
  }
  return out.join('\n') + '\n';
}

/**
 * Ctrl-C once: nothing new starts, the running tasks finish, the recap and --json are written,
 * exit 130. Twice: --json is written as it stands and ts-play exits at once; the hosts end what
 * it had running there as its sessions close (src/connection/session-bound.ts). SIGTERM counts as
 * a Ctrl-C: it is what a CI timeout, `timeout(1)` or a service manager sends, and dying on it
 * would leave the run lock to block the next run until it expires.
 */
function interrupts(abort: AbortController, json: JsonSink | undefined): () => void {
  let presses = 0;
  const onSignal = () => {
    presses++;
    if (presses === 1) {
      process.stderr.write('\nts-play: interrupted: starting nothing new, letting the running tasks finish (Ctrl-C again to abort at once)\n');
      abort.abort();
      return;
    }
    process.stderr.write('\nts-play: aborted: the hosts end what was running as the sessions close\n');
    json?.closeSync(EXIT_INTERRUPTED);
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * `ts-play PLAYBOOK ...`: everything that can be checked is checked before the first connection.
 * `argv` is the command line as typed: the run lock records it, and plays whose stop message
 * prints the command that resumes show it.
 */
export async function playCommand(args: PlayArgs, argv: readonly string[] = []): Promise<number> {
  const { plans, originsOf } = await planFromOptions({
    ...args,
    onWarning: (w) => process.stderr.write(redact(`[WARN] ${escapeControl(w)}\n`)),
  });
  if (args.listHosts || args.listTasks || args.listTags) {
    process.stdout.write(redact(listing(args, plans)));
    return 0;
  }
  const hostVars = (h: string) => plans.find((p) => p.byHost.has(h))?.byHost.get(h)?.vars ?? {};
  // Every target resolved and its control-side files checked now: bad input stops the run before any host is contacted.
  const conns = new RunConnections(args);
  for (const p of plans) conns.prepare(p.hosts, (h) => p.byHost.get(h)!.vars, originsOf);

  const bus = new EventBus();
  bus.add(createRenderer({ tty: Boolean(process.stdout.isTTY), verbose: args.verbose > 0, diff: args.diff, color: wantsColor(process.stdout), stream: process.stdout, stderr: process.stderr }));
  const json = args.json ? new JsonSink(resolve(args.json)) : undefined;
  if (json) bus.add(json);
  const abort = new AbortController();
  const lock = new RunLock({
    argv,
    breakLock: args.breakLock,
    concurrency: args.forks,
    // TSPLAY_LOCK_TTL: seconds a lock outlives a run killed outright (docs/rollout.md).
    ...(Number(process.env.TSPLAY_LOCK_TTL) > 0 ? { ttlSec: Number(process.env.TSPLAY_LOCK_TTL) } : {}),
    pathOf: (h) => (typeof hostVars(h).tsplay_lock_file === 'string' ? (hostVars(h).tsplay_lock_file as string) : LOCK_FILE),
    warn: (host, message) => bus.emit({ type: 'warning', host, message }),
    lost: (host, message) => {
      bus.emit({ type: 'warning', host, message: `${message}: starting nothing new` });
      abort.abort();
    },
  });
  bus.emit({ type: 'run-start', playbook: args.playbook, check: args.check, diff: args.diff });
  const runner = new Runner({
    check: args.check,
    forks: args.forks,
    sink: bus,
    signal: abort.signal,
    ...(argv.length ? { commandLine: quoteArgv(['ts-play', ...argv]) } : {}),
    connect: (host, vars) => conns.connect(host, vars, originsOf(host)),
    // --check changes nothing: it takes no lock, but says when another run holds one.
    beforeRun: (all, connect, then) => (args.check ? lock.peek(all, connect, then) : lock.acquire(all, connect, then)),
    afterRun: () => lock.release(),
  });
  const stopListening = interrupts(abort, json);
  let summary;
  try {
    summary = await runner.run(plans);
  } finally {
    await conns.close();
    // Flushes what the terminal view held back and writes --json even when the run throws.
    await bus.close();
    stopListening();
  }
  const code = summary.interrupted ? EXIT_INTERRUPTED : exitCode(summary.stats);
  if (summary.stopped) {
    process.stderr.write(redact(`ts-play: ${summary.interrupted ? '' : 'rollout stopped: '}${escapeControl(summary.stopped)}\n`));
    return code === 0 ? EXIT_FAILED : code;
  }
  return code;
}
