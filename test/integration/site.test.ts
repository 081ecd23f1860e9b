// playbooks/site.ts on the lab, from bare hosts: the Milestone 3 deliverables applied for real,
// then the pair's behaviour checked on the hosts themselves. Serial: each test builds on the
// state the previous one left.
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labReboot, labUp } from '../../src/lab/cli.ts';
import { LAB_INVENTORY, labExec, recap, tsplay } from '../helpers/cli.ts';
import type { EngineEvent } from '../../src/engine/events.ts';

const site = (...args: string[]) => tsplay(['playbooks/site.ts', '-i', LAB_INVENTORY, ...args], { timeoutMs: 900_000 });

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function vipHolder(): Promise<string[]> {
  const out: string[] = [];
  for (const gw of ['gw1', 'gw2']) {
    const r = await labExec(gw, ['ip', '-o', '-4', 'addr', 'show']);
    if (r.stdout.includes('198.18.1.1/24') && r.stdout.includes('198.19.0.1/24')) out.push(gw);
  }
  return out;
}

test.before(async () => {
  // Bare hosts: a fresh overlay for every host, as a new Linode would be.
  await labDown();
  await labUp();
});

test.serial('site.ts turns bare hosts into a gateway pair; a second run changes nothing', async (t) => {
  const first = await site();
  t.is(first.code, 0, first.stdout.slice(-4000) + first.stderr);
  for (const gw of ['gw1', 'gw2']) t.true((recap(first.stdout, gw)?.changed ?? 0) > 10, `${gw} was configured`);
  const second = await site('-v');
  t.is(second.code, 0, second.stdout.slice(-4000) + second.stderr);
  for (const gw of ['gw1', 'gw2']) {
    t.is(recap(second.stdout, gw)?.changed, 0, second.stdout.slice(-4000));
    t.is(recap(second.stdout, gw)?.failed, 0);
  }
});

