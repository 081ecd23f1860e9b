import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVault } from '../helpers/vault-cli.ts';
import { decryptVault, encryptVault } from '../../src/vault/format.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-cli-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const PW = 'cli-test-password';
const pwFile = join(dir, 'pw.txt');
writeFileSync(pwFile, `${PW}\n`);
const pw2File = join(dir, 'pw2.txt');
writeFileSync(pw2File, 'second-password\n');

let n = 0;
function path(name: string, content?: string): string {
  const p = join(dir, `${n++}-${name}`);
  if (content !== undefined) writeFileSync(p, content);
  return p;
}

async function run(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = await runVault(argv, opts);
  return { ...r, stdout: r.stdout.toString() };
}

test('encrypt in place, view, decrypt in place', async (t) => {
  const f = path('secrets.yml', 'token: abc123\n');
  t.is((await run(['encrypt', '--vault-password-file', pwFile, f])).code, 0);
  t.true(readFileSync(f, 'utf8').startsWith('$ANSIBLE_VAULT;1.1;AES256\n'));
  const view = await run(['view', f], { env: { TSPLAY_VAULT_PASSWORD_FILE: pwFile } });
  t.is(view.code, 0);
  t.is(view.stdout, 'token: abc123\n');
  t.is((await run(['decrypt', '--vault-password-file', pwFile, f])).code, 0);
  t.is(readFileSync(f, 'utf8'), 'token: abc123\n');
});

test('--output, "-" for stdout, and --vault-id label@file writes 1.2', async (t) => {
  const f = path('in.txt', 'payload');
  const out = path('out.vault');
  t.is((await run(['encrypt', '--vault-id', `lab@${pwFile}`, '--output', out, f])).code, 0);
  t.is(readFileSync(f, 'utf8'), 'payload', 'input left alone');
  t.true(readFileSync(out, 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;lab\n'));
  t.is(statSync(out).mode & 0o777, 0o600);
  const dec = await run(['decrypt', '--vault-password-file', pwFile, '--output', '-', out]);
  t.is(dec.stdout, 'payload');
});

test('encrypting an encrypted file is refused and leaves it as it was', async (t) => {
  const f = path('twice.txt', encryptVault('x', PW));
  const before = readFileSync(f, 'utf8');
  const r = await run(['encrypt', '--vault-password-file', pwFile, f]);
  t.not(r.code, 0);
  t.is(r.stderr, `ts-play vault: ${f} is already vault-encrypted\n`);
  t.is(readFileSync(f, 'utf8'), before);
});

test('wrong password: one line, non-zero, no content', async (t) => {
  const f = path('w.yml', encryptVault('very-private-content', PW));
  const r = await run(['view', '--vault-password-file', pw2File, f]);
  t.is(r.code, 1);
  t.is(r.stderr, `ts-play vault: vault password is wrong for ${f}\n`);
  t.is(r.stdout, '');
});

test('damaged file and usage errors are one line, never a stack trace', async (t) => {
  const f = path('cut.yml', encryptVault('abc', PW).slice(0, 100));
  const r = await run(['decrypt', '--vault-password-file', pwFile, f]);
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`^ts-play vault: ${f}: vault .*\\n$`));
  for (const argv of [['frobnicate', 'x'], ['view'], ['encrypt', '--bogus', 'x'], ['encrypt-string', 'bad-name']]) {
    const u = await run(argv);
    t.is(u.code, 1, argv.join(' '));
    t.regex(u.stderr, /^ts-play vault: [^\n]+\n$/);
  }
  const missing = await run(['view', '--vault-password-file', pwFile, join(dir, 'nope')]);
  t.is(missing.stderr, `ts-play vault: cannot read ${join(dir, 'nope')}: no such file\n`);
});

test('rekey with a new password file keeps the vault id', async (t) => {
  const f = path('rk.yml', encryptVault('rekey me', PW, { vaultId: 'prod' }));
  const r = await run(['rekey', '--vault-password-file', pwFile, '--new-vault-password-file', pw2File, f]);
  t.is(r.code, 0, r.stderr);
  const text = readFileSync(f, 'utf8');
  t.true(text.startsWith('$ANSIBLE_VAULT;1.2;AES256;prod\n'));
  t.is(decryptVault(text, 'second-password', f).toString(), 'rekey me');
  t.throws(() => decryptVault(text, PW, f));
});

test('encrypt-string reads the value from stdin and prints a pasteable YAML value', async (t) => {
  const r = await run(['encrypt-string', '--vault-password-file', pwFile, 'vault_db_pass'], { stdin: 'p@ss: w0rd\n' });
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.is(lines[0], 'vault_db_pass: !vault |');
  t.is(lines[1], '          $ANSIBLE_VAULT;1.1;AES256');
  const envelope = lines.slice(1).map((l) => l.trim()).join('\n');
  t.is(decryptVault(envelope, PW, 'stdout').toString(), 'p@ss: w0rd', 'one trailing newline dropped');
  const empty = await run(['encrypt-string', '--vault-password-file', pwFile, 'v'], { stdin: '' });
  t.is(empty.stderr, 'ts-play vault: no value given for v\n');
});

