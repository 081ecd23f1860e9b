import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT_BAD_INPUT, TsPlayError, UsageError } from '../base/errors.ts';
import { PROJECT_ROOT } from '../lab/paths.ts';
import { DRILL_USAGE, parseDrillArgs } from './args.ts';
import { DrillError, labHostExec } from './exec.ts';
import { checkBook } from './playbook.ts';
import { runScenario } from './run.ts';
import { findScenario } from './scenarios/index.ts';
import type { ScenarioResult } from './scenarios/types.ts';
import { stamp, writeReport } from './report/write.ts';
import { compare } from './report/targets.ts';
import { loadTarget } from './target.ts';

const say = (m: string): void => void process.stderr.write(`drill: ${m}\n`);

/** `ts-play drill PLAYBOOK -i INVENTORY ...`: 0 when every scenario completed, 1 otherwise (bad usage included). */
export async function drillCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseDrillArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`drill: ${e.userMessage()}\n${DRILL_USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  if (args === 'help') {
    process.stdout.write(`${DRILL_USAGE}\n`);
    return 0;
  }
  try {
    if (process.getuid?.() !== 0) throw new DrillError('the drills drive the lab and need root');
    const file = resolve(args.playbook);
    if (!existsSync(file)) throw new DrillError(`${args.playbook}: no such drill playbook`);
    const book = checkBook((await import(pathToFileURL(file).href) as { default: unknown }).default, args.playbook);
    const target = await loadTarget(args.inventories);
    const wanted = args.scenarios ?? book.scenarios.map((s) => s.name);
    for (const n of wanted) if (!findScenario(n)) throw new DrillError(`unknown scenario ${JSON.stringify(n)}`);
    const ctx = { target, exec: labHostExec, log: say };
    const started = new Date();
    const results: ScenarioResult[] = [];
    for (let rep = 1; rep <= args.repeat; rep++) {
      for (const name of wanted) {
        const s = findScenario(name)!;
        const params = { ...(book.scenarios.find((x) => x.name === name)?.params ?? {}), ...(args.set[name] ?? {}) };
        say(`${name}${args.repeat > 1 ? ` (${rep}/${args.repeat})` : ''}: ${s.title}`);
        const r = await runScenario(ctx, s, params);
        say(`${name}: ${r.ok ? 'done' : `FAILED: ${r.error}`} in ${r.durationS} s ${JSON.stringify(r.metrics)}`);
        results.push(r);
      }
    }
    const dir = resolve(args.out ?? join(PROJECT_ROOT, 'reports', stamp(started)));
    const md = await writeReport(results, {
      dir, hosts: [target.master, target.backup], vips: target.vips,
      meta: { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), playbook: args.playbook, inventory: args.inventories, advertIntS: target.advertIntS, downTimerAdverts: target.downTimerAdverts, preemptDelayS: target.preemptDelayS },
      prometheusUrl: book.prometheus ?? 'http://198.18.0.41:9090',
      dashboard: resolve(PROJECT_ROOT, book.dashboard ?? 'dashboards/grafana-dashboard.json'),
      dashboardVars: book.dashboardVars ?? {},
    });
    const rows = compare(results);
    const missed = rows.filter((r) => r.issueVerdict === 'fail' || r.designVerdict === 'fail');
    if (args.json) process.stdout.write(JSON.stringify({ report: md, summary: rows }, null, 1) + '\n');
    else {
      for (const r of rows) process.stdout.write(`${r.scenario.padEnd(10)} ${r.label.padEnd(48)} ${String(r.value ?? 'n/a').padStart(9)} ${r.unit.padEnd(3)} design:${r.designVerdict.padEnd(5)} issue:${r.issueVerdict}\n`);
      process.stdout.write(`report: ${md}${missed.length ? ` (${missed.length} target(s) missed: see the report)` : ''}\n`);
    }
    return results.every((r) => r.ok) ? 0 : 1;
  } catch (e) {
    if (e instanceof TsPlayError) {
      say(e.userMessage());
      return e.exitCode;
    }
    throw e;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await drillCommand(process.argv.slice(2));
}
