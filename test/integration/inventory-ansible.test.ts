// `ts-play inventory` against the real ansible-inventory (Debian's ansible-core), on the lab's inventory.
import test from 'ava';
import { runProcess } from '../../src/base/process.ts';
import { differencesFromAnsible } from '../helpers/ansible-inventory.ts';
import { LAB_INVENTORY, ROOT, tsplay } from '../helpers/cli.ts';

const ansibleInventory = (args: string[]) => runProcess(['ansible-inventory', '-i', LAB_INVENTORY, ...args], { cwd: ROOT, env: { ...process.env, ANSIBLE_CONFIG: '' } });

test('inventory --list on inventory/lab.yml equals ansible-inventory --list as JSON, vaulted values aside', async (t) => {
  const [ours, theirs] = await Promise.all([tsplay(['inventory', '--list', '-i', LAB_INVENTORY]), ansibleInventory(['--list'])]);
  t.is(ours.code, 0, ours.stderr);
  t.is(theirs.code, 0, theirs.stderr);
  t.deepEqual(differencesFromAnsible(JSON.parse(ours.stdout), JSON.parse(theirs.stdout)), []);
});

test('inventory --graph and --host print what ansible-inventory prints', async (t) => {
  t.is((await tsplay(['inventory', '--graph', '-i', LAB_INVENTORY])).stdout, (await ansibleInventory(['--graph'])).stdout);
  for (const host of ['gw1', 'monitor']) {
    const ours = JSON.parse((await tsplay(['inventory', '--host', host, '-i', LAB_INVENTORY])).stdout) as Record<string, unknown>;
    const theirs = JSON.parse((await ansibleInventory(['--host', host])).stdout) as Record<string, unknown>;
    t.deepEqual(differencesFromAnsible({ _meta: { hostvars: { [host]: ours } } }, { _meta: { hostvars: { [host]: theirs } } }), []);
  }
});