/** An $EDITOR that records the file it got and that file's mode, then runs `action`. */
function editor(name: string, action: string): { cmd: string; log: string } {
  const log = path(`${name}.log`);
  const script = path(`${name}.sh`, `#!/bin/sh\nprintf '%s %s\\n' "$1" "$(stat -c %a "$1")" > '${log}'\n${action}\n`);
  chmodSync(script, 0o700);
  return { cmd: script, log };
}

const loggedFile = (log: string): { file: string; mode: string } => {
  const [file, mode] = readFileSync(log, 'utf8').trim().split(' ');
  return { file: file!, mode: mode! };
};

test('edit: plaintext only in a 0600 file on /dev/shm, removed after, re-encrypted with the same id', async (t) => {
  const f = path('e.yml', encryptVault('a: 1\n', PW, { vaultId: 'lab' }));
  const ed = editor('append', `printf 'b: 2\\n' >> "$1"`);
  const r = await run(['edit', '--vault-password-file', pwFile, f], { env: { EDITOR: ed.cmd, PATH: process.env.PATH } });
  t.is(r.code, 0, r.stderr);
  const seen = loggedFile(ed.log);
  t.true(seen.file.startsWith('/dev/shm/'));
  t.is(seen.mode, '600');
  t.false(existsSync(seen.file));
  const text = readFileSync(f, 'utf8');
  t.true(text.startsWith('$ANSIBLE_VAULT;1.2;AES256;lab\n'));
  t.is(decryptVault(text, PW, f).toString(), 'a: 1\nb: 2\n');
});

test('edit without changes does not rewrite the file', async (t) => {
  const f = path('same.yml', encryptVault('same\n', PW));
  const before = readFileSync(f, 'utf8');
  const ed = editor('noop', 'true');
  const r = await run(['edit', '--vault-password-file', pwFile, f], { env: { EDITOR: ed.cmd } });
  t.is(r.code, 0);
  t.is(readFileSync(f, 'utf8'), before, 'same salt: not re-encrypted');
});

test('edit: a failing editor leaves the vault unchanged and the temp file removed', async (t) => {
  const f = path('fail.yml', encryptVault('keep\n', PW));
  const before = readFileSync(f, 'utf8');
  const ed = editor('fail', `printf 'half-typed\\n' >> "$1"; exit 4`);
  const r = await run(['edit', '--vault-password-file', pwFile, f], { env: { EDITOR: ed.cmd } });
  t.is(r.code, 1);
  t.is(r.stderr, `ts-play vault: editor "${ed.cmd}" exited with code 4; ${f} left unchanged\n`);
  t.is(readFileSync(f, 'utf8'), before);
  t.false(existsSync(loggedFile(ed.log).file));
});

test('create writes a new vault, refuses an existing file', async (t) => {
  const f = path('new.yml');
  const ed = editor('create', `printf 'vault_new: x1y2z3\\n' > "$1"`);
  const r = await run(['create', '--vault-password-file', pwFile, f], { env: { EDITOR: ed.cmd } });
  t.is(r.code, 0, r.stderr);
  t.is(decryptVault(readFileSync(f, 'utf8'), PW, f).toString(), 'vault_new: x1y2z3\n');
  t.is(statSync(f).mode & 0o777, 0o600);
  const again = await run(['create', '--vault-password-file', pwFile, f], { env: { EDITOR: ed.cmd } });
  t.is(again.code, 1);
  t.is(again.stderr, `ts-play vault: ${f} exists, use "ts-play vault edit"\n`);
});

test('edit: a signal while the editor runs aborts the edit and still removes the temp file', async (t) => {
  // In a child process: the signal goes to ts-play itself, as Ctrl-C or a closed terminal would.
  const f = path('sig.yml', encryptVault('before\n', PW));
  const before = readFileSync(f, 'utf8');
  const ed = editor('sig', `kill -TERM $PPID; sleep 0.3; printf 'after\\n' >> "$1"`);
  const script = "import { vaultCommand } from './src/cli/vault.ts'; process.exitCode = await vaultCommand(process.argv.slice(1));";
  const root = join(import.meta.dirname, '../..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'edit', '--vault-password-file', pwFile, f], {
    cwd: root,
    env: { ...process.env, EDITOR: ed.cmd },
    encoding: 'utf8',
  });
  t.is(r.status, 1);
  t.is(r.stderr, `ts-play vault: interrupted by SIGTERM; ${f} left unchanged\n`);
  t.is(readFileSync(f, 'utf8'), before);
  t.false(existsSync(loggedFile(ed.log).file));
});
