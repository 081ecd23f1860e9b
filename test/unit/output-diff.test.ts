import test from 'ava';
import { isBinary, renderDiffs, renderFileDiff, VAULTED_NOTE } from '../../src/output/diff.ts';
import { registerSecret } from '../../src/vault/redact.ts';

// Secrets are process-wide; these are only ever found in the tests that use them.
registerSecret('old-vrrp-pass-1');
registerSecret('new-vrrp-pass-2');

test('a changed line is a unified diff with before/after headers', (t) => {
  const out = renderFileDiff({ path: '/etc/sysctl.d/90-nat.conf', before: 'a = 1\nb = 2\nc = 3\n', after: 'a = 1\nb = 5\nc = 3\n' });
  t.is(out, ['--- before: /etc/sysctl.d/90-nat.conf', '+++ after: /etc/sysctl.d/90-nat.conf', '@@ -1,3 +1,3 @@', ' a = 1', '-b = 2', '+b = 5', ' c = 3'].join('\n'));
});

test('a new file diffs from -0,0 and notes the missing final newline', (t) => {
  const out = renderFileDiff({ path: '/etc/new', before: '', after: 'x\ny' });
  t.is(out, ['--- before: /etc/new', '+++ after: /etc/new', '@@ -0,0 +1,2 @@', '+x', '+y', '\\ No newline at end of file'].join('\n'));
});

test('context is limited to three lines around a change', (t) => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const after = before.replace('line 10\n', 'line ten\n');
  const out = renderFileDiff({ path: 'f', before, after });
  t.true(out.includes('@@ -8,7 +8,7 @@'));
  t.false(out.includes('line 6'));
  t.true(out.includes('-line 10\n+line ten'));
});

test('colour only when asked for', (t) => {
  const file = { path: 'f', before: 'a\n', after: 'b\n' };
  t.false(renderFileDiff(file).includes('\u001b['));
  const coloured = renderFileDiff(file, { color: true });
  t.true(coloured.includes('\u001b[31m-a\u001b[39m'));
  t.true(coloured.includes('\u001b[32m+b\u001b[39m'));
});

test('a changed secret shows as <vaulted> and the note says a vaulted value changed', (t) => {
  const out = renderFileDiff({
    path: '/etc/keepalived/keepalived.conf',
    before: 'vrrp_instance VI_1 {\n  auth_pass old-vrrp-pass-1\n  priority 100\n}\n',
    after: 'vrrp_instance VI_1 {\n  auth_pass new-vrrp-pass-2\n  priority 100\n}\n',
  });
  t.false(out.includes('old-vrrp-pass-1'));
  t.false(out.includes('new-vrrp-pass-2'));
  t.is(out, ['--- before: /etc/keepalived/keepalived.conf', '+++ after: /etc/keepalived/keepalived.conf', VAULTED_NOTE].join('\n'));
});

test('the vaulted note also appears next to other changes that are shown', (t) => {
  const out = renderFileDiff({
    path: 'k.conf',
    before: 'auth_pass old-vrrp-pass-1\npriority 100\n',
    after: 'auth_pass new-vrrp-pass-2\npriority 150\n',
  });
  t.true(out.includes('-priority 100\n+priority 150'));
  t.true(out.includes(' auth_pass <vaulted>'));
  t.true(out.endsWith(VAULTED_NOTE));
});

test('a secret introduced into a file is shown as <vaulted> on the added line, without the note', (t) => {
  const out = renderFileDiff({ path: 'k.conf', before: 'priority 100\n', after: 'priority 100\nauth_pass new-vrrp-pass-2\n' });
  t.true(out.includes('+auth_pass <vaulted>'));
  t.false(out.includes(VAULTED_NOTE));
  t.false(out.includes('new-vrrp-pass-2'));
});

test('binary content is summarised, not diffed', (t) => {
  const out = renderFileDiff({ path: '/usr/bin/x', before: 'ELF\u0000\u0001\u0002', after: 'ELF\u0000\u0003' });
  t.is(out, '--- before: /usr/bin/x\n+++ after: /usr/bin/x\n(binary content differs: 6 -> 5 bytes)');
  t.true(isBinary('\uFFFDabc'));
  t.false(isBinary('plain\ttext\r\n'));
});

test('huge content is summarised with sizes', (t) => {
  const big = 'x'.repeat(100) + '\n';
  const out = renderFileDiff({ path: 'big', before: big.repeat(10), after: big.repeat(20) }, { maxBytes: 1500 });
  t.true(out.endsWith('(too large to diff: 1010 bytes, 10 lines -> 2020 bytes, 20 lines)'));
});

test('too many edits are summarised instead of diffed', (t) => {
  const before = Array.from({ length: 50 }, (_, i) => `a${i}`).join('\n');
  const after = Array.from({ length: 50 }, (_, i) => `b${i}`).join('\n');
  const out = renderFileDiff({ path: 'f', before, after }, { maxEdits: 10 });
  t.regex(out, /\(too many differences to show: .* -> .*\)$/);
});

test('terminal control characters from a host file are escaped', (t) => {
  const out = renderFileDiff({ path: 'f', before: 'a\n', after: 'b\u001b[2J\n' });
  t.true(out.includes('+b\\x1b[2J'));
  t.false(out.includes('\u001b'));
});

test('several diffs of one task are joined; none gives an empty string', (t) => {
  const out = renderDiffs([
    { path: 'one', before: 'a\n', after: 'b\n' },
    { path: 'two', before: 'c\n', after: 'd\n' },
  ]);
  t.true(out.includes('--- before: one') && out.includes('--- before: two'));
  t.is(renderDiffs(undefined), '');
});
