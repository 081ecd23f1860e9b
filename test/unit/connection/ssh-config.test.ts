import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshConfig, SshConfigError } from '../../../src/connection/ssh-config.ts';

const DIR = join(import.meta.dirname, '../../fixtures/ssh-config');
// What `ssh -G` resolved from the same file (test/fixtures/ssh-config/record.sh, OpenSSH 9.2).
const answers = JSON.parse(readFileSync(join(DIR, 'answers.json'), 'utf8')) as Record<string, { hostname: string; user: string; port: string; identityfile: string[]; proxyjump?: string }>;

function fixture(): SshConfig {
  // The recording points Include at this folder; so does the copy read here.
  const dir = mkdtempSync(join(tmpdir(), 'h17-sshcfg-'));
  writeFileSync(join(dir, 'config'), readFileSync(join(DIR, 'config'), 'utf8').replace(/^Include extra.conf/m, `Include ${DIR}/extra.conf`));
  return SshConfig.load(join(dir, 'config'));
}

for (const [host, want] of Object.entries(answers)) {
  test(`as ssh -G: ${host}`, (t) => {
    const c = fixture().resolve(host);
    t.is(c.hostname ?? host, want.hostname);
    t.is(c.user, want.user);
    t.is(String(c.port ?? 22), want.port);
    t.deepEqual(c.identityFiles.map((f) => f.replace(homedir(), '~')), want.identityfile);
    t.is(c.proxyJump === 'none' ? undefined : c.proxyJump, want.proxyjump);
  });
}

test('a bad port or an empty value is bad input naming file:line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'h17-sshcfg-'));
  const write = (text: string) => {
    writeFileSync(join(dir, 'c'), text);
    return () => SshConfig.load(join(dir, 'c'));
  };
  t.throws(write('Host a\n  Port 70000\n'), { instanceOf: SshConfigError, message: /c:2: bad port '70000'/ });
  t.throws(write('Host a\n  Port ssh\n'), { message: /c:2: bad port 'ssh'/ });
  t.throws(write('Host a\n  HostName ""\n'), { message: /c:2: hostname has an empty value/ });
  t.throws(() => SshConfig.load(join(dir, 'missing')), { message: /ssh config file not found/ });
  t.is(write('Match exec "true"\n  User x\nMatch all\n  Port 2\n')().resolve('h').user, undefined, 'Match criteria other than all apply to no host');
  t.is(write('Match exec "true"\n  User x\nMatch all\n  Port 2\n')().resolve('h').port, 2);
});
