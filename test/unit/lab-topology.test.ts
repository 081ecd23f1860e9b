import test from 'ava';
import {
  LAB, fabricPeer, findHost, macFor, ifaces, labHosts, lightHost, lightName, mgmtIp, mgmtPeer, nsName,
} from '../../src/lab/topology.ts';

test('core hosts have the lead-fixed names and mgmt addresses', (t) => {
  t.deepEqual(LAB.hosts.map((h) => [h.name, mgmtIp(h)]), [
    ['gw1', '198.18.0.11'], ['gw2', '198.18.0.12'], ['client', '198.18.0.21'],
    ['server', '198.18.0.31'], ['monitor', '198.18.0.41'],
  ]);
});

test('every lab address lies in 198.18.0.0/15', (t) => {
  for (const h of labHosts(LAB.maxLight)) {
    for (const a of Object.values(h.addrs).flat()) t.regex(a!, /^198\.1[89]\.\d+\.\d+\/24$/);
    if (h.gateway) t.regex(h.gateway, /^198\.1[89]\./);
  }
});

test('light hosts are numbered from node01 with mgmt only', (t) => {
  t.is(lightName(1), 'node01');
  t.is(lightName(100), 'node100');
  t.is(mgmtIp(lightHost(50)), '198.18.0.150');
  t.deepEqual(ifaces(lightHost(7)), ['mgmt']);
  t.is(labHosts(3).length, 8);
  t.throws(() => lightHost(0));
  t.throws(() => lightHost(101));
});

test('findHost knows core and light names and nothing else', (t) => {
  t.is(findHost('gw2')?.name, 'gw2');
  t.is(findHost('node42')?.name, 'node42');
  t.is(findHost('node100')?.name, 'node100');
  t.is(findHost('node101'), undefined);
  t.is(findHost('node7'), undefined);
  t.is(findHost('node007'), undefined);
  t.is(findHost('gw3'), undefined);
});

test('the gateways are wired to every segment, client to lan, server to wan only', (t) => {
  t.deepEqual(ifaces(findHost('gw1')!), ['mgmt', 'lan', 'wan', 'sync']);
  t.deepEqual(ifaces(findHost('client')!), ['mgmt', 'lan']);
  t.deepEqual(ifaces(findHost('server')!), ['mgmt', 'wan']);
  t.is(findHost('client')!.gateway, LAB.lanVip);
  t.is(findHost('gw2')!.gateway, LAB.upstream);
  t.is(findHost('server')!.gateway, undefined);
  t.true(findHost('server')!.addrs.wan!.includes(`${LAB.upstream}/24`));
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
