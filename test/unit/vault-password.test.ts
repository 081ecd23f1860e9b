import test from 'ava';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { VaultError } from '../../src/vault/errors.ts';
import { getVaultPassword, parseVaultId, readPasswordFile } from '../../src/vault/password.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-pw-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

const noTty = () => ({ stdin: new PassThrough(), stderr: new PassThrough() });

test('a plain password file is stripped of surrounding whitespace, like ansible', (t) => {
  t.is(readPasswordFile(file('p1', '  s3cret pass \n\n')).toString(), 's3cret pass');
  t.is(readPasswordFile(file('p2', 'crlf\r\n')).toString(), 'crlf');
});

test('an executable password file is run and its stdout used, CR/LF stripped', (t) => {
  const script = file('p.sh', "#!/bin/sh\nprintf ' from script \\n'\n", 0o700);
  t.is(readPasswordFile(script).toString(), ' from script ');
});

test('a failing password script is an error naming it and its exit code', (t) => {
  const script = file('fail.sh', '#!/bin/sh\nexit 3\n', 0o700);
  const err = t.throws(() => readPasswordFile(script), { instanceOf: VaultError });
  t.is(err?.message, `vault password script ${script} exited with code 3`);
});

test('missing or empty password files are clear errors', (t) => {
  t.is(t.throws(() => readPasswordFile(join(dir, 'nope')))?.message, `vault password file ${join(dir, 'nope')} not found`);
  const empty = file('empty', ' \n');
  t.is(t.throws(() => readPasswordFile(empty))?.message, `vault password file ${empty} gave an empty password`);
  t.regex(t.throws(() => readPasswordFile(dir))?.message ?? '', /is not a regular file/);
});

test('sources in order: the option, then $TSPLAY_VAULT_PASSWORD_FILE', async (t) => {
  const a = file('a', 'from-option');
  const b = file('b', 'from-env');
  const env = { TSPLAY_VAULT_PASSWORD_FILE: b };
  t.is((await getVaultPassword({ passwordFile: a, env, io: noTty() })).toString(), 'from-option');
  t.is((await getVaultPassword({ env, io: noTty() })).toString(), 'from-env');
});

test('rekey ignores the environment for the new password', async (t) => {
  const b = file('b2', 'from-env');
  const err = await t.throwsAsync(getVaultPassword({ env: { TSPLAY_VAULT_PASSWORD_FILE: b }, io: noTty(), useEnv: false }));
  t.regex(err?.message ?? '', /^no vault password/);
});

test('no source and no terminal: a clear error instead of a hang', async (t) => {
  const err = await t.throwsAsync(getVaultPassword({ env: {}, io: noTty() }), { instanceOf: VaultError });
  t.is(
    err?.message,
    'no vault password: use --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD_FILE (standard input is not a terminal, cannot prompt)',
  );
});

test('--vault-id: label@source and a bare label', (t) => {
  t.deepEqual(parseVaultId('lab@vault/lab-password.txt'), { label: 'lab', source: 'vault/lab-password.txt' });
  t.deepEqual(parseVaultId('prod@prompt'), { label: 'prod', source: 'prompt' });
  t.deepEqual(parseVaultId('prod'), { label: 'prod' });
  t.throws(() => parseVaultId('bad;id'), { instanceOf: VaultError });
  t.throws(() => parseVaultId('@file'), { instanceOf: VaultError });
});
