import test from 'ava';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openInventory } from '../../../src/session/inventory-source.ts';
import { lazyDecryptor } from '../../../src/session/vault-password.ts';
import { selectHosts } from '../../../src/inventory/patterns.ts';
import { encryptVault } from '../../../src/vault/format.ts';
import { redact, REDACTED } from '../../../src/vault/redact.ts';
import { gatewayAccount } from '../../helpers/linode-account.ts';
import { load, members, setup, TOKEN } from './inventory-helpers.ts';

const GW = (pair: string) => [`gw-${pair}-a`, `gw-${pair}-b`];

test('an account of 3 regions, 6 pairs and strays becomes region, tag and pair groups', async (t) => {
  const s = await setup(t, 'include_vlans: true\n');
  const { inventory: inv, warnings } = await load(s);
  t.is(inv.hosts.size, 16);
  const expected: Record<string, string[]> = {
    region_nl_ams: [...GW('ams-1'), ...GW('ams-2'), 'bastion-ams', 'private-only-ams'].sort(),
    region_de_fra_2: [...GW('fra-1'), ...GW('fra-2'), 'db-fra-1'].sort(),
    region_us_ord: [...GW('ord-1'), ...GW('ord-2'), 'ci-runner-ord'].sort(),
    tag_gateway: [...['ams', 'fra', 'ord'].flatMap((r) => [...GW(`${r}-1`), ...GW(`${r}-2`)]), 'private-only-ams'].sort(),
    pair_ams_1: GW('ams-1'),
    pair_ord_2: GW('ord-2'),
    gateways: ['ams', 'fra', 'ord'].flatMap((r) => [...GW(`${r}-1`), ...GW(`${r}-2`)]).sort(),
    tag_mgmt: ['bastion-ams'],
    tag_ci: ['ci-runner-ord'],
    ungrouped: [],
  };
  for (const [group, hosts] of Object.entries(expected)) t.deepEqual(members(inv, group), hosts, group);
  t.deepEqual(inv.groups.get('gateways')!.children.sort(), ['pair_ams_1', 'pair_ams_2', 'pair_fra_1', 'pair_fra_2', 'pair_ord_1', 'pair_ord_2']);
  t.deepEqual(warnings, [`inventory/linode.yml (Linode instance 1016): 'private-only-ams' has no public IPv4: ansible_host is not set (compose one, e.g. ansible_host: private_ipv4)`.replace('inventory/', `${s.dir}/inventory/`)]);
});

test('host variables come from the instance, its pair and its VLAN; group_vars and host_vars merge as for a static inventory', async (t) => {
  const s = await setup(t, 'include_vlans: true\ncompose:\n  wan_address: "{{ public_ipv4 }}/24"\n  lan_address: vlans[0].ipam_address\n  vcpus: specs.vcpus\n', {
    'group_vars/gateways.yml': 'keepalived_vip_mode: bgp\nwan_address: overridden-by-compose\n',
    'group_vars/pair_ams_1.yml': 'wan_vip: 203.0.113.101/24\n',
    'host_vars/gw-ams-1-a.yml': 'node_role_preferred: master\nlinode_vlan_address: 192.168.10.9/24\n',
  });
  const { source } = await load(s);
  const { vars, origins } = source.hostVars('gw-ams-1-a');
  t.like(vars, {
    ansible_host: '203.0.113.20',
    linode_id: 1001,
    linode_label: 'gw-ams-1-a',
    linode_region: 'nl-ams',
    linode_type: 'g6-dedicated-2',
    linode_tags: ['gateway', 'gateway-pair:ams-1'],
    linode_ipv4: ['203.0.113.20', '192.168.128.20', '203.0.113.101'],
    linode_public_ipv4: '203.0.113.20',
    linode_private_ipv4: '192.168.128.20',
    linode_pair: 'pair_ams_1',
    linode_peer_id: 1002,
    linode_peer_label: 'gw-ams-1-b',
    wan_address: '203.0.113.20/24',
    lan_address: '192.168.10.2/24',
    vcpus: 2,
    keepalived_vip_mode: 'bgp',
    wan_vip: '203.0.113.101/24',
    node_role_preferred: 'master',
    linode_vlan_address: '192.168.10.9/24',
  });
  t.deepEqual(vars.linode_vlans, [{ label: 'lan-ams-1', ipam_address: '192.168.10.2/24', active: true, config: 'My Debian 12 Disk Profile' }]);
  t.regex(origins.linode_id!, /inventory\/linode\.yml \(Linode instance 1001\)$/);
  t.regex(origins.wan_address!, /inventory\/linode\.yml:8$/, "compose (line 8) beats group_vars, as host vars beat group vars");
  t.regex(origins.wan_vip!, /group_vars\/pair_ams_1\.yml:1$/);
  t.regex(origins.linode_vlan_address!, /host_vars\/gw-ams-1-a\.yml:2$/);
  t.is(source.hostVars('ci-runner-ord').vars.linode_vlan_address, '10.9.0.2/24', 'Linode Interfaces are read too');
});

