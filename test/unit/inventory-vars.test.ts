import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.ts';
import { hostVars, inventoryLayers, mergeLayers } from '../../src/inventory/vars.ts';
import { FIX, ROOT } from './inventory-helpers.ts';

const P = `${FIX}/precedence`;
const KEYS = ['l2', 'l3', 'l4', 'l5a', 'l5b', 'l5c', 'l6', 'l7', 'l8', 'l9', 'l10'];
/** The engine's layers on top of the inventory: each sets its own key and every higher one. */
const from = (k: string) => Object.fromEntries(KEYS.slice(KEYS.indexOf(k)).map((key) => [key, k]));

async function allLayers() {
  const inv = await loadInventory([`${P}/hosts.yml`], { cwd: ROOT });
  const inventory = hostVars(inv, 'h1');
  return mergeLayers([
    { label: 'role defaults', vars: Object.fromEntries([...KEYS, 'sib', 'gvsib', 'l1'].map((k) => [k, 'defaults'])) },
    { label: 'inventory', vars: inventory.vars, origins: inventory.origins },
    { label: 'play vars', vars: from('l8') },
    { label: 'role call vars', vars: { ...from('l9'), l10: undefined } },
    { label: '-e', vars: { l10: 'extra' } },
  ]);
}

// [variable, winning value, origin: a file whose line must hold the key, or a layer label]
const table: Array<[string, unknown, string]> = [
  ['l1', 'defaults', 'role defaults'],
  ['l2', 'all-inline', `${P}/hosts.yml`],
  ['l3', 'parent-inline', `${P}/hosts.yml`],
  ['l4', 'child-inline', `${P}/hosts.yml`],
  ['sib', 'beta-inline', `${P}/hosts.yml`],
  ['l5a', 'gv-all', `${P}/group_vars/all.yml`],
  ['l5b', 'gv-parent', `${P}/group_vars/parent.yml`],
  ['l5c', 'gv-child', `${P}/group_vars/child.yml`],
  ['gvsib', 'gv-beta', `${P}/group_vars/beta.yml`],
  ['l6', 'host-inline', `${P}/hosts.yml`],
  ['l7', 'host-vars', `${P}/host_vars/h1.yml`],
  ['l8', 'l8', 'play vars'],
  ['l9', 'l9', 'role call vars'],
  ['l10', 'extra', '-e'],
];

for (const [key, value, origin] of table) {
  test(`precedence: ${key} comes from ${origin}`, async (t) => {
    const { vars, origins } = await allLayers();
    t.is(vars[key], value);
    if (!origin.endsWith('.yml')) {
      t.is(origins[key], origin);
      return;
    }
    const m = /^(.*):(\d+)$/.exec(origins[key] ?? '');
    t.truthy(m, `origin of ${key} is file:line, got ${origins[key]}`);
    t.is(m![1], origin);
    const line = readFileSync(join(ROOT, m![1]!), 'utf8').split('\n')[Number(m![2]) - 1];
    t.is(line?.trim(), `${key}: ${String(value)}`);
  });
}

test('inventory layers come in documented order: inline group vars, group_vars files, host, host_vars', async (t) => {
  const inv = await loadInventory([`${P}/hosts.yml`], { cwd: ROOT });
  t.deepEqual(
    inventoryLayers(inv, 'h1').map((l) => l.label),
    [
      'group all vars', 'group alpha vars', 'group beta vars', 'group parent vars', 'group child vars',
      'group_vars/all', 'group_vars/alpha', 'group_vars/beta', 'group_vars/parent', 'group_vars/child',
      'host h1 vars', 'host_vars/h1',
    ],
  );
});

test('realistic site: host_vars beat group_vars files, which beat inline group vars', async (t) => {
  const inv = await loadInventory([`${FIX}/gateways/hosts.yml`], { cwd: ROOT });
  const gw1 = hostVars(inv, 'gw1');
  t.is(gw1.vars['keepalived_priority'], 150);
  t.is(gw1.origins['keepalived_priority'], `${FIX}/gateways/host_vars/gw1.yml:2`);
  t.is(gw1.vars['wan_interface'], 'ens4');
  t.is(gw1.vars['log_level'], 'warning', 'group_vars/all.yml beats inline vars of deeper groups, as in Ansible');
  t.is(gw1.vars['site'], 'ams');
  t.is(hostVars(inv, 'gw2').vars['keepalived_priority'], 90);
  t.is(hostVars(inv, 'bastion').vars['keepalived_priority'], undefined);
  t.is(hostVars(inv, 'mon1').vars['log_level'], 'warning');
});

test('merging is shallow: a dict from a higher layer replaces the lower dict whole', (t) => {
  const { vars, origins } = mergeLayers([
    { label: 'a', vars: { sysctl: { 'net.ipv4.ip_forward': 1, 'net.ipv4.conf.all.rp_filter': 2 }, keep: 1 } },
    { label: 'b', vars: { sysctl: { 'net.ipv4.ip_forward': 0 } }, origins: { sysctl: 'x.yml:3' } },
  ]);
  t.deepEqual(vars, { sysctl: { 'net.ipv4.ip_forward': 0 }, keep: 1 });
  t.deepEqual(origins, { sysctl: 'x.yml:3', keep: 'a' });
});

test('hostVars of an unknown host is an error naming it', async (t) => {
  const inv = await loadInventory([`${P}/hosts.yml`], { cwd: ROOT });
  t.throws(() => hostVars(inv, 'h9'), { message: "unknown host 'h9'" });
});

test('an undefined value (an unset key of a Partial) does not blank out a lower layer', (t) => {
  const { vars, origins } = mergeLayers([
    { label: 'defaults', vars: { priority: 100 } },
    { label: 'role call vars', vars: { priority: undefined } },
  ]);
  t.deepEqual(vars, { priority: 100 });
  t.deepEqual(origins, { priority: 'defaults' });
});
