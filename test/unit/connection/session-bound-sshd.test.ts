// Issue 14: a command ts-play starts over SSH ends when its session does, proven against the real
// sshd of the lab's Debian 12 image (OpenSSH 9.2). It needs root and the lab's base image (which
// `lab up` builds; without either the tests pass as skipped), not the running lab: sshd runs from
// a private overlay of the image (the image itself is only read), chrooted, in a network
// namespace of its own (h14-sshd), all removed afterwards. Without the wrapper the
// same command outlives the client (sshd sends SIGHUP only with a pty): the last test shows it.
import test from 'ava';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_DIR } from '../../../src/lab/paths.ts';
import { ROOT } from '../../helpers/cli.ts';

const NS = 'h14-sshd';
const base = existsSync(CACHE_DIR) ? readdirSync(CACHE_DIR).find((d) => d.startsWith('base-')) : undefined;
const dir = mkdtempSync(join(tmpdir(), 'tsp-sshd-'));
const root = join(dir, 'root');
const sh = (...argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
let sshd: ChildProcess | undefined;

test.before(() => {
  if (!base || process.getuid?.() !== 0) return;
  for (const d of ['upper', 'work', 'root']) mkdirSync(join(dir, d));
  sh('mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${join(CACHE_DIR, base)},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`, root);
  sh('mount', '-t', 'proc', 'proc', join(root, 'proc'));
  sh('mount', '--bind', '/dev', join(root, 'dev'));
  mkdirSync(join(root, 'run/sshd'), { recursive: true });
  mkdirSync(join(root, 'root/.ssh'), { recursive: true });
  sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key'));
  copyFileSync(join(dir, 'key.pub'), join(root, 'root/.ssh/authorized_keys'));
  chmodSync(join(root, 'root/.ssh/authorized_keys'), 0o600);
  sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'etc/ssh/h14_host_key'));
  sh('ip', 'netns', 'add', NS);
  sh('ip', '-n', NS, 'link', 'set', 'lo', 'up');
  sshd = spawn('ip', ['netns', 'exec', NS, 'chroot', root, '/usr/sbin/sshd', '-D', '-e', '-p', '2222', '-o', 'ListenAddress=127.0.0.1', '-h', '/etc/ssh/h14_host_key'], { stdio: 'ignore' });
  spawnSync('sleep', ['1']);
});

test.after.always(() => {
  sshd?.kill();
  spawnSync('sleep', ['0.5']);
  for (const m of ['dev', 'proc', '']) spawnSync('umount', [join(root, m)]);
  spawnSync('ip', ['netns', 'del', NS]);
  // Only once nothing is mounted there any more: never remove through a live mount.
  if (!existsSync(root) || readdirSync(root).length === 0) rmSync(dir, { recursive: true, force: true });
});

/** A node process in the namespace that opens ts-play's SshConnection, starts a long command, then ends as told. */
const CLIENT = `
import { SshConnection } from ${JSON.stringify(join(ROOT, 'src/connection/ssh.ts'))};
const conn = await SshConnection.open({ name: 'h14', address: '127.0.0.1', port: 2222, user: 'root', privateKeyFile: process.argv[3], knownHostsFile: process.argv[4], acceptNewHostKeys: true, become: false });
const r = await conn.exec(['sh', '-c', 'cat; exit 5'], { stdin: 'through' });
if (r.code !== 5 || r.stdout !== 'through') throw new Error('stdin/stdout/status did not pass: ' + JSON.stringify(r));
void conn.exec(['sh', '-c', 'sleep 300 & echo $! > /tmp/h14-child.pid; echo $$ > /tmp/h14-cmd.pid; wait']).catch(() => undefined);
await new Promise((res) => setTimeout(res, 1500));
if (process.argv[2] === 'close') { await conn.close(); process.exit(0); }
process.kill(process.pid, 'SIGKILL');
`;

function pids(): number[] {
  return ['h14-cmd.pid', 'h14-child.pid'].map((f) => Number(readFileSync(join(root, 'tmp', f), 'utf8')));
}
const running = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

for (const how of ['close', 'kill'] as const) {
  test.serial(`ts-play's SSH command and its child end when the session ends (${how === 'close' ? 'the connection closed' : 'ts-play killed with SIGKILL'})`, async (t) => {
    if (!base || !sshd) return t.pass('needs root and the lab base image');
    const script = join(dir, 'client.mts');
    writeFileSync(script, CLIENT);
    const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx', script, how, join(dir, 'key'), join(dir, `kh-${how}`)], { cwd: ROOT, encoding: 'utf8' });
    t.false(r.stderr.includes('did not pass'), r.stderr);
    const [cmd, child] = pids();
    const until = Date.now() + 6000;
    while ((running(cmd!) || running(child!)) && Date.now() < until) await new Promise((res) => setTimeout(res, 200));
    t.false(running(cmd!), 'the command outlived its session');
    t.false(running(child!), 'the command\'s child outlived its session');
  });
}

test.serial('without the wrapper (plain ssh) the same command outlives a killed client: why the wrapper exists', async (t) => {
  if (!base || !sshd) return t.pass('needs root and the lab base image');
  const client = spawn('ip', ['netns', 'exec', NS, 'ssh', '-i', join(dir, 'key'), '-p', '2222', '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(dir, 'kh-plain')}`, 'root@127.0.0.1',
    'sleep 300 & echo $! > /tmp/h14-child.pid; echo $$ > /tmp/h14-cmd.pid; wait'], { stdio: 'ignore' });
  await new Promise((res) => setTimeout(res, 2000));
  client.kill('SIGKILL');
  await new Promise((res) => setTimeout(res, 5000));
  const [cmd, child] = pids();
  t.true(running(cmd!) && running(child!), 'sshd ended the command by itself: the wrapper would not be needed');
  for (const p of [cmd!, child!]) spawnSync('kill', [String(p)]);
});
