/**
 * `npm run bench`: ts-play against Ansible on the lab, same tasks on the same hosts, in one run.
 * Writes docs/benchmarks.md, docs/benchmarks.svg and the raw figures in docs/benchmarks.json
 * (with --only, the other target's figures are kept from the previous run). Needs root, the lab up, and the shared
 * lab lock around the whole run:
 *   flock /tmp/tsplay-lab.lock npm run bench -- [--runs N] [--first-runs N] [--light N] [--scale 50,200,500] [--only gateways,light,scale] [--scale-forks F (50)]
 * Not part of npm test. Leaves the gateways converged by ts-play and no light hosts. Builds the
 * engine first (not timed), and installs Debian's ansible-core and ansible-mitogen when missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchGateways, benchLight } from './lib/phases.ts';
import { chartBars, markdown, readPrevious, type Machine } from './lib/report.ts';
import { barChart } from './lib/chart.ts';
import { mergeKept, part, Results, saveResults, SCALE_PART, type SavedResults } from './lib/results.ts';
import { benchScale, scaleChart } from './lib/scale.ts';
import { buildEngine, MITOGEN_STRATEGIES, ROOT } from './lib/tools.ts';

const USAGE = 'usage: npm run bench -- [--runs N (3)] [--first-runs N (= runs)] [--light N (50)] [--scale N,N,... (50,200,500)] [--only gateways,light,scale] [--scale-forks F (50)] [--out FILE.md] [--report-only]';
const ONLY = ['gateways', 'light', 'scale'];

function count(name: string, v: string | undefined, dflt: number, min: number): number {
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`bench: --${name} must be a whole number >= ${min}, got "${v}"\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

/** Debian's ansible-core, installed when missing (the only thing the bench installs). */
function ensureAnsible(): string {
  let r = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write('bench: ansible-playbook missing, installing Debian\'s ansible-core\n');
    const apt = spawnSync('apt-get', ['install', '-y', 'ansible-core'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (apt.status !== 0) throw new Error(`apt-get install -y ansible-core exited ${apt.status}`);
    r = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  }
  return (/core [\d.]+/.exec(r.stdout)?.[0] ?? r.stdout.split('\n')[0] ?? '?').replace('core', 'ansible-core');
}

/** Debian's ansible-mitogen (0.3.3, made for its ansible-core 2.14), installed when missing. */
function ensureMitogen(): string {
  const version = () => spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'ansible-mitogen'], { encoding: 'utf8' });
  let r = version();
  if (r.status !== 0 || !existsSync(join(MITOGEN_STRATEGIES, 'mitogen_linear.py'))) {
    process.stderr.write('bench: ansible-mitogen missing, installing Debian\'s ansible-mitogen\n');
    const apt = spawnSync('apt-get', ['install', '-y', 'ansible-mitogen'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (apt.status !== 0) throw new Error(`apt-get install -y ansible-mitogen exited ${apt.status}`);
    r = version();
  }
  return `ansible-mitogen ${r.stdout.trim() || '?'}`;
}

function machine(ansible: string, mitogen: string): Machine {
  const ssh = spawnSync('ssh', ['-V'], { encoding: 'utf8' });
  return {
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    ansible,
    mitogen,
    openssh: (ssh.stderr || ssh.stdout).trim().split(',')[0] ?? '?',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      'first-runs': { type: 'string' },
      light: { type: 'string' },
      scale: { type: 'string' },
      only: { type: 'string' },
      'scale-forks': { type: 'string' },
      out: { type: 'string' },
      'report-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const runs = count('runs', values.runs, 3, 1);
  const firstRuns = count('first-runs', values['first-runs'], runs, 0);
  const light = count('light', values.light, 50, 1);
  const only = values.only?.split(',');
  if (only && (only.length === 0 || only.some((o) => !ONLY.includes(o)))) {
    process.stderr.write(`bench: --only takes one or more of ${ONLY.join(', ')}, comma separated\n${USAGE}\n`);
    process.exit(2);
  }
  const scaleForks = count('scale-forks', values['scale-forks'], 50, 1);
  const sizes = (values.scale ?? '50,200,500').split(',').map((v) => count('scale', v, 0, 1));
  if (process.getuid?.() !== 0 && !values['report-only']) throw new Error('the bench drives the lab: run it as root');
  const m = machine(ensureAnsible(), ensureMitogen());
  const res = new Results();
  const o = { runs, firstRuns, light, log: (s: string) => process.stdout.write(`${s}\n`) };
  const out = values.out ?? join(ROOT, 'docs/benchmarks.md');
  const json = out.replace(/\.md$/, '.json');
  const previous = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as SavedResults) : undefined;
  const write = () => {
    mkdirSync(dirname(out), { recursive: true });
    const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    const by = `\`npm run bench -- ${process.argv.slice(2).join(' ')}\` on ${m.date} at ${head || '?'}`;
    for (const c of res.cells) res.measuredBy[part(c.target, c.scenario)] = by;
    if (res.scale.length) res.measuredBy[SCALE_PART] = by;
    mergeKept(res, previous);
    writeFileSync(json, `${JSON.stringify(saveResults(res), null, 1)}\n`);
    writeFileSync(out, markdown(res, m, light, readPrevious(out)));
    writeFileSync(out.replace(/\.md$/, '.svg'), barChart(chartBars(res, light), `ts-play and Ansible, median wall time (${m.cores} cores)`));
    const sc = scaleChart(res.scale);
    if (sc) writeFileSync(out.replace(/\.md$/, '-scale.svg'), sc);
    process.stdout.write(`wrote ${out} and its chart\n`);
  };
  // --report-only rewrites the report from the saved figures, measuring nothing.
  if (values['report-only']) {
    if (!previous) throw new Error(`--report-only needs ${json}`);
    return write();
  }
  // Whatever was measured before a failure or a stop is still worth keeping (without hiding the
  // failure): gateway and light cells, or scale rounds alone.
  const keep = () => {
    if (!res.cells.length && !res.scale.length && !previous) return;
    try {
      write();
    } catch (e) {
      process.stderr.write(`bench: writing the report failed: ${(e as Error).stack ?? e}\n`);
    }
  };
  // A bench stopped from outside (a timeout around a round that overloads the lab) keeps what it
  // measured too; the light hosts it left are removed by `lab up --light 0`.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      process.stderr.write(`bench: ${sig}: writing what was measured, then stopping\n`);
      keep();
      process.exit(1);
    });
  }
  try {
    await buildEngine();
    if (!only || only.includes('gateways')) await benchGateways(res, o);
    if (!only || only.includes('light')) await benchLight(res, o);
    if (!only || only.includes('scale')) await benchScale(res, sizes, runs, o.log, scaleForks);
  } finally {
    keep();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exit(1);
});