const selections: Array<[string, string, string[]]> = [
  ['regions', 'regions: [us-ord]\n', [...GW('ord-1'), ...GW('ord-2'), 'ci-runner-ord']],
  ['tags (any of them)', 'tags: [mgmt, ci]\n', ['bastion-ams', 'ci-runner-ord']],
  ['types', 'types: [g6-standard-4]\n', ['db-fra-1']],
  ['a label pattern', "label_pattern: '^gw-fra-'\n", [...GW('fra-1'), ...GW('fra-2')]],
  ['all of them together', "regions: [nl-ams, de-fra-2]\ntags: [gateway]\nlabel_pattern: '-1-'\n", [...GW('ams-1'), ...GW('fra-1')]],
];
for (const [what, config, hosts] of selections) {
  test(`instances are selected by ${what}`, async (t) => {
    const { inventory } = await load(await setup(t, config));
    t.deepEqual([...inventory.hosts.keys()].sort(), hosts.sort());
  });
}

test('keyed groups, parent groups and default values as linode.cloud.instance has them', async (t) => {
  const s = await setup(
    t,
    'keyed_groups:\n  - { key: type, prefix: plan, parent_group: by_plan }\n  - { key: group, default_value: nogroup }\n  - { key: specs.vcpus, prefix: cpus, separator: "-" }\npair_groups: false\n',
  );
  const { inventory: inv } = await load(s);
  t.deepEqual(members(inv, 'plan_g6_dedicated_2').length, 12);
  t.deepEqual(inv.groups.get('by_plan')!.children.sort(), ['plan_g6_dedicated_2', 'plan_g6_nanode_1', 'plan_g6_standard_2', 'plan_g6_standard_4']);
  t.is(members(inv, 'nogroup').length, 16);
  t.is(members(inv, 'cpus_2').length, 16, 'a separator outside [A-Za-z0-9_] is sanitised like any other character');
  t.false(inv.groups.has('region_nl_ams'), 'keyed_groups replaces the default region and tag groups');
  t.false(inv.groups.has('pair_ams_1'));
});

test('patterns and --limit work on the groups the account gives', async (t) => {
  const { inventory: inv } = await load(await setup(t));
  t.deepEqual(selectHosts(inv, 'pair_fra_2'), GW('fra-2'));
  t.deepEqual(selectHosts(inv, 'gateways:&region_us_ord'), [...GW('ord-1'), ...GW('ord-2')]);
  t.deepEqual(selectHosts(inv, 'tag_gateway:!gateways'), ['private-only-ams']);
  t.deepEqual(selectHosts(inv, 'gw-*-2-b'), ['gw-ams-2-b', 'gw-fra-2-b', 'gw-ord-2-b']);
  t.throws(() => selectHosts(inv, 'pair_ams_9', '--limit'), { message: "no host or group matches 'pair_ams_9' (in --limit)" });
});

test('a pair tag on more or fewer than two instances is a warning, and no peer is guessed', async (t) => {
  const account = gatewayAccount();
  account.add({ label: 'gw-ams-1-c', region: 'nl-ams', tags: ['gateway-pair:ams-1'], ipv4: ['203.0.113.99'] });
  const { inventory: inv, warnings } = await load(await setup(t, '', {}, account));
  t.true(warnings.some((w) => w.endsWith("pair group 'pair_ams_1' holds 3 instance(s) (gw-ams-1-a, gw-ams-1-b, gw-ams-1-c): a pair has two, so no peer variables were set")));
  t.is(inv.hosts.get('gw-ams-1-a')!.vars.linode_peer_id, undefined);
  t.is(inv.hosts.get('gw-fra-1-a')!.vars.linode_peer_id, 1006);
});

test('one vaulted group_vars/all file gives the inventory its token and every host its linode_token', async (t) => {
  const s = await setup(t, '', {}, undefined, { tokenFile: false });
  const dir = join(s.dir, 'inventory');
  mkdirSync(join(dir, 'group_vars/all'), { recursive: true });
  writeFileSync(join(dir, 'group_vars/all/vault.yml'), encryptVault(`linode_token: ${TOKEN}\n`, 'pw'));
  writeFileSync(join(s.dir, 'pw'), 'pw\n');
  writeFileSync(s.inventory, readFileSync(s.inventory, 'utf8').replace('# token from LINODE_TOKEN\n#\n', 'token:\n  vars_file: group_vars/all/vault.yml\n'));
  const { source } = await openInventory([s.inventory], lazyDecryptor(join(s.dir, 'pw')));
  t.is(source.hostVars('gw-fra-1-b').vars.linode_token, TOKEN);
  t.regex(source.hostVars('gw-fra-1-b').origins.linode_token!, /group_vars\/all\/vault\.yml:1$/);
  t.is(redact(`token ${TOKEN}`), `token ${REDACTED}`);
});
