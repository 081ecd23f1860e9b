import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { labInventory } from '../../src/lab/inventory.ts';

type Hosts = Record<string, Record<string, unknown>>;
type Inv = { all: { vars: Record<string, unknown>; children: Record<string, { hosts: Hosts; vars?: Record<string, unknown> }> } };

// inventory/lab.yml is committed (it carries the lab's role settings too), so nothing regenerates
// it: its hosts, groups and addresses must stay what the lab actually builds.
test('the committed lab inventory has exactly the hosts and addresses the topology builds', (t) => {
  const file = join(import.meta.dirname, '../../inventory/lab.yml');
  const committed = parse(readFileSync(file, 'utf8')) as Inv;
  const generated = parse(labInventory(file)) as Inv;
  t.deepEqual(Object.keys(committed.all.children), Object.keys(generated.all.children));
  for (const [group, g] of Object.entries(generated.all.children)) {
    const mine = committed.all.children[group]!.hosts;
    t.deepEqual(Object.keys(mine), Object.keys(g.hosts), group);
    for (const [host, vars] of Object.entries(g.hosts)) {
      for (const [k, v] of Object.entries(vars)) t.is(mine[host]![k], v, `${host}.${k}`);
    }
  }
  for (const [k, v] of Object.entries(generated.all.vars)) t.is(committed.all.vars[k], v, `all.vars.${k}`);
});
