// One ad-hoc command on many hosts: `ts-play exec PATTERN -- true` against
// `ansible PATTERN -m command -a true`, on the lab's gateways and on 50 light hosts. Not part of
// `npm test`; the lab must be up (root), and it brings up the light hosts it needs:
//   flock /tmp/tsplay-lab.lock npx tsx bench/adhoc.ts [--runs 5] [--light 50]
// Prints one line per case (median wall time of each tool, the ratio) for docs/benchmarks.md.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { INVENTORY } from '../src/lab/paths.ts';
import { lightHosts, LIGHT_INVENTORY } from './lib/lab.ts';
import { median, ratio, secs } from './lib/stats.ts';
import { buildEngine, LAB_KEY, LAB_KNOWN_HOSTS, ROOT, timed, TSPLAY_ENV, type RunResult } from './lib/tools.ts';

interface Case {
  name: string;
  inventory: string;
  pattern: string;
  hosts: number;
}

function tsplayExec(c: Case): Promise<RunResult> {
  return timed(process.execPath, [join(ROOT, 'bin/ts-play.js'), 'exec', c.pattern, '-i', c.inventory, '-f', String(Math.max(c.hosts, 10)), '--', 'true'], TSPLAY_ENV);
}

/**
 * Stock ad-hoc Ansible with the lab's key and known_hosts, forks enough for every host at once. The key
 * goes in as an extra variable: the lab inventory's own relative key path (resolved by ts-play from
 * the inventory's folder) beats `--private-key` in Ansible and resolves from the working directory.
 */
function ansibleAdhoc(c: Case): Promise<RunResult> {
  return timed('ansible', [c.pattern, '-i', c.inventory, '-m', 'command', '-a', 'true', '-f', String(Math.max(c.hosts, 5)), '-e', `ansible_ssh_private_key_file=${LAB_KEY}`], {
    ANSIBLE_CONFIG: '',
    ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${LAB_KNOWN_HOSTS} -o StrictHostKeyChecking=yes`,
    ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
  });
}

async function measure(c: Case, runs: number): Promise<string> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [run, into, tool] of [[tsplayExec, ours, 'ts-play'], [ansibleAdhoc, theirs, 'ansible']] as const) {
      const r = await run(c);
      if (r.code !== 0) throw new Error(`${tool} on ${c.name} exited ${r.code}: ${(r.stderr || r.stdout).slice(-500)}`);
      into.push(r.seconds);
    }
  }
  const [a, b] = [median(ours), median(theirs)];
  return `| \`exec ${c.pattern} -- true\` on ${c.name} (${c.hosts} hosts, median of ${runs}) | ts-play ${secs(a)} | ansible -m command ${secs(b)} | ansible takes ${ratio(a, b)} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, light: { type: 'string' } } });
  const runs = Number(values.runs ?? 5);
  const light = Number(values.light ?? 50);
  await buildEngine();
  const lines = [await measure({ name: 'the lab gateways', inventory: INVENTORY, pattern: 'gateways', hosts: 2 }, runs)];
  await lightHosts(light);
  lines.push(await measure({ name: 'light hosts', inventory: LIGHT_INVENTORY, pattern: 'light', hosts: light }, runs));
  await lightHosts(0);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
