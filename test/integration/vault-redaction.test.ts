import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_INVENTORY, LAB_VAULT_ARGS, labExec, recap, tsplay } from '../helpers/cli.ts';

const PLAYBOOK = 'test/fixtures/playbooks/secret.ts';
const path = '/etc/tsplay-secret-test.conf';

async function labPsk(): Promise<string> {
  const r = await tsplay(['vault', 'view', 'vault/lab.yml', ...LAB_VAULT_ARGS]);
  const m = /^vault_sync_psk: "(.+)"$/m.exec(r.stdout);
  if (!m) throw new Error('vault_sync_psk not found in the lab vault');
  return m[1]!;
}

test('a vaulted value used in a template reaches the host but never --diff, --json or the log', async (t) => {
  const psk = await labPsk();
  await labExec('gw1', ['rm', '-f', path]);
  const out = mkdtempSync(join(tmpdir(), 'tsp-redact-'));
  const json = join(out, 'run.json');
  const args = [PLAYBOOK, '-i', LAB_INVENTORY, '-e', '@vault/lab.yml', '-e', `secret_path=${path}`, ...LAB_VAULT_ARGS, '--diff', '-v'];

  const check = await tsplay([...args, '--check', '--json', json]);
  t.is(check.code, 0, check.stderr);
  t.is(recap(check.stdout, 'gw1')?.changed, 1);
  t.regex(check.stdout, /\+psk = <vaulted>/);
  for (const text of [check.stdout, check.stderr, readFileSync(json, 'utf8')]) t.false(text.includes(psk));
  t.not((await labExec('gw1', ['test', '-e', path])).code, 0, '--check created nothing');

  const apply = await tsplay([...args, '--json', json]);
  t.is(apply.code, 0, apply.stderr);
  t.true(readFileSync(json, 'utf8').includes('<vaulted>'));
  for (const text of [apply.stdout, apply.stderr, readFileSync(json, 'utf8')]) t.false(text.includes(psk));
  const onHost = await labExec('gw1', ['cat', path]);
  t.true(onHost.stdout.includes(`psk = ${psk}`), 'the host receives the real value');

  const again = await tsplay(args);
  t.is(recap(again.stdout, 'gw1')?.changed, 0);
  await labExec('gw1', ['rm', '-f', path]);
});

test('a wrong vault password stops the run before any host is contacted, without showing content', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-badpw-'));
  const pw = join(dir, 'pw');
  (await import('node:fs')).writeFileSync(pw, 'not-the-password\n');
  const r = await tsplay([PLAYBOOK, '-i', LAB_INVENTORY, '-e', '@vault/lab.yml', '--vault-password-file', pw]);
  t.is(r.code, 1);
  t.regex(r.stderr, /vault password is wrong for vault\/lab\.yml/);
  t.false(r.stdout.includes('PLAY RECAP'));
});
