import test from 'ava';
import {
  LAB, controlAddrs, fabricPeer, findHost, macFor, ifaces, labHosts, lightHost, lightName, mgmtIp, mgmtPeer, nsName,
} from '../../src/lab/topology.ts';

test('core hosts have the lead-fixed names and mgmt addresses', (t) => {
  t.deepEqual(LAB.hosts.map((h) => [h.name, mgmtIp(h)]), [
    ['gw1', '198.18.0.11'], ['gw2', '198.18.0.12'], ['client', '198.18.0.21'],
    ['server', '198.18.0.31'], ['monitor', '198.18.0.41'], ['rs1', '198.18.0.51'], ['rs2', '198.18.0.52'],
    ['web', '198.18.0.32'],
  ]);
});

test('every lab address lies in 198.18.0.0/15 or 2001:2::/48', (t) => {
  const v4 = /^198\.1[89]\.\d+\.\d+(\/24)?$/;
  const v6 = /^2001:2:0:[0-9a-f]{1,4}::[0-9a-f]{1,4}(\/(64|128))?$/;
  for (const h of labHosts(LAB.maxLight)) {
    for (const a of [...Object.values(h.addrs).flat(), ...(h.loopback ?? [])]) t.regex(a!, a!.includes(':') ? v6 : v4);
    if (h.gateway) t.regex(h.gateway, v4);
    if (h.gateway6) t.regex(h.gateway6, v6);
    for (const r of h.routes6 ?? []) {
      t.regex(r.to, v6);
      t.regex(r.via, v6);
    }
  }
  for (const a of [...LAB.routeServers, ...Object.values(LAB.wan6)]) t.regex(a, v6);
});

test('light hosts are numbered from node01 with mgmt only', (t) => {
  t.is(lightName(1), 'node01');
  t.is(lightName(100), 'node100');
  t.is(mgmtIp(lightHost(50)), '198.18.0.150');
  t.deepEqual(ifaces(lightHost(7)), ['mgmt']);
  t.is(labHosts(3).length, LAB.hosts.length + 3);
  t.throws(() => lightHost(0));
  t.throws(() => lightHost(501));
});

test('light hosts past node100 get a /24 of their own per hundred, the control side .1 in each', (t) => {
  t.deepEqual([1, 99, 100, 101, 137, 200, 201, 500].map((i) => [lightName(i), mgmtIp(lightHost(i))]), [
    ['node01', '198.18.0.101'], ['node99', '198.18.0.199'], ['node100', '198.18.0.200'], ['node101', '198.18.4.101'],
    ['node137', '198.18.4.137'], ['node200', '198.18.4.200'], ['node201', '198.18.5.101'], ['node500', '198.18.7.200'],
  ]);
  t.deepEqual(controlAddrs(), ['198.18.0.1/24', '198.18.4.1/24', '198.18.5.1/24', '198.18.6.1/24', '198.18.7.1/24']);
  // Every light host shares a /24 with one control address and no other lab segment.
  const nets = new Set(controlAddrs().map((a) => a.split('.').slice(0, 3).join('.')));
  const segments = labHosts(0).flatMap((h) => Object.entries(h.addrs).filter(([i]) => i !== 'mgmt').flatMap(([, a]) => a!));
  const ips = labHosts(LAB.maxLight).filter((h) => h.light).map((h) => mgmtIp(h));
  t.is(new Set(ips).size, LAB.maxLight);
  for (const ip of ips) {
    t.true(nets.has(ip.split('.').slice(0, 3).join('.')), ip);
    t.false(segments.some((a) => a.startsWith(`${ip.split('.').slice(0, 3).join('.')}.`)), ip);
    t.false(controlAddrs().some((a) => a.startsWith(`${ip}/`)), ip);
  }
});

test('findHost knows core and light names and nothing else', (t) => {
  t.is(findHost('gw2')?.name, 'gw2');
  t.is(findHost('node42')?.name, 'node42');
  t.is(findHost('node100')?.name, 'node100');
  t.is(findHost('node101')?.name, 'node101');
  t.is(findHost('node500')?.name, 'node500');
  t.is(findHost('node501'), undefined);
  t.is(findHost('node0100'), undefined);
  t.is(findHost('node7'), undefined);
  t.is(findHost('node007'), undefined);
  t.is(findHost('gw3'), undefined);
});

test('the gateways are wired to every segment, client to lan, server to wan, web behind rs1 only', (t) => {
  t.deepEqual(ifaces(findHost('gw1')!), ['mgmt', 'lan', 'wan', 'sync']);
  t.deepEqual(ifaces(findHost('client')!), ['mgmt', 'lan']);
  t.deepEqual(ifaces(findHost('server')!), ['mgmt', 'wan']);
  t.deepEqual(ifaces(findHost('web')!), ['mgmt', 'inet']);
  t.deepEqual(ifaces(findHost('rs1')!), ['mgmt', 'wan', 'inet']);
  t.is(findHost('client')!.gateway, LAB.lanVip);
  t.is(findHost('gw2')!.gateway, LAB.upstream);
  t.is(findHost('server')!.gateway, LAB.upstream);
  // rs1 is the upstream router: the only host on both the public and the internet segment.
  t.true(findHost('rs1')!.addrs.wan!.includes(`${LAB.upstream}/24`));
  t.deepEqual(LAB.hosts.filter((h) => h.addrs.inet).map((h) => h.name), ['rs1', 'web']);
  t.is(findHost('web')!.gateway, findHost('rs1')!.addrs.inet![0]!.split('/')[0]);
});

test('interface names fit the kernel limit of 15 characters', (t) => {
  for (const h of labHosts(LAB.maxLight)) {
    t.true(nsName(h.name).length <= 15);
    t.true(mgmtPeer(h.name).length <= 15, mgmtPeer(h.name));
    for (const i of ifaces(h)) if (i !== 'mgmt') t.true(fabricPeer(h.name, i).length <= 15);
  }
});

test('host interface MACs are stable, locally administered and distinct', (t) => {
  t.is(macFor('gw1', 'lan'), macFor('gw1', 'lan'));
  t.regex(macFor('gw1', 'lan'), /^02:74(:[0-9a-f]{2}){4}$/);
  const all = new Set<string>();
  for (const h of labHosts(LAB.maxLight)) for (const i of ifaces(h)) all.add(macFor(h.name, i));
  t.is(all.size, labHosts(LAB.maxLight).reduce((n, h) => n + ifaces(h).length, 0));
});
