import test from 'ava';
import { randomBytes } from 'node:crypto';
import { REDACTED, redact, redactDeep, registerSecret } from '../../src/vault/redact.ts';

const uniq = (prefix: string): string => `${prefix}${randomBytes(6).toString('hex')}`;

test('redactDeep catches secrets that JSON would escape (quotes, backslashes)', (t) => {
  const secret = uniq('pa"ss\\wo\nrd');
  registerSecret(secret);
  const out = redactDeep({ msg: `x ${secret} y`, list: [secret], [secret]: 1, n: 5, ok: true, none: null });
  t.deepEqual(out, { msg: `x ${REDACTED} y`, list: [REDACTED], [REDACTED]: 1, n: 5, ok: true, none: null });
  t.false(JSON.stringify(out).includes(secret.slice(0, 4)));
});

test('redact replaces the longest secret first and leaves short values alone', (t) => {
  const long = uniq('token-');
  registerSecret(long.slice(0, 10));
  registerSecret(long);
  registerSecret('abc');
  t.is(redact(`${long} abc`), `${REDACTED} abc`);
});
