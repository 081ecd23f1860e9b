// Host key checking against a real sshd: first contact is refused unless asked for, recorded
// when asked, and a changed key is refused even with --accept-new-host-keys.
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_INVENTORY, recap, tsplay } from '../helpers/cli.ts';

const BOOK = 'test/fixtures/playbooks/become.ts';
const run = (knownHosts: string, ...args: string[]) =>
  tsplay([BOOK, '-i', LAB_INVENTORY, '--known-hosts', knownHosts, '--check', '-e', 'become_test_path=/tmp/tsplay-hostkey-test', ...args]);

test('an unknown host is refused on first contact, then trusted with --accept-new-host-keys', async (t) => {
  const kh = join(mkdtempSync(join(tmpdir(), 'tsp-kh-')), 'known_hosts');
  const refused = await run(kh);
  t.is(refused.code, 4, refused.stdout);
  t.regex(refused.stdout, /no host key for 198\.18\.0\.21 in .*known_hosts \(first contact: pass --accept-new-host-keys\)/);
  const accepted = await run(kh, '--accept-new-host-keys');
  t.is(accepted.code, 0, accepted.stdout + accepted.stderr);
  t.regex(readFileSync(kh, 'utf8'), /^198\.18\.0\.21 ssh-ed25519 AAAA/m);
  const again = await run(kh);
  t.is(again.code, 0, 'the recorded key is trusted from then on');
  t.truthy(recap(again.stdout, 'client'));
});

test('a host whose key changed is refused, even when new keys are accepted', async (t) => {
  const kh = join(mkdtempSync(join(tmpdir(), 'tsp-kh-')), 'known_hosts');
  // A real key, but not the client's: what a man in the middle would present.
  const real = readFileSync(join(import.meta.dirname, '../../.lab/known_hosts'), 'utf8');
  const gw1 = /^198\.18\.0\.11\S* (ssh-ed25519 \S+)/m.exec(real)![1]!;
  writeFileSync(kh, `198.18.0.21 ${gw1}\n`);
  const r = await run(kh, '--accept-new-host-keys');
  t.is(r.code, 4);
  t.regex(r.stdout, /host key \(ssh-ed25519\) does not match .*known_hosts line 1: refusing \(possible man-in-the-middle\)/);
  t.is(readFileSync(kh, 'utf8'), `198.18.0.21 ${gw1}\n`, 'known_hosts is left as it was');
});
