// Issue 14: a guarded change (ruleset, sshd drop-in) reverts by itself when the control side dies
// between the activation and the confirmation. ts-play is killed with SIGKILL at that point; the
// revert armed on the host before the change must survive the end of every command of the run.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('ts-play killed after the activation, before the confirmation: the host restores the previous file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-guard-killed-'));
  const path = join(dir, 'rules.conf');
  const log = join(dir, 'activations.log');
  writeFileSync(path, 'old\n');
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/guarded-killed.ts'), path, log, join(dir, 'state')], { stdio: 'ignore' });
  const t0 = Date.now();
  while (!(existsSync(log) && readFileSync(log, 'utf8') === 'new\n') && Date.now() - t0 < 20_000) await sleep(100);
  t.is(readFileSync(path, 'utf8'), 'new\n', 'the new file was activated');
  child.kill('SIGKILL');
  // window 5 s from arming; the detached timer is not part of any killed command. The revert
  // restores the file, re-activates it, then records its exit status: wait for that record.
  const reverted = () => readdirSync(join(dir, 'state')).find((f) => f.endsWith('.reverted'));
  while (!reverted() && Date.now() - t0 < 30_000) await sleep(200);
  t.truthy(reverted(), 'the host ran the revert');
  t.is(readFileSync(path, 'utf8'), 'old\n', 'reverted by the host');
  t.is(readFileSync(log, 'utf8'), 'new\nold\n', 're-activated with the previous file');
});
