import test from 'ava';
import { readFileSync } from 'node:fs';
import { loadInventory } from '../../src/inventory/load.ts';
import { ansibleJson, inventoryGraph, inventoryHost, inventoryList } from '../../src/inventory/listing.ts';
import { hostVars } from '../../src/inventory/vars.ts';
import { ROOT } from './inventory-helpers.ts';

// What ansible-inventory printed for the same files (test/fixtures/ansible-inventory/record.sh).
const FIX = `${ROOT}/test/fixtures/ansible-inventory`;
const read = (name: string) => readFileSync(`${FIX}/${name}`, 'utf8');

for (const name of ['lab', 'site', 'nested', 'hosts-group', 'priority']) {
  const args = read(`${name}.args`).trim().split(/\s+/);
  const files = args.filter((_, i) => args[i - 1] === '-i');
  const host = JSON.parse(read(`${name}.host.json`)) as Record<string, unknown>;
  const hostName = { lab: 'gw1', site: 'gw1', nested: 'k1', 'hosts-group': 'h1', priority: 'p3' }[name]!;

  test(`${name}: --list, --graph and --host print what ansible-inventory prints`, async (t) => {
    // The inventory alone, as Ansible reads it (ts-play's own vars files, such as a vault, aside).
    const inv = await loadInventory(files, { cwd: ROOT });
    const varsOf = (h: string) => hostVars(inv, h).vars;
    t.is(`${ansibleJson(inventoryList(inv, varsOf))}\n`, read(`${name}.list.json`));
    t.is(`${inventoryGraph(inv)}\n`, read(`${name}.graph.txt`));
    t.deepEqual(inventoryHost(inv, hostName, varsOf), host);
  });
}

test('--graph from a group, and bad names', async (t) => {
  const inv = await loadInventory(['test/fixtures/ansible-patterns/nested.yml'], { cwd: ROOT });
  t.is(inventoryGraph(inv, 'dc1'), '@dc1:\n  |--@rack1:\n  |  |--k1\n  |--d1a\n  |--d1b');
  t.throws(() => inventoryGraph(inv, 'nope'), { message: /no group is called 'nope'/ });
  t.throws(() => inventoryHost(inv, 'nope', () => ({})), { message: /no host 'nope'/ });
});
