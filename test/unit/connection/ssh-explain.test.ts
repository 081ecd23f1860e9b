// A keepalive timeout is ambiguous on its own: the message must tell a stuck session setup on the
// host (nothing ever answered) from a path or host that stopped answering mid-run.
import test from 'ava';
import { explainSshError } from '../../../src/connection/ssh.ts';

test('a keepalive timeout before any answer names the stuck session setup and where to look', (t) => {
  const m = explainSshError('Keepalive timeout', 0);
  t.regex(m, /session never started \(no answer for 15 s after authentication\)/);
  t.regex(m, /journalctl -u systemd-logind -u 'user@\*'/);
});

test('a keepalive timeout after answers says the connection went silent', (t) => {
  const m = explainSshError('Keepalive timeout', 3);
  t.regex(m, /went silent \(no answer for 15 s, keepalive every 3 s\)/);
  t.notRegex(m, /never started/);
});

test('other errors pass through unchanged', (t) => {
  t.is(explainSshError('connect ECONNREFUSED 198.18.0.11:22', 0), 'connect ECONNREFUSED 198.18.0.11:22');
});
