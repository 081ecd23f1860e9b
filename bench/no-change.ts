/**
 * Times a no-change run of playbooks/site.ts on the lab's two gateways and prints the SSH round
 * trips per host (from the -v recap). A benchmark, not a test: run it on a converged lab with
 * `npx tsx bench/no-change.ts [runs]` (default 5). The first run converges the pair if needed
 * and is not counted.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 5);
const args = [join(ROOT, 'bin/ts-play.js'), 'playbooks/site.ts', '-i', 'inventory/lab.yml', '-v'];

function once(): { seconds: number; stdout: string; code: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, stdout: r.stdout, code: r.status ?? 1 };
}

const warm = once();
if (warm.code !== 0) {
  console.error(warm.stdout.slice(-3000));
  process.exit(1);
}
const times: number[] = [];
let last = warm;
for (let i = 0; i < runs; i++) {
  last = once();
  if (last.code !== 0 || / changed=[1-9]/.test(last.stdout)) {
    console.error('not a no-change run:\n' + last.stdout.slice(-3000));
    process.exit(1);
  }
  times.push(last.seconds);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const trips = [...last.stdout.matchAll(/^(\S+) : .* roundtrips=(\d+)$/gm)].map((m) => `${m[1]}=${m[2]}`);
const tasks = [...last.stdout.matchAll(/^(\S+) : ok=(\d+)/gm)].map((m) => `${m[1]}=${m[2]}`);
console.log(`no-change run of playbooks/site.ts on gw1+gw2 (serial 1), ${runs} runs`);
console.log(`  wall time: median ${median.toFixed(2)} s, min ${times[0]!.toFixed(2)} s, max ${times.at(-1)!.toFixed(2)} s`);
console.log(`  tasks checked per host: ${tasks.join(' ')}`);
console.log(`  SSH round trips per host: ${trips.join(' ')}`);
