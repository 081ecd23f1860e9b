import test from 'ava';
import { InventoryError } from '../../src/inventory/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { FIX, ROOT, tempTree } from './inventory-helpers.ts';

const M = `${FIX}/malformed`;

async function failure(paths: string[], cwd = ROOT): Promise<string> {
  const err = await loadInventory(paths, { cwd }).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof InventoryError)) throw new Error(`expected an InventoryError, got ${String(err)}`);
  return err.message;
}

const cases: Array<[string, string, string]> = [
  ['malformed YAML names file:line:col and the parser message', 'bad-indent.yml', `${M}/bad-indent.yml:5:1: malformed YAML: All mapping items must start at the same column`],
  ['a list under hosts', 'hosts-list.yml', `${M}/hosts-list.yml:4: hosts of group 'gateways' must be a mapping (host: vars, or host: with nothing), got a list`],
  ['a host and a group with the same name', 'clash.yml', `${M}/clash.yml:5: host 'gw1' has the same name as a group (${M}/clash.yml:6)`],
  ['vars at the top level', 'unknown-top.yml', `${M}/unknown-top.yml:4: unknown top-level key 'vars': hosts, vars and children go under 'all:'`],
  ['a misspelt group key', 'unknown-group-key.yml', `${M}/unknown-group-key.yml:4: unknown key 'host' in group 'gateways' (expected hosts, vars or children)`],
  ['a group that is its own ancestor', 'cycle.yml', 'group cycle: '],
  ['a host given a bare value', 'host-scalar.yml', `${M}/host-scalar.yml:3: host 'gw1' in group 'all' must be a mapping of variables or empty, got string "198.18.1.11"`],
  ['an INI inventory', 'lab.ini', `${M}/lab.ini: INI inventories are not supported; convert it to YAML`],
];

for (const [title, file, expected] of cases) {
  test(`error: ${title}`, async (t) => {
    const message = await failure([`${M}/${file}`]);
    t.true(message.startsWith(expected), message);
    t.false(message.includes('    at '), 'no stack trace in the message');
  });
}

test('the malformed YAML message is one short line', async (t) => {
  const message = await failure([`${M}/bad-indent.yml`]);
  t.false(message.includes('\n'));
  t.true(message.length < 200, message);
});

test('a cycle names the groups in it', async (t) => {
  const message = await failure([`${M}/cycle.yml`]);
  t.regex(message, /group cycle: (a -> b -> a|b -> a -> b)/);
});

test('a missing inventory file is named', async (t) => {
  t.is(await failure(['inventory/nope.yml', `${FIX}/gateways/hosts.yml`]), 'inventory file not found: inventory/nope.yml');
});

test('no -i at all is refused', async (t) => {
  t.is(await failure([]), 'no inventory given: pass -i FILE');
});

test('a malformed group_vars file is named with its line', async (t) => {
  const dir = await tempTree({ 'hosts.yml': 'all:\n  hosts:\n    gw1:\n', 'group_vars/all.yml': 'a: 1\nb: "unterminated\n' });
  const message = await failure(['hosts.yml'], dir);
  t.regex(message, /^group_vars\/all\.yml:\d+:\d+: malformed YAML: Missing closing "quote/);
});

test('a group_vars file that is not a mapping is refused', async (t) => {
  const dir = await tempTree({ 'hosts.yml': 'all:\n  hosts:\n    gw1:\n', 'host_vars/gw1.yml': '- a\n- b\n' });
  t.is(await failure(['hosts.yml'], dir), 'host_vars/gw1.yml:1: a vars file must be a mapping of variables, got a list');
});

test('a duplicate key names both lines', async (t) => {
  const dir = await tempTree({ 'hosts.yml': 'all:\n  hosts:\n    gw1:\n    gw1:\n' });
  t.is(await failure(['hosts.yml'], dir), 'hosts.yml:4: duplicate key \'gw1\' (first at hosts.yml:3)');
});
