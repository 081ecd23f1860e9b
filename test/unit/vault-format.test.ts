import test from 'ava';
import { randomBytes } from 'node:crypto';
import { VaultError } from '../../src/vault/errors.ts';
import { decryptVault, encryptVault, parseEnvelope } from '../../src/vault/format.ts';

const PW = 'pw123';

// Written by ansible-vault 2.14 (Debian 12) with the password "pw123".
const ANSIBLE_11 = `$ANSIBLE_VAULT;1.1;AES256
34306631393135346331396631363266616139663362633535646138663233656536663133333865
3537626334363662626665626333653765393134383039660a613237653338636330616466343835
37323562633431353234376431353638626139343838396163323638343339356430366534343565
3835633366613863610a643038303061616164373638643239396134613466333635333064373333
64326663323366383764616637666539306362323738326334343638653130383336
`;
const ANSIBLE_12 = `$ANSIBLE_VAULT;1.2;AES256;fixture
39373932303931653735646662316164393436336362386364393063336239613334373330373664
6530356266633631353936613266383966626263386130650a643862633937343833353765393163
33303935336636316236663762646364353538383561326561336464373039393134363839393333
3439653266643965620a316432323865316433326637326665303162643830663937303932333131
3437
`;

function saltOf(envelope: string): Buffer {
  const inner = Buffer.from(parseEnvelope(envelope, 'x').body, 'hex').toString('latin1');
  return Buffer.from(inner.split('\n')[0]!, 'hex');
}

function errorOf(fn: () => unknown): VaultError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VaultError) return err;
    throw new Error(`expected a VaultError, got ${String(err)}`);
  }
  throw new Error('expected a VaultError, nothing was thrown');
}

test('decrypts files written by ansible-vault, 1.1 and 1.2', (t) => {
  t.is(decryptVault(ANSIBLE_11, PW, 'f.txt').toString('utf8'), 'ansible fixture: grüße\n');
  t.is(decryptVault(ANSIBLE_12, PW, 'g.txt').toString('utf8'), 'x');
  t.is(parseEnvelope(ANSIBLE_12, 'g.txt').vaultId, 'fixture');
});

test('with the same salt, output is byte-identical to ansible-vault', (t) => {
  t.is(encryptVault('ansible fixture: grüße\n', PW, { salt: saltOf(ANSIBLE_11) }), ANSIBLE_11);
  t.is(encryptVault('x', PW, { salt: saltOf(ANSIBLE_12), vaultId: 'fixture' }), ANSIBLE_12);
});

const sizes: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['1 byte', Buffer.from('a')],
  ['15 bytes', randomBytes(15)],
  ['16 bytes', randomBytes(16)],
  ['17 bytes', randomBytes(17)],
  ['multi-kilobyte', randomBytes(70_000)],
  ['unicode', Buffer.from('pässwörd ✓ 密码 🔐\nline two\n', 'utf8')],
];
for (const [name, plain] of sizes) {
  test(`round trip: ${name}`, (t) => {
    const env = encryptVault(plain, PW);
    t.true(decryptVault(env, PW, 'mem').equals(plain));
    const lines = env.split('\n');
    t.is(lines[0], '$ANSIBLE_VAULT;1.1;AES256');
    t.is(lines.at(-1), '', 'ends with a newline');
    t.true(lines.slice(1, -2).every((l) => l.length === 80), 'body wrapped at 80 columns');
    t.true(lines.at(-2)!.length > 0 && lines.at(-2)!.length <= 80);
  });
}

test('a fresh salt each time: same input, different envelopes', (t) => {
  t.not(encryptVault('same', PW), encryptVault('same', PW));
});

test('1.2 envelope with a vault id; "default" stays 1.1', (t) => {
  const env = encryptVault('secret', PW, { vaultId: 'prod' });
  t.true(env.startsWith('$ANSIBLE_VAULT;1.2;AES256;prod\n'));
  t.is(decryptVault(env, PW, 'mem').toString(), 'secret');
  t.true(encryptVault('secret', PW, { vaultId: 'default' }).startsWith('$ANSIBLE_VAULT;1.1;AES256\n'));
  t.is(errorOf(() => encryptVault('s', PW, { vaultId: 'a;b' })).kind, 'usage');
});

