/**
 * ts-play and Debian's real ansible-vault (package ansible-core) read each other's files.
 * Every ansible call costs ~0.3-1.5 s, so each case is one round trip in each direction.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { PasswordVaultDecryptor } from '../../src/vault/decryptor.ts';
import { encryptVault } from '../../src/vault/format.ts';
import { runVault } from '../helpers/vault-cli.ts';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-ansible-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const PW = `integration-${randomBytes(4).toString('hex')}`;
const pwFile = join(dir, 'pw.txt');
writeFileSync(pwFile, `${PW}\n`, { mode: 0o600 });
// Keeps ansible's own temp files inside the test directory.
const ansibleEnv = { ...process.env, ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'), ANSIBLE_NOCOLOR: '1' };

let n = 0;
const file = (name: string, content?: Buffer | string): string => {
  const p = join(dir, `${n++}-${name}`);
  if (content !== undefined) writeFileSync(p, content);
  return p;
};

async function ansible(cmd: string, args: string[]): Promise<Buffer> {
  try {
    const { stdout } = await exec(cmd, args, { env: ansibleEnv, encoding: 'buffer', maxBuffer: 1 << 24 });
    return stdout;
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error(`${cmd} not found: install Debian's ansible-core package`);
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.toString().trim()}`);
  }
}

const tsPlay = (argv: string[], stdin = '') => runVault(argv, { stdin });

const sizes: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['1 byte', Buffer.from('z')],
  ['17 bytes', Buffer.from('seventeen bytes!\n')],
  ['multi-kilobyte unicode', Buffer.from(`${'grüße, 密码, ✓ '.repeat(400)}\n`, 'utf8')],
];

for (const [name, plain] of sizes) {
  test(`${name}: ansible-vault decrypts ts-play's file and ts-play decrypts ansible-vault's`, async (t) => {
    const ours = file('ours.vault', encryptVault(plain, PW));
    t.true((await ansible('ansible-vault', ['decrypt', '--vault-password-file', pwFile, '--output', '-', ours])).equals(plain));

    const theirs = file('theirs.vault');
    await ansible('ansible-vault', ['encrypt', '--vault-password-file', pwFile, '--output', theirs, file('plain', plain)]);
    t.true(readFileSync(theirs, 'utf8').startsWith('$ANSIBLE_VAULT;1.1;AES256\n'));
    const r = await tsPlay(['decrypt', '--vault-password-file', pwFile, '--output', '-', theirs]);
    t.is(r.code, 0, r.stderr);
    t.true(r.stdout.equals(plain));
  });
}

test('vault id (format 1.2) both ways with --vault-id label@passwordfile', async (t) => {
  const plain = `vault_vrrp_auth_pass: ${randomBytes(4).toString('hex')}\n`;
  const src = file('id.yml', plain);
  const ours = file('id-ours.vault');
  t.is((await tsPlay(['encrypt', '--vault-id', `gateway@${pwFile}`, '--output', ours, src])).code, 0);
  t.true(readFileSync(ours, 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;gateway\n'));
  t.is((await ansible('ansible-vault', ['view', '--vault-id', `gateway@${pwFile}`, ours])).toString(), plain);

  const theirs = file('id-theirs.vault');
  await ansible('ansible-vault', ['encrypt', '--vault-id', `gateway@${pwFile}`, '--output', theirs, src]);
  t.true(readFileSync(theirs, 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;gateway\n'));
  const r = await tsPlay(['view', '--vault-id', `gateway@${pwFile}`, theirs]);
  t.is(r.stdout.toString(), plain, r.stderr);
});

test('an executable password file gives both tools the same password', async (t) => {
  // Inner spaces and a trailing CRLF: ansible strips only the CR/LF of a script's output.
  const script = file('pw.sh', `#!/bin/sh\nprintf ' spaced ${PW} \\r\\n'\n`);
  chmodSync(script, 0o700);
  const theirs = file('script.vault');
  await ansible('ansible-vault', ['encrypt', '--vault-password-file', script, '--output', theirs, file('p', 'via script')]);
  const r = await tsPlay(['view', '--vault-password-file', script, theirs]);
  t.is(r.stdout.toString(), 'via script', r.stderr);
});

test('encrypt-string output is read by ansible as a variable', async (t) => {
  const value = `webhook-${randomBytes(6).toString('hex')}`;
  const r = await tsPlay(['encrypt-string', '--vault-password-file', pwFile, 'vault_test_value'], `${value}\n`);
  t.is(r.code, 0, r.stderr);
  const vars = file('vars.yml', `${r.stdout}other: plain\n`);
  const out = await ansible('ansible', ['localhost', '-m', 'debug', '-a', 'var=vault_test_value', '-e', `@${vars}`, '--vault-password-file', pwFile]);
  t.regex(out.toString(), new RegExp(`"vault_test_value": "${value}"`));
});

test("ansible-vault encrypt_string output is decrypted through ts-play's !vault path", async (t) => {
  const value = `psk-${randomBytes(8).toString('base64')}`;
  const yamlText = (await ansible('ansible-vault', ['encrypt_string', '--vault-password-file', pwFile, '--name', 'vault_sync_psk', value])).toString();
  const tagged = parse(yamlText, { customTags: [{ tag: '!vault', resolve: (s: string) => ({ vaulted: s }) }] }) as Record<string, { vaulted: string }>;
  const dec = new PasswordVaultDecryptor(PW);
  t.is(dec.decrypt(tagged.vault_sync_psk!.vaulted, 'vars.yml:1'), value);
});

test("the repo's lab vault opens with ansible-vault and the lab password file", async (t) => {
  const root = resolve(import.meta.dirname, '../..');
  const out = await ansible('ansible-vault', ['view', '--vault-password-file', join(root, 'vault/lab-password.txt'), join(root, 'vault/lab.yml')]);
  const doc = parse(out.toString()) as Record<string, unknown>;
  for (const key of ['vault_vrrp_auth_pass', 'vault_sync_psk', 'vault_grafana_admin_password', 'vault_alert_webhook_url']) {
    t.is(typeof doc[key], 'string', key);
  }
  t.is((doc.vault_vrrp_auth_pass as string).length, 8);
  t.is(Buffer.from(doc.vault_sync_psk as string, 'base64').length, 32);
  t.regex(doc.vault_alert_webhook_url as string, /^http:\/\/198\.1[89]\.\d+\.\d+:\d+\//);
});
