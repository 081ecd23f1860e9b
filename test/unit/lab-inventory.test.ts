import test from 'ava';
import { parse } from 'yaml';
import { gatewayVars, labInventory, lightInventory } from '../../src/lab/inventory.ts';
import { labHosts } from '../../src/lab/topology.ts';
import { PROJECT_ROOT } from '../../src/lab/paths.ts';
import { join } from 'node:path';

type Inv = { all: { vars: Record<string, string>; children: Record<string, { hosts: Record<string, Record<string, string>> }> } };

test('lab inventory groups the core hosts with their mgmt addresses', (t) => {
  const inv = parse(labInventory('/p/inventory/lab.yml')) as Inv;
  const c = inv.all.children;
  t.deepEqual(Object.keys(c), ['gateways', 'clients', 'servers', 'monitors', 'routeservers', 'internet']);
  t.deepEqual(Object.keys(c.gateways!.hosts), ['gw1', 'gw2']);
  t.deepEqual(Object.keys(c.routeservers!.hosts), ['rs1', 'rs2']);
  t.is(c.internet!.hosts.web!.ansible_host, '198.18.0.32');
  t.is(c.servers!.hosts.server!.ansible_host, '198.18.0.31');
  t.is(c.monitors!.hosts.monitor!.ansible_host, '198.18.0.41');
  t.is(inv.all.vars.ansible_user, 'root');
});

test('key and known_hosts paths are relative to the inventory file', (t) => {
  const vars = (parse(labInventory(join(PROJECT_ROOT, 'inventory/lab.yml'))) as Inv).all.vars;
  t.is(vars.ansible_ssh_private_key_file, '../.lab/id_ed25519');
  t.is(vars.tsplay_known_hosts, '../.lab/known_hosts');
  const light = (parse(lightInventory(labHosts(2), join(PROJECT_ROOT, '.lab/light.yml'))) as Inv).all;
  t.is(light.vars.ansible_ssh_private_key_file, 'id_ed25519');
});

test('gateway facts name the peer and the preferred role', (t) => {
  const g1 = gatewayVars('gw1');
  const g2 = gatewayVars('gw2');
  t.is(g1.lan_address, '198.18.1.2/24');
  t.is(`${g1.peer_lan_address}/24`, g2.lan_address ?? '', 'peers are plain addresses');
  t.is(g2.peer_sync_address, '198.18.2.1');
  t.is(g1.wan_vip, '198.19.0.1/24');
  t.is(g1.lan_interface, 'lan');
  t.is(g1.node_role_preferred, 'master');
  t.is(g2.node_role_preferred, 'backup');
});

test('light inventory lists only light nodes', (t) => {
  const inv = parse(lightInventory(labHosts(3))) as Inv;
  t.deepEqual(Object.keys(inv.all.children.light!.hosts), ['node01', 'node02', 'node03']);
  t.is(inv.all.children.light!.hosts.node03!.ansible_host, '198.18.0.103');
});