test.serial('--check --diff after a variable change shows the diff and changes nothing', async (t) => {
  const before = (await labExec('gw1', ['sha256sum', '/etc/keepalived/keepalived.conf'])).stdout;
  const r = await site('--check', '--diff', '-e', 'keepalived_advert_int=0.3');
  t.is(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  t.regex(r.stdout, /-\s*advert_int 0\.1\n\+\s*advert_int 0\.3/);
  t.true((recap(r.stdout, 'gw1')?.changed ?? 0) >= 1);
  t.is((await labExec('gw1', ['sha256sum', '/etc/keepalived/keepalived.conf'])).stdout, before);
});

test.serial('--tags hardening touches only hardening tasks', async (t) => {
  const json = join(mkdtempSync(join(tmpdir(), 'tsp-site-')), 'run.json');
  const r = await site('--tags', 'hardening', '--skip-tags', 'lynis', '--json', json);
  t.is(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const doc = JSON.parse(readFileSync(json, 'utf8')) as { events: EngineEvent[] };
  const roles = new Set(doc.events.filter((e) => e.type === 'task').map((e) => (e as { role: string }).role));
  t.deepEqual([...roles], ['hardening']);
});

test.serial('the VIPs are on gw1 and the client reaches the server through them, seen as the WAN VIP', async (t) => {
  t.deepEqual(await until('both VIPs on gw1', async () => ((await vipHolder()).join() === 'gw1' ? ['gw1'] : undefined)), ['gw1']);
  const ping = await labExec('client', ['ping', '-c', '3', '-i', '0.2', '-W', '1', '198.19.0.100']);
  t.is(ping.code, 0, ping.stdout);
  // The server answers with the source address it saw: NAT must have made it the WAN VIP.
  const server = labExec('server', ['timeout', '10', 'socat', '-T5', 'TCP-LISTEN:7001,bind=198.19.0.100,reuseaddr', 'SYSTEM:echo $SOCAT_PEERADDR']);
  await new Promise((r) => setTimeout(r, 700));
  const client = await labExec('client', ['timeout', '5', 'socat', '-T3', '-', 'TCP:198.19.0.100:7001']);
  await server;
  t.is(client.stdout.trim(), '198.19.0.1');
});

test.serial('a keepalived reload on the VIP holder keeps its VRRP process and the VIPs', async (t) => {
  // Config changes reload keepalived; a realtime VRRP process that cannot lift its RLIMIT_RTTIME
  // for the reload is killed by the kernel, and the VIPs fall over to the peer.
  const since = (await labExec('gw1', ['date', '+%s'])).stdout.trim();
  t.is((await labExec('gw1', ['systemctl', 'reload', 'keepalived'])).code, 0);
  await new Promise((r) => setTimeout(r, 5000));
  const log = await labExec('gw1', ['journalctl', '-t', 'Keepalived', '-t', 'Keepalived_vrrp', '--since', `@${since}`, '-o', 'cat', '--no-pager']);
  t.regex(log.stdout, /Reload complete/);
  t.notRegex(log.stdout, /exited due to signal|Entering BACKUP STATE/);
  t.deepEqual(await vipHolder(), ['gw1']);
});

test.serial('conntrackd on gw2 holds the flows gw1 tracks', async (t) => {
  // A long-lived flow through the NAT: the client keeps a connection to the server open.
  const server = labExec('server', ['timeout', '20', 'socat', 'TCP-LISTEN:7002,bind=198.19.0.100,reuseaddr', 'SYSTEM:sleep 15']);
  await new Promise((r) => setTimeout(r, 500));
  const client = labExec('client', ['timeout', '18', 'socat', '-u', 'SYSTEM:sleep 15', 'TCP:198.19.0.100:7002']);
  const flow = /dport=7002/;
  const onGw1 = await until('the flow in gw1\'s kernel table', async () => {
    const r = await labExec('gw1', ['conntrack', '-L', '-p', 'tcp']);
    return flow.test(r.stdout) ? r.stdout : undefined;
  }, 10_000);
  t.regex(onGw1, /src=198\.18\.1\.10 dst=198\.19\.0\.100 .*dport=7002.*src=198\.19\.0\.100 dst=198\.19\.0\.1 /);
  const external = await until('the flow in gw2\'s external cache', async () => {
    const r = await labExec('gw2', ['conntrackd', '-e']);
    return flow.test(r.stdout) ? r.stdout : undefined;
  }, 10_000);
  t.regex(external, /src=198\.18\.1\.10 dst=198\.19\.0\.100 .*dport=7002/);
  await Promise.allSettled([server, client]);
});

test.serial('ha-check passes on both gateways and fails when the server\'s 204 endpoint stops', async (t) => {
  const check = (gw: string) => labExec(gw, ['setpriv', '--reuid', 'keepalived_script', '--regid', 'keepalived_script', '--clear-groups', '/usr/local/sbin/ha-check.sh']);
  for (const gw of ['gw1', 'gw2']) t.is((await check(gw)).code, 0, gw);
  await labExec('server', ['systemctl', 'stop', 'tsp-http204']);
  try {
    for (const gw of ['gw1', 'gw2']) t.is((await check(gw)).code, 1, `${gw} must fail without the 204 endpoint`);
    const log = await labExec('gw1', ['journalctl', '-t', 'ha-check', '-n', '20', '--no-pager']);
    t.regex(log.stdout, /http: http:\/\/198\.19\.0\.100\/ answered/);
  } finally {
    await labExec('server', ['systemctl', 'start', 'tsp-http204']);
  }
});

test.serial('after `lab reboot gw2`, keepalived, conntrackd and the ruleset come back by themselves', async (t) => {
  const t0 = Date.now();
  await labReboot('gw2');
  t.log(`reboot of gw2 until sshd answers: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // No unit of the roles may hold a shutdown up until systemd's stop timeout kills it.
  const lastShutdown = await labExec('gw2', ['journalctl', '-b', '-1', '--no-pager', '-o', 'cat', '-p', 'warning']);
  t.notRegex(lastShutdown.stdout, /[Ss]top.*timed out|Killing process .* with signal SIGKILL/);
  const active = await until('keepalived and conntrackd active on gw2', async () => {
    const r = await labExec('gw2', ['systemctl', 'is-active', 'keepalived', 'conntrackd', 'nftables']);
    return r.stdout.trim().split('\n').every((s) => s === 'active') ? r.stdout : undefined;
  }, 60_000);
  t.truthy(active);
  const rules = await labExec('gw2', ['nft', 'list', 'table', 'inet', 'natgw']);
  t.regex(rules.stdout, /snat ip to 198\.19\.0\.1/);
  // gw1 kept the VIPs throughout; gw2 is back as a backup that syncs.
  t.deepEqual(await vipHolder(), ['gw1']);
  // Messages from gw1 arrive over the sync link again (the resync after start fills the external cache).
  const stats = await until('gw2 receiving sync messages again', async () => {
    const r = await labExec('gw2', ['conntrackd', '-s']);
    const recv = /(\d+) Pckts recv/.exec(r.stdout);
    return recv && Number(recv[1]) > 0 ? r.stdout : undefined;
  }, 30_000);
  t.regex(stats, /cache external:/);
});
