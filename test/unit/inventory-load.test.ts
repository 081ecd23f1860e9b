import test from 'ava';
import { loadInventory } from '../../src/inventory/load.ts';
import { FIX, ROOT, tempTree } from './inventory-helpers.ts';

const load = (...paths: string[]) => loadInventory(paths.map((p) => `${FIX}/${p}`), { cwd: ROOT });

test('loads hosts in inventory order, with transitive groups in precedence order', async (t) => {
  const inv = await load('gateways/hosts.yml');
  t.deepEqual([...inv.hosts.keys()], ['bastion', 'gw1', 'gw2', 'mon1']);
  t.deepEqual(inv.hosts.get('gw1')!.groups, ['all', 'exporters', 'site_ams', 'gateways']);
  t.deepEqual(inv.hosts.get('mon1')!.groups, ['all', 'exporters', 'site_ams', 'monitoring']);
  t.deepEqual(inv.hosts.get('bastion')!.groups, ['all', 'ungrouped']);
  t.is(inv.hosts.get('gw2')!.order, 2);
  t.is(inv.hosts.get('gw1')!.where, `${FIX}/gateways/hosts.yml:21`);
});

test('builds the group graph: parents, children, direct hosts, depths', async (t) => {
  const inv = await load('gateways/hosts.yml');
  const g = (n: string) => inv.groups.get(n)!;
  t.deepEqual(g('all').children.sort(), ['exporters', 'site_ams', 'ungrouped']);
  t.deepEqual(g('site_ams').children, ['gateways', 'monitoring']);
  t.deepEqual(g('gateways').parents, ['site_ams']);
  t.deepEqual(g('gateways').hosts, ['gw1', 'gw2']);
  t.deepEqual(g('exporters').hosts, ['gw1', 'gw2', 'mon1']);
  t.deepEqual(g('ungrouped').hosts, ['bastion']);
  t.deepEqual([g('all').depth, g('site_ams').depth, g('gateways').depth, g('exporters').depth], [0, 1, 2, 1]);
});

test('a host listed in several groups gets their inline vars merged', async (t) => {
  const inv = await load('gateways/hosts.yml');
  t.deepEqual(inv.hosts.get('mon1')!.vars, { ansible_host: '198.18.2.10', node_exporter_port: 9101 });
  t.deepEqual(inv.hosts.get('gw1')!.vars, { ansible_host: '198.18.1.11', keepalived_state: 'MASTER' });
  t.is(inv.hosts.get('mon1')!.origins['node_exporter_port'], `${FIX}/gateways/hosts.yml:36`);
});

test('reads group_vars and host_vars in file and directory form, sorted', async (t) => {
  const inv = await load('gateways/hosts.yml');
  const gw = inv.groups.get('gateways')!;
  // sysctl.yml sorts after keepalived.yml, so its wan_interface wins within the group's files.
  t.is(gw.fileVars['wan_interface'], 'ens4');
  t.is(gw.fileVars['keepalived_priority'], 100);
  t.is(gw.fileOrigins['wan_interface'], `${FIX}/gateways/group_vars/gateways/sysctl.yml:2`);
  t.deepEqual(inv.groups.get('all')!.fileVars['dns_servers'], ['198.18.0.53', '198.18.0.54']);
  t.is(inv.hosts.get('gw1')!.fileVars['keepalived_priority'], 150);
  t.is(inv.hosts.get('gw2')!.fileOrigins['keepalived_priority'], `${FIX}/gateways/host_vars/gw2/keepalived.yml:1`);
  t.deepEqual(inv.files, [
    `${FIX}/gateways/hosts.yml`,
    `${FIX}/gateways/group_vars/all.yml`,
    `${FIX}/gateways/group_vars/gateways/keepalived.yml`,
    `${FIX}/gateways/group_vars/gateways/sysctl.yml`,
    `${FIX}/gateways/host_vars/gw1.yml`,
    `${FIX}/gateways/host_vars/gw2/keepalived.yml`,
  ]);
  t.deepEqual(inv.warnings, []);
});

