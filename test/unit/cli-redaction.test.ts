// Issue 14: vaulted values escaped redaction where text was escaped or cut before it: a type
// error quoting the value (cut at 57 characters), argv shown shell-quoted in task names,
// --list-tasks and --json. The CLI runs here as a process, with a real vault, against a host
// that is this machine; the host must get the real value.
import test from 'ava';
import { leaksOf } from '../helpers/leaks.ts';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptVault } from '../../src/vault/format.ts';
import { tsplay } from '../helpers/cli.ts';

// Over 57 characters, with the quote that sh quoting escapes and the double quote JSON escapes.
const SECRET = `tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0-it's-"quoted"-and-longer-than-57-chars`;
const PASSWORD = 'h14-test-password';
const BOOK = 'test/fixtures/playbooks/secret-argv.ts';

function setup(extraVars = ''): { dir: string; inventory: string; pw: string; host: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-cli-redact-'));
  const host = join(dir, 'h1');
  mkdirSync(host);
  const pw = join(dir, 'pw');
  writeFileSync(pw, `${PASSWORD}\n`);
  const vaulted = encryptVault(SECRET, PASSWORD).trim().split('\n').map((l) => `        ${l}`).join('\n');
  writeFileSync(join(dir, 'hosts.yml'), `all:\n  hosts:\n    h1:\n      ansible_connection: local\n      step_dir: ${host}\n      tsplay_lock_file: ${join(host, 'lock')}\n      api_token: !vault |\n${vaulted}\n${extraVars}`);
  return { dir, inventory: join(dir, 'hosts.yml'), pw, host };
}

const leaks = (text: string): string[] => leaksOf(SECRET, text, 3);

test('--list-tasks: the task name quotes the argv, the secret in it is redacted', async (t) => {
  const s = setup();
  const r = await tsplay([BOOK, '-i', s.inventory, '--vault-password-file', s.pw, '--list-tasks']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /secret_argv : command sh -c .*<vaulted>/);
  t.deepEqual(leaks(r.stdout + r.stderr), []);
});

test('a run with --json: output and document redacted, the host got the real value', async (t) => {
  const s = setup();
  const json = join(s.dir, 'run.json');
  const r = await tsplay([BOOK, '-i', s.inventory, '--vault-password-file', s.pw, '-v', '--json', json]);
  t.is(r.code, 0, r.stderr);
  t.is(readFileSync(join(s.host, 'token'), 'utf8'), SECRET);
  t.deepEqual(leaks(r.stdout + r.stderr), []);
  t.deepEqual(leaks(readFileSync(json, 'utf8')), []);
  t.regex(readFileSync(json, 'utf8'), /<vaulted>/);
});

test('a type error quoting a vaulted value longer than 57 characters shows none of it', async (t) => {
  const vaulted = encryptVault(SECRET, PASSWORD).trim().split('\n').map((l) => `        ${l}`).join('\n');
  const s = setup(`      token_retries: !vault |\n${vaulted}\n`);
  const r = await tsplay([BOOK, '-i', s.inventory, '--vault-password-file', s.pw, '--list-tasks']);
  t.is(r.code, 1);
  t.regex(r.stderr, /variable token_retries from \S+hosts\.yml:\d+ must be a number \(role secret_argv\), got string "<vaulted>"/);
  t.deepEqual(leaks(r.stdout + r.stderr), []);
});
