// Issue 14: exit classes as documented. Bad input on the control side is 1 with the file named
// (it was an unreachable host with a bare ENOENT/EISDIR, or a run spinning forever on a
// known_hosts under /proc); `render --out /` would have written into this machine's /etc.
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsp-exit-classes-'));
const BOOK = 'test/fixtures/playbooks/steps.ts';

/** One SSH host (never contacted: the checks come first) with the given variables. */
function inventory(name: string, vars: Record<string, string>): string {
  const file = join(dir, `${name}.yml`);
  const lines = ['all:', '  hosts:', '    gw1:', '      ansible_host: 198.18.201.1', `      step_dir: ${dir}`];
  for (const [k, v] of Object.entries(vars)) lines.push(`      ${k}: ${JSON.stringify(v)}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test('a missing private key file: exit 1, the file and where it was set, not an unreachable host', async (t) => {
  const inv = inventory('nokey', { ansible_ssh_private_key_file: join(dir, 'missing_id') });
  const r = await tsplay([BOOK, '-i', inv], { timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /private key file \(ansible_ssh_private_key_file of gw1 from \S+nokey\.yml:6\) \S+missing_id: no such file/);
  t.notRegex(r.stdout + r.stderr, /unreachable=1|UNREACHABLE/);
});

test('a known_hosts that is a directory: exit 1 naming it', async (t) => {
  const d = join(dir, 'known-dir');
  mkdirSync(d);
  const r = await tsplay([BOOK, '-i', inventory('plain', {}), '--known-hosts', d], { timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /known_hosts file \(--known-hosts\) \S+known-dir: is a directory, not a file/);
});

test('a known_hosts under /proc is refused at once instead of spinning forever', async (t) => {
  // A run that spun on /proc/kmsg would be killed by the timeout: no exit 1, no message.
  const r = await tsplay([BOOK, '-i', inventory('proc', { tsplay_known_hosts: '/proc/kmsg' })], { timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /known_hosts file \(tsplay_known_hosts from \S+proc\.yml:6\) \/proc\/kmsg: refused: a kernel or device file/);
});

test('a known_hosts that is a fifo or a symlink to /dev/zero is refused', async (t) => {
  const link = join(dir, 'zero-link');
  const { symlinkSync } = await import('node:fs');
  symlinkSync('/dev/zero', link);
  const r = await tsplay([BOOK, '-i', inventory('zero', {}), '--known-hosts', link], { timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /zero-link: refused: it leads to \/dev\/zero/);
});

test('an ansible_connection ts-play does not speak is bad input', async (t) => {
  const r = await tsplay([BOOK, '-i', inventory('docker', { ansible_connection: 'docker' })], { timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /gw1: ansible_connection from \S+docker\.yml:6 is "docker": ts-play connects by ssh or local/);
});

test('render --out / and other system directories are refused; nothing is written', async (t) => {
  for (const out of ['/', '/etc', '/etc/ts-play-render-h14', '/usr/local', '/var/lib/x']) {
    const r = await tsplay(['render', 'playbooks/site.ts', '-i', 'inventory/lab.yml', '--vault-password-file', 'vault/lab-password.txt', '--host', 'gw1', '--out', out], { timeoutMs: 60_000 });
    t.is(r.code, 1, `${out}: ${r.stderr}`);
    t.regex(r.stderr, /--out \S+: refused: \S+ is a system directory of this machine/);
  }
  t.false(existsSync('/etc/ts-play-render-h14'));
});

test('render into a non-empty directory it did not write is refused; its own output may be rendered again', async (t) => {
  const foreign = join(dir, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  const args = ['render', 'playbooks/site.ts', '-i', 'inventory/lab.yml', '--vault-password-file', 'vault/lab-password.txt', '--host', 'gw1', '--out'];
  const r = await tsplay([...args, foreign], { timeoutMs: 60_000 });
  t.is(r.code, 1);
  t.regex(r.stderr, /the directory is not empty and ts-play render did not write it/);
  t.deepEqual(readdirSync(foreign), ['notes.txt']);
  const own = join(dir, 'own');
  t.is((await tsplay([...args, own], { timeoutMs: 60_000 })).code, 0);
  t.is((await tsplay([...args, own], { timeoutMs: 60_000 })).code, 0, 'an earlier render may be rendered over');
  t.true(existsSync(join(own, 'etc/keepalived/keepalived.conf')));
});