test('several -i merge: new hosts and groups are added, later host vars override', async (t) => {
  const inv = await load('gateways/hosts.yml', 'extra/more.yml');
  t.deepEqual([...inv.hosts.keys()], ['bastion', 'gw1', 'gw2', 'mon1', 'gw3']);
  t.deepEqual(inv.groups.get('gateways')!.hosts, ['gw1', 'gw2', 'gw3']);
  t.is(inv.hosts.get('gw1')!.vars['ansible_host'], '198.18.1.111');
  t.is(inv.hosts.get('gw1')!.origins['ansible_host'], `${FIX}/extra/more.yml:8`);
  t.deepEqual(inv.hosts.get('gw3')!.groups, ['all', 'canary', 'site_ams', 'gateways']);
  // gateways/group_vars still applies to gw3, whichever file brought it in.
  t.true(inv.files.includes(`${FIX}/gateways/group_vars/all.yml`));
});

test('an inventory directory loads its YAML files and its own group_vars', async (t) => {
  const inv = await load('gateways');
  t.deepEqual([...inv.hosts.keys()], ['bastion', 'gw1', 'gw2', 'mon1']);
  t.is(inv.hosts.get('gw1')!.fileVars['keepalived_priority'], 150);
});

test('vars files for unknown groups or hosts are warnings, not errors', async (t) => {
  const inv = await load('orphan-vars/hosts.yml');
  t.deepEqual(inv.warnings, [
    `${FIX}/orphan-vars/group_vars/gatewyas.yml: no inventory defines a group 'gatewyas'; its variables are ignored`,
    `${FIX}/orphan-vars/host_vars/gw9.yml: no inventory defines a host 'gw9'; its variables are ignored`,
  ]);
  t.deepEqual(inv.groups.get('all')!.fileVars, {});
});

test('host ranges, top-level groups, merge keys and YAML 1.1 scalars as Ansible reads them', async (t) => {
  const dir = await tempTree({
    'hosts.yml': [
      'all:',
      '  vars:',
      '    base: &base { mtu: 1500, yes_flag: yes, n_letter: n, mac: 00:11:22:33:44:55, mode: 0644, day: 2024-01-01 }',
      '    wan: { <<: *base, mtu: 9000 }',
      'gateways:',
      '  hosts:',
      '    gw[01:03]:',
      '    edge-[a:b]:',
      '      role: edge',
      '    10.0:',
    ].join('\n'),
  });
  const inv = await loadInventory(['hosts.yml'], { cwd: dir });
  t.deepEqual([...inv.hosts.keys()], ['gw01', 'gw02', 'gw03', 'edge-a', 'edge-b', '10.0']);
  t.deepEqual(inv.groups.get('gateways')!.parents, ['all']);
  t.is(inv.hosts.get('edge-b')!.vars['role'], 'edge');
  const vars = inv.groups.get('all')!.vars;
  t.deepEqual(vars['base'], { mtu: 1500, yes_flag: true, n_letter: 'n', mac: '00:11:22:33:44:55', mode: 420, day: '2024-01-01' });
  t.is((vars['wan'] as { mtu: number }).mtu, 9000);
  t.is((vars['wan'] as { mac: string }).mac, '00:11:22:33:44:55');
});

test('ansible_group_priority reorders groups of the same depth', async (t) => {
  const dir = await tempTree({
    'hosts.yml': 'all:\n  children:\n    alpha:\n      vars: { ansible_group_priority: 5 }\n      hosts: { h1: }\n    beta:\n      hosts: { h1: }\n',
  });
  const inv = await loadInventory(['hosts.yml'], { cwd: dir });
  t.deepEqual(inv.hosts.get('h1')!.groups, ['all', 'beta', 'alpha']);
});
