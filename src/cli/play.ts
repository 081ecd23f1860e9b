import { resolve } from 'node:path';
import type { PlayArgs } from './args.ts';
import { RunConnections } from '../session/connect.ts';
import type { PlayPlan } from '../engine/plan.ts';
import { planFromOptions } from '../session/plan.ts';
import { Runner } from '../engine/runner.ts';
import { EventBus } from '../engine/events.ts';
import { createRenderer, wantsColor } from '../output/index.ts';
import { JsonSink } from '../output/json.ts';
import { exitCode, EXIT_FAILED } from '../output/recap.ts';
import { escapeControl } from '../base/errors.ts';
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
 * `ts-play PLAYBOOK ...`: everything that can be checked is checked before the first connection.
 * `argv` is the command line as typed, for plays whose stop message prints the command that resumes.
 */
export async function playCommand(args: PlayArgs, argv?: string[]): Promise<number> {
  const { plans, originsOf } = await planFromOptions({
    ...args,
    onWarning: (w) => process.stderr.write(redact(`[WARN] ${escapeControl(w)}\n`)),
  });
  if (args.listHosts || args.listTasks || args.listTags) {
    process.stdout.write(redact(listing(args, plans)));
    return 0;
  }
  const conns = new RunConnections(args);
  for (const p of plans) conns.prepare(p.hosts, (h) => p.byHost.get(h)!.vars, originsOf);
  const bus = new EventBus();
  bus.add(createRenderer({ tty: Boolean(process.stdout.isTTY), verbose: args.verbose > 0, diff: args.diff, color: wantsColor(process.stdout), stream: process.stdout, stderr: process.stderr }));
  if (args.json) bus.add(new JsonSink(resolve(args.json)));
  bus.emit({ type: 'run-start', playbook: args.playbook, check: args.check, diff: args.diff });
  const runner = new Runner({
    check: args.check,
    forks: args.forks,
    sink: bus,
    ...(argv ? { commandLine: quoteArgv(['ts-play', ...argv]) } : {}),
    connect: (host, vars) => conns.connect(host, vars, originsOf(host)),
  });
  let summary;
  try {
    summary = await runner.run(plans);
  } finally {
    await conns.close();
    // Flushes what the terminal view held back and writes --json even when the run throws.
    await bus.close();
  }
  const code = exitCode(summary.stats);
  if (summary.stopped) {
    process.stderr.write(redact(`ts-play: rollout stopped: ${escapeControl(summary.stopped)}\n`));
    return code === 0 ? EXIT_FAILED : code;
  }
  return code;
}
