// Issue 14: after a killed run, every run (--check included) failed with "lynis-report.dat has
// no hardening_index (audit interrupted?)", and an audit killed outright leaves lynis's PID file,
// with which every later `lynis --cronjob` quits at once. Both are recognised and redone. The
// probe and the audit run on a real sh with a fake lynis that behaves as lynis 3.0.8 does.
import test from 'ava';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../src/connection/local.ts';
import { lynisAudit } from '../../../roles/hardening/lynis.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { readAndCompare } from '../../helpers/run-task.ts';

const FULL = 'lynis_version=3.0.8\nhardening_index=71\nreport_datetime_end=2026-11-26 10:00:00\n';

function host() {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-lynis-'));
  const report = join(dir, 'lynis-report.dat');
  const pid = join(dir, 'lynis.pid');
  // Like lynis --cronjob: quit when a PID file exists; else write the report progressively.
  const fake = join(dir, 'lynis');
  writeFileSync(fake, `#!/bin/sh
[ -f '${pid}' ] && { echo "Quitting, to prevent multiple cron jobs running at the same time"; exit 1; }
echo $$ > '${pid}'
printf 'lynis_version=3.0.8\\n' > '${report}'
printf 'hardening_index=71\\nreport_datetime_end=2026-11-26 10:00:00\\n' >> '${report}'
rm -f '${pid}'
`);
  chmodSync(fake, 0o755);
  const conn = new LocalConnection('gw2', { env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` } });
  const task = lynisAudit({ minIndex: 60, belowMin: 'fail', maxAgeHours: 24, watch: [], report, pidFiles: [pid] });
  return { dir, report, pid, conn, task };
}

test('a half-written report (no hardening_index) is a change, not a failure: --check says it would audit', async (t) => {
  const h = host();
  writeFileSync(h.report, 'lynis_version=3.0.8\nreport_datetime_start=2026-11-26 09:59:00\nwarning[]=X|y|\n');
  const cmp = await readAndCompare(h.task, h.conn, makeFacts());
  t.is(cmp.status, 'change');
  t.is(cmp.reason, 'audit: the last report is incomplete (an audit was interrupted)');
});

test('a complete, current report is still reused as it is', async (t) => {
  const h = host();
  writeFileSync(h.report, FULL);
  const cmp = await readAndCompare(h.task, h.conn, makeFacts());
  t.is(cmp.status, 'ok');
});

test('the PID file a killed audit left is removed, and the audit runs', async (t) => {
  const h = host();
  writeFileSync(h.pid, '999999\n');
  const out = await h.task.apply(h.conn, { why: 'x' }, makeFacts());
  t.regex(out!.reason!, /^hardening_index 71 \(min 60\)/);
  t.false(existsSync(h.pid));
  t.is(readFileSync(h.report, 'utf8'), FULL);
});

test('an audit still running (its lynis alive) is waited for, then the audit runs', async (t) => {
  const h = host();
  const running = join(h.dir, 'lynis-still-running');
  writeFileSync(running, '#!/bin/sh\nsleep 2\n');
  chmodSync(running, 0o755);
  const other = spawn(running, [], { stdio: 'ignore' });
  writeFileSync(h.pid, `${other.pid}\n`);
  const t0 = Date.now();
  const out = await h.task.apply(h.conn, { why: 'x' }, makeFacts());
  t.true(Date.now() - t0 >= 1500, 'waited for the running audit');
  t.regex(out!.reason!, /^hardening_index 71/);
});
