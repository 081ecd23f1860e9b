import test from 'ava';
import { InventoryError } from '../../src/inventory/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { hostVars } from '../../src/inventory/vars.ts';
import { encryptVault } from '../../src/vault/format.ts';
import { PasswordVaultDecryptor } from '../../src/vault/decryptor.ts';
import { clearSecrets, redact, REDACTED } from '../../src/vault/redact.ts';
import type { VaultDecryptor } from '../../src/vault/types.ts';
import { FIX, ROOT, tempTree } from './inventory-helpers.ts';

/** The fixtures' test "vault": the header, then the plaintext in hex. Records what it was asked. */
class FakeVault implements VaultDecryptor {
  calls: string[] = [];
  decrypt(vaultText: string, source: string): string {
    this.calls.push(source);
    const [header, ...body] = vaultText.trim().split('\n');
    if (!header?.startsWith('$ANSIBLE_VAULT;1.1;AES256')) throw new Error('not a test vault');
    return Buffer.from(body.join('').trim(), 'hex').toString('utf8');
  }
}

class WrongPassword implements VaultDecryptor {
  decrypt(_text: string, source: string): string {
    throw new Error(`${source}: vault password is wrong`);
  }
}

test.serial('inline !vault values are decrypted with their file:line as the source', async (t) => {
  clearSecrets();
  const vault = new FakeVault();
  const inv = await loadInventory([`${FIX}/vaulted/hosts.yml`], { cwd: ROOT, vault });
  const gw1 = inv.hosts.get('gw1')!;
  t.is(gw1.vars['conntrackd_psk'], 's3cret-psk-gw1');
  t.is(gw1.vars['wan_interface'], 'eth0');
  t.true(vault.calls.includes(`${FIX}/vaulted/hosts.yml:8`));
  t.is(gw1.origins['conntrackd_psk'], `${FIX}/vaulted/hosts.yml:8`);
  t.is(redact('psk is s3cret-psk-gw1'), `psk is ${REDACTED}`);
});

test.serial('a whole-file vaulted vars file is decrypted, parsed and every string registered as a secret', async (t) => {
  clearSecrets();
  const vault = new FakeVault();
  const inv = await loadInventory([`${FIX}/vaulted/hosts.yml`], { cwd: ROOT, vault });
  t.true(vault.calls.includes(`${FIX}/vaulted/group_vars/all/vault.yml`));
  const { vars, origins } = hostVars(inv, 'gw1');
  t.is(vars['snmp_community'], 'community-secret');
  t.is(vars['api_token'], 'tok-12345');
  t.is(vars['vault_port'], 8200);
  t.is(vars['ntp_server'], '198.18.0.1');
  t.is(origins['api_token'], `${FIX}/vaulted/group_vars/all/vault.yml:2`);
  t.is(redact('token=tok-12345 community=community-secret'), `token=${REDACTED} community=${REDACTED}`);
  // Plain files are not secrets.
  t.is(redact('ntp 198.18.0.1'), 'ntp 198.18.0.1');
});

test('without a vault password an inline vaulted value names its file and line', async (t) => {
  const dir = await tempTree({
    'hosts.yml': 'all:\n  hosts:\n    gw1:\n      psk: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        6162636465\n',
  });
  const err = await t.throwsAsync(loadInventory(['hosts.yml'], { cwd: dir }), { instanceOf: InventoryError });
  t.is(err?.message, 'hosts.yml:4: needs a vault password: pass --vault-password-file');
});

test('without a vault password a vaulted vars file is named', async (t) => {
  const err = await t.throwsAsync(loadInventory([`${FIX}/vaulted/hosts.yml`], { cwd: ROOT, vault: undefined }), { instanceOf: InventoryError });
  t.regex(err!.message, /^test\/fixtures\/inventory\/vaulted\/hosts\.yml:8: needs a vault password/);
});

test('a decryptor failure becomes an InventoryError that keeps its message', async (t) => {
  const err = await t.throwsAsync(loadInventory([`${FIX}/vaulted/hosts.yml`], { cwd: ROOT, vault: new WrongPassword() }), {
    instanceOf: InventoryError,
  });
  t.is(err?.message, `${FIX}/vaulted/hosts.yml:8: vault password is wrong`);
});

test('real Ansible vault text, inline and whole-file, through the project decryptor', async (t) => {
  const inline = encryptVault('psk-from-real-vault', 'pw');
  const indented = inline.trim().split('\n').map((l) => `        ${l}`).join('\n');
  const dir = await tempTree({
    'hosts.yml': `all:\n  hosts:\n    gw1:\n      psk: !vault |\n${indented}\n      mtu: 1500\n`,
    'host_vars/gw1.yml': encryptVault('api_key: real-api-key\n', 'pw'),
  });
  const inv = await loadInventory(['hosts.yml'], { cwd: dir, vault: new PasswordVaultDecryptor('pw') });
  const { vars } = hostVars(inv, 'gw1');
  t.deepEqual(vars, { psk: 'psk-from-real-vault', mtu: 1500, api_key: 'real-api-key' });
});
