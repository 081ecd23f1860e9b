/**
 * `npm test`: type check, unit tests, then the integration tests against the lab, which this
 * script brings up first and takes down at the end whatever happened. The integration files run
 * one at a time: they share the lab's hosts. The last line is the plain "N passed, N failed"
 * summary.
 *
 * `npm run test:acceptance` (`acceptance`): the chaos and safety files of test/acceptance/, which
 * kill ts-play mid-rollout, reboot gateways under traffic and hold traffic through takeovers. They
 * need minutes each, so they are their own suite: `npm test` stays under 30 minutes on a 2-core
 * machine, and CI runs both (.ci/run).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin/ts-play.js');
const keepLab = process.env.TSPLAY_KEEP_LAB === '1';

interface Tally { passed: number; failed: number }

function run(cmd: string, args: string[], tap = false): Promise<{ code: number; tally: Tally }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    const tally: Tally = { passed: 0, failed: 0 };
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (!tap) return;
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        if (/^ok \d+/.test(l)) tally.passed++;
        else if (/^not ok \d+/.test(l)) tally.failed++;
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, tally }));
  });
}

const args = process.argv.slice(2);
/** "unit", "integration" or "acceptance"; unit and integration when absent. */
const only = args[0];
if (only !== undefined && !['unit', 'integration', 'acceptance'].includes(only)) {
  console.log(`test/run.ts: unknown suite "${only}" (unit, integration or acceptance)`);
  process.exit(1);
}
const total: Tally = { passed: 0, failed: 0 };
const timings: string[] = [];
const dir = only === 'acceptance' ? 'test/acceptance' : 'test/integration';
let failed = false;

function add(r: { code: number; tally: Tally }): void {
  total.passed += r.tally.passed;
  total.failed += r.tally.failed;
  if (r.code !== 0) failed = true;
}

// The machine packages the tests call (shellcheck, nft, ansible-core, promtool, the lab's tools):
// the README's `npm test` must pass on a fresh machine, so it installs them itself. The script only
// runs apt-get when something is missing, so this costs about a second on a machine that has them.
const setup = await run('bash', [join(root, 'scripts/install-machine-packages.sh')]);
if (setup.code !== 0) {
  console.log('installing the machine packages the tests need failed (scripts/install-machine-packages.sh)');
  console.log('\n0 passed, 0 failed');
  process.exit(1);
}

if (only === undefined || only === 'unit') {
  const tsc = await run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  if (tsc.code !== 0) {
    console.log('type check failed');
    failed = true;
  }
  add(await run('npx', ['ava', '--tap', 'test/unit/**/*.test.ts'], true));
}
if (only !== 'unit' && !failed) {
  const up = await run('node', [bin, 'lab', 'up']);
  if (up.code !== 0) {
    console.log('lab up failed: integration tests not run');
    failed = true;
  } else {
    try {
      // The ARP-mode files first (the lab's default pair); bgp.test.ts turns the pair into a
      // bgp-mode pair and back to bare hosts; lab.test.ts takes the lab down and up again: it
      // runs after every file that needs the hosts.
      const files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.test.ts')).sort();
      const last = ['bgp.test.ts', 'lab.test.ts'];
      const ordered = [...files.filter((f) => !last.includes(f)), ...last.filter((f) => files.includes(f))];
      for (const f of ordered) {
        const started = Date.now();
        const r = await run('npx', ['ava', '--tap', '--serial', `${dir}/${f}`], true);
        add(r);
        // Where the suite's time goes, so a file that grows is seen before the suite outgrows its budget.
        timings.push(`${f} ${((Date.now() - started) / 1000).toFixed(0)} s${r.code === 0 ? '' : ' (failed)'}`);
      }
    } finally {
      if (!keepLab) await run('node', [bin, 'lab', 'down']);
    }
  }
}
if (timings.length > 0) console.log(`\n# ${dir} time per file: ${timings.join(', ')}`);
console.log(`\n${total.passed} passed, ${total.failed} failed`);
process.exit(failed || total.failed > 0 ? 1 : 0);
