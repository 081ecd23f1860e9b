/**
 * Start-up of ts-play: wall time of `ts-play playbooks/site.ts -i inventory/lab.yml --list-hosts`,
 * which loads the engine and the playbook, reads the inventory and plans, and contacts no host.
 * Needs no lab.
 *
 *   npx tsx bench/startup.ts [--runs 15] [--against REF]
 *
 * Measures this checkout's prebuilt engine (built first) and the same engine run from src/
 * through tsx (what a stale build falls back to); with --against, also the tree of a git commit
 * (extracted with `git archive`, sharing this node_modules), in the same round. The variants take
 * turns run by run, so what else the machine does weighs on all of them alike.
 */
import { mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustRunProcess, runProcess } from '../src/base/process.ts';
import { median } from './lib/stats.ts';
import { ROOT, buildEngine } from './lib/tools.ts';

interface Variant { name: string; root: string; env: NodeJS.ProcessEnv }

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Number(option('--runs') ?? 15);
const against = option('--against');
const ARGS = ['playbooks/site.ts', '-i', 'inventory/lab.yml', '--list-hosts'];

async function tree(ref: string): Promise<{ root: string; env: NodeJS.ProcessEnv }> {
  const root = mkdtempSync(join(tmpdir(), 'tsp-startup-'));
  await mustRunProcess(['sh', '-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', ROOT, ref, root]);
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  // A commit from before the prebuilt engine runs src/ through tsx whatever its environment.
  if (!existsSync(join(root, 'bin/build.js'))) return { root, env: {} };
  await mustRunProcess([process.execPath, join(root, 'bin/build.js')], { cwd: root });
  return { root, env: { TSPLAY_ENGINE: 'dist' } };
}

async function once(v: Variant): Promise<number> {
  const r = await runProcess([process.execPath, join(v.root, 'bin/ts-play.js'), ...ARGS], { cwd: v.root, env: { ...process.env, NO_COLOR: '1', ...v.env }, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${v.name}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.durationMs / 1000;
}

await buildEngine();
const variants: Variant[] = [
  { name: 'this checkout, prebuilt engine (dist/)', root: ROOT, env: { TSPLAY_ENGINE: 'dist' } },
  { name: 'this checkout, engine from src/ through tsx', root: ROOT, env: { TSPLAY_ENGINE: 'source' } },
];
const extracted = against ? await tree(against) : undefined;
if (extracted && against) variants.push({ name: `commit ${against}`, ...extracted });
try {
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  // One unmeasured round: tsx's compile cache and the page cache are warm for every variant.
  for (const v of variants) await once(v);
  for (let i = 0; i < runs; i++) for (const v of variants) times.get(v.name)!.push(await once(v));
  console.log(`ts-play ${ARGS.join(' ')}: wall time of the whole process, ${runs} runs each`);
  for (const [name, xs] of times) {
    console.log(`  ${name}: median ${median(xs).toFixed(3)} s (min ${Math.min(...xs).toFixed(3)}, max ${Math.max(...xs).toFixed(3)})`);
  }
} finally {
  if (extracted) rmSync(extracted.root, { recursive: true, force: true });
}