test('accepts CRLF line endings and the indentation of an inline value', (t) => {
  const crlf = ANSIBLE_11.replace(/\n/g, '\r\n');
  t.is(decryptVault(crlf, PW, 'f').toString(), 'ansible fixture: grüße\n');
  const inline = ANSIBLE_12.split('\n').map((l) => `  ${l}`).join('\n');
  t.is(decryptVault(inline, PW, 'f').toString(), 'x');
});

test('wrong password: exactly "vault password is wrong for FILE"', (t) => {
  const err = errorOf(() => decryptVault(ANSIBLE_11, 'not-it', 'group_vars/all/vault.yml'));
  t.is(err.message, 'vault password is wrong for group_vars/all/vault.yml');
  t.is(err.kind, 'password');
  t.is(err.source, 'group_vars/all/vault.yml');
  const inline = errorOf(() => decryptVault(ANSIBLE_12, 'nope', 'inventory/hosts.yml:12'));
  t.is(inline.message, 'vault password is wrong for inventory/hosts.yml:12');
});

/** Rebuilds an envelope after editing its decoded body. */
function editBody(envelope: string, edit: (parts: string[]) => string[]): string {
  const parsed = parseEnvelope(envelope, 'x');
  const inner = Buffer.from(parsed.body, 'hex').toString('latin1').split('\n');
  const body = Buffer.from(edit(inner).join('\n'), 'latin1').toString('hex');
  return `$ANSIBLE_VAULT;1.1;AES256\n${body.match(/.{1,80}/g)!.join('\n')}\n`;
}

const flip = (hex: string, i: number): string => hex.slice(0, i) + (hex[i] === '0' ? '1' : '0') + hex.slice(i + 1);

test('tampered HMAC or ciphertext is rejected before decrypting', (t) => {
  const plain = 'tamper-target-plaintext';
  const env = encryptVault(plain, PW);
  for (const tampered of [
    editBody(env, ([s, m, c]) => [s!, flip(m!, 5), c!]),
    editBody(env, ([s, m, c]) => [s!, m!, flip(c!, 3)]),
    editBody(env, ([s, m, c]) => [flip(s!, 0), m!, c!]),
  ]) {
    const err = errorOf(() => decryptVault(tampered, PW, 'vault/lab.yml'));
    t.is(err.message, 'vault password is wrong for vault/lab.yml');
    t.false(err.message.includes(plain));
  }
});

test('truncated files name the file and say what is wrong', (t) => {
  const env = encryptVault(randomBytes(300), PW);
  const lines = env.trimEnd().split('\n');
  const cases = [
    lines.slice(0, -1).join('\n'), // last line lost
    lines.slice(0, 3).join('\n'),
    env.slice(0, env.length - 7), // cut mid-line
    lines[0]!, // header only
    editBody(env, ([s, m]) => [s!, m!.slice(0, 40)]), // no ciphertext, short hmac
    editBody(env, ([s, m, c]) => [s!, m!, c!.slice(0, 30)]), // ciphertext not whole blocks
  ];
  for (const text of cases) {
    const err = errorOf(() => decryptVault(text, PW, 'vault/prod.yml'));
    t.is(err.kind, 'format', err.message);
    t.regex(err.message, /^vault\/prod\.yml: /);
  }
});

test('invalid hex and bad headers are clear errors naming the file', (t) => {
  const bad = ANSIBLE_11.replace('\n3537', '\n35zz');
  t.is(errorOf(() => decryptVault(bad, PW, 'a.yml')).message, 'a.yml: vault body is not valid hex (envelope line 3)');
  t.is(errorOf(() => decryptVault('hello: world\n', PW, 'b.yml')).message, 'b.yml is not vault-encrypted (no $ANSIBLE_VAULT header)');
  t.regex(errorOf(() => decryptVault(ANSIBLE_11.replace(';1.1;', ';9.9;'), PW, 'c.yml')).message, /^c\.yml: unsupported vault format version "9\.9"/);
  t.regex(errorOf(() => decryptVault(ANSIBLE_11.replace('AES256', 'AES'), PW, 'd.yml')).message, /^d\.yml: unsupported vault cipher "AES"/);
  t.regex(errorOf(() => decryptVault('$ANSIBLE_VAULT;1.2;AES256\n3031\n', PW, 'e.yml')).message, /^e\.yml: malformed vault header/);
});

test('an empty password cannot encrypt', (t) => {
  t.is(errorOf(() => encryptVault('x', '')).kind, 'usage');
});
