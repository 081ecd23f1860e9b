/**
 * Times a no-change run of playbooks/site.ts on the lab's two gateways and prints the SSH round
 * trips per host (from the -v recap). A benchmark, not a test: run it on a converged lab with
 * `npx tsx bench/no-change.ts [runs]` (default 5). The first run converges the pair if needed
 * and is not counted.
 */
import { median } from './lib/stats.ts';
import { buildEngine, problem, tsplay, type RunResult } from './lib/tools.ts';

const runs = Number(process.argv[2] ?? 5);
const once = (): Promise<RunResult> => tsplay('playbooks/site.ts', 'inventory/lab.yml', []);
const tail = (r: RunResult) => r.stdout.slice(-3000) + r.stderr.slice(-1000);

await buildEngine();
const warm = await once();
if (warm.code !== 0) {
  console.error(tail(warm));
  process.exit(1);
}
const times: number[] = [];
let last = warm;
for (let i = 0; i < runs; i++) {
  last = await once();
  const bad = problem(last, { noChange: true, hosts: 3 });
  if (bad) {
    console.error(`not a no-change run (${bad}):\n${tail(last)}`);
    process.exit(1);
  }
  times.push(last.seconds);
}
const per = (k: string) => [...last.recap].map(([h, v]) => `${h}=${v[k]}`).join(' ');
console.log(`no-change run of playbooks/site.ts on gw1+gw2 (serial 1), ${runs} runs`);
console.log(`  wall time: median ${median(times).toFixed(2)} s, min ${Math.min(...times).toFixed(2)} s, max ${Math.max(...times).toFixed(2)} s`);
console.log(`  tasks checked per host: ${per('ok')}`);
console.log(`  SSH round trips per host: ${per('roundtrips')}`);
