// Linode's way (issue 13): the pair's public IP shared by BGP. From bare gateways, site.ts with
// inventory/lab-bgp.yml converges the pair against the lab's route servers (BIRD with Linode's
// policy, src/lab/routeserver.ts); a re-run changes nothing; both route servers prefer the
// primary's announcement (community 65000:1); the client reaches the internet host through the
// NAT, seen from there as the shared IP; when keepalived stops on the primary the best path
// moves to the other gateway; a node killed outright leaves the route servers with its session
// (graceful restart time 0), not minutes later. The test leaves the gateways bare again, for the
// ARP-mode tests.
import test from 'ava';
import { labExec, labKill, labReset, labUp } from '../../src/lab/cli.ts';
import { birdRoutesArgv, parseBirdRoutes, type RsPath } from '../../src/lab/routeserver.ts';
import { LAB } from '../../src/lab/topology.ts';
import { join } from 'node:path';
import { recap, ROOT } from '../helpers/cli.ts';
import { site, tail } from '../helpers/pair.ts';

const BGP_INVENTORY = join(ROOT, 'inventory/lab-bgp.yml');
const SHARED = `${LAB.wanVip}/32`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function paths(rs: string): Promise<RsPath[]> {
  const r = await labExec(rs, birdRoutesArgv(SHARED), 'pipe');
  return parseBirdRoutes(r.stdout);
}

async function best(rs: string): Promise<RsPath | undefined> {
  return (await paths(rs)).find((p) => p.best);
}

async function waitBest(from: string, ms: number): Promise<RsPath[]> {
  const end = Date.now() + ms;
  let seen: RsPath[] = [];
  while (Date.now() < end) {
    seen = await Promise.all(['rs1', 'rs2'].map(async (rs) => (await best(rs)) ?? { from: 'none', best: false, communities: [] }));
    if (seen.every((p) => p.from === from)) return seen;
    await sleep(200);
  }
  return seen;
}

test.before(async () => {
  await labUp();
  await labReset(['gw1', 'gw2']);
});

test.after.always(async () => {
  // The ARP-mode tests that follow start from bare gateways, as they would on a fresh lab.
  await labReset(['gw1', 'gw2']);
});

test.serial('bare hosts to a bgp-mode pair: converged, idempotent, the primary preferred by both route servers, NAT through the shared IP, failover moves the best path', async (t) => {
  const first = await site([], undefined, BGP_INVENTORY);
  t.is(first.code, 0, tail(first));
  const again = await site([], undefined, BGP_INVENTORY);
  t.is(again.code, 0, tail(again));
  for (const gw of ['gw1', 'gw2']) t.is(recap(again.stdout, gw)?.changed, 0, `${gw}: a re-run changes nothing\n${tail(again)}`);

  // Each route server: gw1 (the preferred master) is the best path with 65000:1, gw2 there as 65000:2.
  for (const rs of ['rs1', 'rs2']) {
    const all = await paths(rs);
    const b = all.find((p) => p.best);
    t.is(b?.from, 'gw1', `${rs}: ${JSON.stringify(all)}`);
    t.deepEqual(b?.communities, ['65000:1']);
    t.is(b?.nextHop, LAB.wan6.gw1, 'the IPv4 route carries the IPv6 next hop (extended next hop)');
    t.deepEqual(all.find((p) => p.from === 'gw2')?.communities, ['65000:2'], `${rs}: the backup announces as secondary`);
  }

  // The internet host sees the client's connection coming from the shared IP (SNAT), and the
  // replies find their way back by the route servers' route only.
  const listen = labExec('web', ['timeout', '15', 'python3', '-c', 'import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(("0.0.0.0",7300))\ns.listen(1)\nc,a=s.accept()\nprint(a[0])\nc.sendall(b"hello\\n")\nc.close()'], 'pipe');
  await sleep(500);
  const talk = await labExec('client', ['timeout', '10', 'python3', '-c', `import socket\ns=socket.create_connection(("${LAB.webAddr}",7300),5)\nprint(s.recv(64).decode().strip())`], 'pipe');
  const heard = await listen;
  t.is(talk.stdout.trim(), 'hello', talk.stderr);
  t.is(heard.stdout.trim(), LAB.wanVip, 'the server sees the shared IP as the source');

  // keepalived stopped on the primary: the best path moves to gw2, with the primary community.
  t.is((await labExec('gw1', ['systemctl', 'stop', 'keepalived'], 'pipe')).code, 0);
  const moved = await waitBest('gw2', 10_000);
  t.deepEqual(moved.map((p) => p.from), ['gw2', 'gw2'], JSON.stringify(moved));
  t.deepEqual(moved.map((p) => p.communities), [['65000:1'], ['65000:1']]);
  const back = await labExec('client', ['ping', '-c', '3', '-i', '0.2', '-W', '1', LAB.webAddr], 'pipe');
  t.is(back.code, 0, 'the client still reaches the internet host through gw2');
  // Started again, gw1 stays backup (nopreempt, as Linode's guide has it) and announces as secondary.
  t.is((await labExec('gw1', ['systemctl', 'start', 'keepalived'], 'pipe')).code, 0);
  await sleep(3000);
  t.is((await best('rs1'))?.from, 'gw2');
  t.deepEqual((await paths('rs1')).find((p) => p.from === 'gw1')?.communities, ['65000:2']);

  // Power loss of gw1: the route servers drop its route when its session ends. With FRR's
  // default restart time of 120 s BIRD kept it, stale, for two minutes (docs/roles/bgp.md).
  await labKill('gw1');
  let left: RsPath[][] = [];
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    left = await Promise.all(['rs1', 'rs2'].map((rs) => paths(rs)));
    if (left.every((ps) => !ps.some((p) => p.from === 'gw1'))) break;
    await sleep(200);
  }
  t.deepEqual(left.map((ps) => ps.map((p) => p.from)), [['gw2'], ['gw2']], 'a dead node\'s route leaves with its session');
});
