// sysctl, arp, nftables and hardening against the lab's gateways, through the CLI. Serial: the
// tests share gw1 and leave it converged.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labUp } from '../../src/lab/cli.ts';
import { KEY_FILE, KNOWN_HOSTS } from '../../src/lab/paths.ts';
import { LAB_INVENTORY, labExec, recap, SKIP_AUDIT, tsplay } from '../helpers/cli.ts';

const BOOK = 'playbooks/security.ts';
// Without the lynis audits (SKIP_AUDIT): site.test runs them.
const play = (...args: string[]) => tsplay([BOOK, '-i', LAB_INVENTORY, ...SKIP_AUDIT, ...args], { timeoutMs: 600_000 });

async function counter(host: string, name: string): Promise<number> {
  const r = await labExec(host, ['nft', 'list', 'counter', 'inet', 'natgw', name]);
  const m = /packets (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`counter ${name} on ${host}: ${r.stdout} ${r.stderr}`);
  return Number(m[1]);
}

test.before(async () => {
  await labUp();
});

test.serial('apply converges both gateways; a second run changes nothing', async (t) => {
  const first = await play();
  t.is(first.code, 0, first.stdout + first.stderr);
  const again = await play();
  t.is(again.code, 0, again.stdout + again.stderr);
  t.is(recap(again.stdout, 'gw1')?.changed, 0, again.stdout);
  t.is(recap(again.stdout, 'gw2')?.changed, 0, again.stdout);
  t.is(recap(again.stdout, 'gw1')?.failed, 0);
});

test.serial('read-only kernel.* keys are warnings naming the key, not failures or changes', async (t) => {
  const r = await play('--limit', 'gw1', '--tags', 'sysctl');
  t.is(r.code, 0);
  t.regex(r.stdout + r.stderr, /WARN.*kernel\.kptr_restrict: not settable on this host \(read-only\)/);
  t.is(recap(r.stdout, 'gw1')?.changed, 0);
  const live = await labExec('gw1', ['cat', '/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv4/conf/lan/rp_filter', '/proc/sys/net/ipv4/conf/wan/arp_ignore']);
  t.deepEqual(live.stdout.trim().split('\n'), ['1', '2', '1']);
});

test.serial('--check after a variable change reports the change and leaves the host alone', async (t) => {
  const before = await labExec('gw1', ['sha256sum', '/etc/nftables.conf']);
  const r = await play('--limit', 'gw1', '--check', '--diff', '-e', 'nftables_icmp_rate=7');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.true((recap(r.stdout, 'gw1')?.changed ?? 0) >= 1);
  t.regex(r.stdout, /\+\s*icmp type echo-request limit rate 7\/second/);
  t.is((await labExec('gw1', ['sha256sum', '/etc/nftables.conf'])).stdout, before.stdout);
});

test.serial('the ruleset drops SSH from outside the allow-list and VRRP from a non-peer, and counts both', async (t) => {
  const drops = await counter('gw1', 'input_drops');
  // The client is on the LAN (198.18.1.10), not in mgmt_allow.
  const ssh = await labExec('client', ['timeout', '3', 'bash', '-c', 'exec 3<>/dev/tcp/198.18.1.2/22']);
  t.not(ssh.code, 0);
  t.true((await counter('gw1', 'input_drops')) > drops);
  const vrrp = await counter('gw1', 'vrrp_foreign');
  // A raw IP protocol 112 packet from the client, which is not the peer.
  const send = await labExec('client', ['perl', '-MSocket', '-e', 'socket(S, PF_INET, SOCK_RAW, 112) or die $!; send(S, "x" x 40, 0, sockaddr_in(0, inet_aton("198.18.1.2"))) or die $!']);
  t.is(send.code, 0, send.stderr);
  await new Promise((r) => setTimeout(r, 300));
  t.is(await counter('gw1', 'vrrp_foreign'), vrrp + 1);
  // SSH from the management network still works: a new login.
  t.is((await labExec('gw1', ['true'])).code, 0);
  t.is((await tsplay(['lab', 'exec', 'monitor', '--', 'timeout', '5', 'bash', '-c', 'exec 3<>/dev/tcp/198.18.0.11/22 && head -c 4 <&3'])).stdout, 'SSH-');
});

test.serial('--tags hardening runs only hardening tasks', async (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'tsp-sec-')), 'run.json');
  const r = await play('--limit', 'gw1', '--tags', 'hardening', '--skip-tags', 'lynis', '--json', out);
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  const tasks = ((json.events ?? json) as Array<{ type: string; role: string; module: string }>).filter((e) => e.type === 'task');
  t.true(tasks.length > 5);
  t.deepEqual([...new Set(tasks.map((e) => e.role))], ['hardening']);
  t.false(tasks.some((e) => e.module === 'lynis'));
});

test.serial('an sshd reload keeps an open session', async (t) => {
  // A session that lives across the apply; it must end by itself with its exit code.
  const session = new Promise<number>((resolve) => {
    const c = spawn('ssh', ['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${KNOWN_HOSTS}`, '-i', KEY_FILE, 'root@198.18.0.11', 'sleep 25; echo alive'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    c.stdout.on('data', (b) => (out += b));
    c.on('close', (code) => resolve(code === 0 && out.includes('alive') ? 0 : (code ?? 1)));
  });
  await new Promise((r) => setTimeout(r, 1500));
  const r = await play('--limit', 'gw1', '--tags', 'sshd', '-e', 'hardening_ssh_client_alive_interval=240');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.is(recap(r.stdout, 'gw1')?.changed, 1);
  t.is(await session, 0);
  const back = await play('--limit', 'gw1', '--tags', 'sshd');
  t.is(back.code, 0);
});

test.serial('a ruleset that would lock the control side out is reverted by the host and reported failed', async (t) => {
  const started = Date.now();
  const r = await play('--limit', 'gw1', '--tags', 'nftables', '-e', '{"mgmt_allow": ["198.18.0.99/32"]}');
  const secs = (Date.now() - started) / 1000;
  t.is(r.code, 2, r.stdout);
  t.regex(r.stdout, /nftables.*failed.*activation not confirmed within 30s.*the host restored the previous version/);
  t.true(secs < 60, `took ${secs}s`);
  const set = await labExec('gw1', ['nft', 'list', 'set', 'inet', 'natgw', 'mgmt_allow']);
  t.regex(set.stdout, /198\.18\.0\.0\/24/);
  t.notRegex(set.stdout, /198\.18\.0\.99/);
  const again = await play('--limit', 'gw1');
  t.is(again.code, 0);
  t.is(recap(again.stdout, 'gw1')?.changed, 0, again.stdout);
});
