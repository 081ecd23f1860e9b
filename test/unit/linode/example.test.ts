import test from 'ava';
import { readFileSync } from 'node:fs';
import { parseYaml } from '../../../src/inventory/yaml.ts';
import { readConfig } from '../../../src/linode/inventory/config.ts';
import { buildFragment } from '../../../src/linode/inventory/build.ts';
import { gatewayAccount } from '../../helpers/linode-account.ts';

// The documented example must stay a valid Linode inventory (checked without any API call).
test('inventory/linode.yml.example is a valid Linode inventory that groups a gateway account', (t) => {
  const file = 'inventory/linode.yml.example';
  const c = readConfig(parseYaml(readFileSync(file, 'utf8'), file));
  t.deepEqual(c.regions, ['nl-ams', 'de-fra-2']);
  t.is(c.token?.var, 'linode_token');
  const acc = gatewayAccount();
  const instances = acc.instances.filter((l) => c.regions.includes(l.region) && l.tags.includes('gateway')).map((l) => ({ linode: l, vlans: [{ label: 'lan', ipam_address: '192.168.10.2/24', active: true }] }));
  const f = buildFragment(c, instances);
  const a = f.hosts.find((h) => h.name === 'gw-ams-1-a')!;
  t.like(a.vars, { ansible_host: '203.0.113.20', mgmt_address: '203.0.113.20', wan_address: '203.0.113.20/24', lan_address: '192.168.10.2/24', linode_peer_id: 1002 });
  t.true(a.groups.includes('pair_ams_1') && a.groups.includes('plan_g6_dedicated_2'));
  t.deepEqual(f.groups.find((g) => g.name === 'pair_fra_2')?.parents, ['gateways']);
});
