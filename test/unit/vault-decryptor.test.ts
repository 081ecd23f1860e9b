import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVaultedYaml, PasswordVaultDecryptor } from '../../src/vault/decryptor.ts';
import { VaultError } from '../../src/vault/errors.ts';
import { encryptVault } from '../../src/vault/format.ts';
import { REDACTED, redact } from '../../src/vault/redact.ts';

// Secrets are process-wide and tests run concurrently: every test uses values of its own.
const uniq = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;
const PW = 'decryptor-pw';
const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-dec-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('an inline value is decrypted and redacted from then on', (t) => {
  const secret = uniq('inline');
  const dec = new PasswordVaultDecryptor(PW);
  t.is(redact(`value=${secret}`), `value=${secret}`, 'not secret before it is decrypted');
  t.is(dec.decrypt(encryptVault(secret, PW), 'inventory/hosts.yml:7'), secret);
  t.is(redact(`value=${secret}`), `value=${REDACTED}`);
});

test('a value with ": " in it is redacted whole', (t) => {
  const secret = `${uniq('p')}: ${uniq('q')}`;
  new PasswordVaultDecryptor(PW).decrypt(encryptVault(secret, PW), 'x:1');
  t.is(redact(`[${secret}]`), `[${REDACTED}]`);
});

test('a vaulted vars file registers its values, not its keys or comments', (t) => {
  const a = uniq('alpha');
  const b = uniq('beta');
  const text = `# lab secrets, keep out of logs\nvault_first_key: ${a}\nvault_nested:\n  list:\n    - ${b}\n  port: 51820123\n`;
  new PasswordVaultDecryptor(PW).decrypt(encryptVault(text, PW), 'vault/x.yml');
  t.is(redact(`${a} and ${b}`), `${REDACTED} and ${REDACTED}`);
  t.is(redact('51820123'), REDACTED, 'numbers are values too');
  t.is(redact('vault_first_key vault_nested: # lab secrets'), 'vault_first_key vault_nested: # lab secrets');
});

test('a multi-line secret that is not YAML (a key) is redacted line by line', (t) => {
  const l1 = uniq('KEYLINE1');
  const l2 = uniq('KEYLINE2');
  const pem = `-----BEGIN TEST KEY----- ${l1}\n%${l2}\n`;
  new PasswordVaultDecryptor(PW).decrypt(encryptVault(pem, PW), 'k');
  t.is(redact(`x %${l2} y`), `x ${REDACTED} y`);
  t.is(redact(`[-----BEGIN TEST KEY----- ${l1}]`), `[${REDACTED}]`);
});

test('wrong password through the decryptor names the source', (t) => {
  const env = encryptVault('whatever', PW);
  const err = t.throws(() => new PasswordVaultDecryptor('other').decrypt(env, 'group_vars/gw.yml:3'), { instanceOf: VaultError });
  t.is(err?.message, 'vault password is wrong for group_vars/gw.yml:3');
});

test('loadVaultedYaml returns the parsed document and registers its strings', (t) => {
  const psk = randomBytes(32).toString('base64');
  const path = join(dir, 'lab.yml');
  writeFileSync(path, encryptVault(`vault_sync_psk: "${psk}"\nvault_count: 3\n`, PW));
  const doc = loadVaultedYaml(path, new PasswordVaultDecryptor(PW));
  t.deepEqual(doc, { vault_sync_psk: psk, vault_count: 3 });
  t.is(redact(`psk=${psk}`), `psk=${REDACTED}`);
});

test('loadVaultedYaml refuses a plaintext file and does not leak bad YAML', (t) => {
  const plain = join(dir, 'plain.yml');
  writeFileSync(plain, 'vault_x: 1\n');
  t.is(t.throws(() => loadVaultedYaml(plain, new PasswordVaultDecryptor(PW)))?.message, `${plain} is not vault-encrypted (no $ANSIBLE_VAULT header)`);

  const hidden = uniq('hidden');
  const broken = join(dir, 'broken.yml');
  writeFileSync(broken, encryptVault(`ok: 1\nbad: [${hidden}\n`, PW));
  const err = t.throws(() => loadVaultedYaml(broken, new PasswordVaultDecryptor(PW)), { instanceOf: VaultError });
  t.regex(err?.message ?? '', new RegExp(`^${broken}: decrypted content is not valid YAML \\(line \\d+, column \\d+\\)$`));
  t.false(err?.message.includes(hidden));
});

test('loadVaultedYaml: a missing file is an error naming it', (t) => {
  const missing = join(dir, 'missing.yml');
  t.is(t.throws(() => loadVaultedYaml(missing, new PasswordVaultDecryptor(PW)))?.message, `cannot read ${missing}: ENOENT`);
});
