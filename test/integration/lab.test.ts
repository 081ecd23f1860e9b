// The lab itself: runs serially, brings the lab down once and leaves it up again at the end.
import test from 'ava';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { quoteArgv } from '../../src/connection/quote.ts';
import { labDown, labExec, labKill, labLink, labReboot, labStatus, labUp } from '../../src/lab/cli.ts';
import { KEY_FILE, KNOWN_HOSTS, RUN_DIR, STATE_DIR, pidFile } from '../../src/lab/paths.ts';
import { run } from '../../src/lab/run.ts';
import { LAB, mgmtIp } from '../../src/lab/topology.ts';

const ip = (name: string): string => mgmtIp(LAB.hosts.find((h) => h.name === name)!);

/** The ssh client with the lab's key and strict host key checking against its known_hosts. */
function ssh(host: string, argv: string[]) {
  return run([
    'ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${KNOWN_HOSTS}`,
    '-o', 'ConnectTimeout=5', '-i', KEY_FILE, `root@${ip(host)}`, quoteArgv(argv),
  ]);
}

async function inHost(host: string, argv: string[]): Promise<{ code: number; stdout: string }> {
  return labExec(host, argv, 'pipe');
}

const marker = `tsp-test-${process.pid}`;

test.serial('up twice is safe, and the second run leaves a healthy lab alone quickly', async (t) => {
  await labUp();
  const before = await labStatus();
  const t0 = Date.now();
  await labUp();
  const secs = (Date.now() - t0) / 1000;
  t.true(secs < 10, `second up took ${secs} s`);
  const after = await labStatus();
  t.deepEqual(after.hosts.map((h) => [h.name, h.running, h.ssh]), LAB.hosts.map((h) => [h.name, true, true]));
  t.deepEqual(after.hosts.map((h) => h.addrs), before.hosts.map((h) => h.addrs));
});

test.serial('every host answers SSH with its own hostname and host key', async (t) => {
  for (const h of LAB.hosts) {
    const r = await ssh(h.name, ['hostname']);
    t.is(r.code, 0, `${h.name}: ${r.stderr}`);
    t.is(r.stdout.trim(), h.name);
  }
  const keys = readFileSync(KNOWN_HOSTS, 'utf8').trim().split('\n').map((l) => l.split(' ')[2]);
  t.is(new Set(keys).size, LAB.hosts.length, 'each host has a host key of its own');
});

test.serial('each host has its own /etc', async (t) => {
  const file = `/etc/${marker}`;
  t.is((await ssh('gw1', ['sh', '-c', 'echo here > "$1"', 'sh', file])).code, 0);
  t.is((await ssh('gw1', ['cat', file])).stdout.trim(), 'here');
  t.is((await ssh('gw2', ['test', '-e', file])).code, 1);
  t.false(existsSync(file));
  await ssh('gw1', ['rm', '-f', file]);
});

test.serial('LAN and WAN carry traffic: client reaches gw1, gw1 gets 204 from the server', async (t) => {
  t.is((await inHost('client', ['ping', '-c1', '-W2', '198.18.1.2'])).code, 0);
  const r = await inHost('gw1', ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', `http://${LAB.serverAddr}/health`]);
  t.is(r.stdout, '204');
  // The server must never see LAN addresses: it has no route back to the LAN.
  t.not((await inHost('server', ['ping', '-c1', '-W1', '198.18.1.10'])).code, 0);
});

test.serial('reboot keeps /etc, drops /run and brings back an enabled service', async (t) => {
  const unit = `${marker}.service`;
  const text = '[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n';
  const setup = await inHost('gw1', ['sh', '-c', 'printf "%s" "$1" > "/etc/systemd/system/$2" && touch "/etc/$3" "/run/$3" && systemctl enable --now "$2"', 'sh', text, unit, marker]);
  t.is(setup.code, 0);
  const boot0 = (await inHost('gw1', ['cat', '/proc/sys/kernel/random/boot_id'])).stdout;
  await labReboot('gw1');
  t.not((await inHost('gw1', ['cat', '/proc/sys/kernel/random/boot_id'])).stdout, boot0);
  t.is((await inHost('gw1', ['test', '-e', `/etc/${marker}`])).code, 0);
  t.is((await inHost('gw1', ['test', '-e', `/run/${marker}`])).code, 1);
  t.is((await inHost('gw1', ['systemctl', 'is-active', unit])).stdout.trim(), 'active');
  t.is((await ssh('gw1', ['hostname'])).stdout.trim(), 'gw1');
  await inHost('gw1', ['sh', '-c', 'systemctl disable --now "$1"; rm -f "/etc/systemd/system/$1" "/etc/$2"', 'sh', unit, marker]);
});

test.serial('a pulled WAN cable cuts gw1 off the server until up replugs it', async (t) => {
  await labLink('gw1', 'wan', false);
  t.regex((await inHost('gw1', ['ip', '-o', 'link', 'show', 'wan'])).stdout, /NO-CARRIER/);
  t.not((await inHost('gw1', ['ping', '-c1', '-W1', LAB.serverAddr])).code, 0);
  await labUp();
  t.is((await inHost('gw1', ['ping', '-c1', '-W2', LAB.serverAddr])).code, 0);
});

test.serial('kill is a power loss; reboot brings the host back', async (t) => {
  await labKill('client');
  const s = await labStatus();
  t.false(s.hosts.find((h) => h.name === 'client')!.running);
  t.not((await run(['ping', '-c1', '-W1', ip('client')])).code, 0);
  await labReboot('client');
  t.is((await ssh('client', ['hostname'])).stdout.trim(), 'client');
});

test.serial('up repairs a crashed lab without touching a process it did not start', async (t) => {
  // A crash: the fabric namespace is gone, gw2 is dead and its pid file names a live stranger (this test).
  t.is((await run(['ip', 'netns', 'del', LAB.fabricNs])).code, 0);
  await labKill('gw2');
  writeFileSync(pidFile('gw2'), `${process.pid}\n`);
  await labUp();
  t.true(existsSync(`/proc/${process.pid}`));
  t.is((await ssh('gw2', ['hostname'])).stdout.trim(), 'gw2');
  t.is((await inHost('gw1', ['ping', '-c1', '-W2', '198.18.1.3'])).code, 0);
  t.is((await inHost('client', ['ping', '-c1', '-W2', '198.18.1.2'])).code, 0);
});

test.serial('down leaves no namespace, link, mount or process behind; up rebuilds', async (t) => {
  await labDown();
  t.deepEqual((await run(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('tsp-')), []);
  t.deepEqual((await run(['ip', '-o', 'link', 'show'])).stdout.split('\n').filter((l) => /tsp/.test(l)), []);
  t.false(readFileSync('/proc/mounts', 'utf8').includes(STATE_DIR));
  t.false(existsSync(RUN_DIR));
  t.false(existsSync(STATE_DIR));
  const ours = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(STATE_DIR);
    } catch {
      return false;
    }
  });
  t.deepEqual(ours, []);
  // Leave the lab up for the tests that follow.
  await labUp();
  t.is((await ssh('gw1', ['hostname'])).stdout.trim(), 'gw1');
});
