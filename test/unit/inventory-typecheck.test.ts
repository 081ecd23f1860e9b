import test from 'ava';
import { loadInventory } from '../../src/inventory/load.ts';
import { roleVars } from '../../src/inventory/role-vars.ts';
import { checkRoleVars } from '../../src/inventory/typecheck.ts';
import { hostVars } from '../../src/inventory/vars.ts';
import { parseExtraVars } from '../../src/inventory/extra-vars.ts';
import { required } from '../../src/inventory/required.ts';
import { clearSecrets, registerSecret } from '../../src/vault/redact.ts';
import { FIX, ROOT } from './inventory-helpers.ts';

const T = `${FIX}/typed`;

const keepalivedDefaults = {
  keepalived_priority: 100,
  keepalived_advert_int: 1,
  keepalived_vrid: 51,
  keepalived_preempt: true,
  keepalived_peers: [] as string[],
  keepalived_scripts: {} as Record<string, string>,
  wan_vip: required.string(),
};

test('errors name the host, variable, origin file:line, expected type, role and the value', async (t) => {
  const inv = await loadInventory([`${T}/hosts.yml`], { cwd: ROOT });
  const gw1 = hostVars(inv, 'gw1');
  const { errors } = checkRoleVars('keepalived', 'gw1', keepalivedDefaults, gw1.vars, gw1.origins);
  t.deepEqual(errors, [
    `gw1: variable keepalived_priority from ${T}/host_vars/gw1.yml:3 must be a number (role keepalived), got string "high"`,
    'gw1: variable wan_vip is required by role keepalived but not set',
  ]);
});

test('integer-like strings are not coerced', async (t) => {
  const inv = await loadInventory([`${T}/hosts.yml`], { cwd: ROOT });
  const gw2 = hostVars(inv, 'gw2');
  const { errors } = checkRoleVars('keepalived', 'gw2', keepalivedDefaults, { ...gw2.vars, wan_vip: '198.18.10.1/24' }, gw2.origins);
  t.deepEqual(errors, [`gw2: variable keepalived_priority from ${T}/hosts.yml:9 must be a number (role keepalived), got string "100"`]);
});

test('-e key=value is typed when parsed, so -e keepalived_priority=150 passes', async (t) => {
  const extra = await parseExtraVars(['keepalived_priority=150', 'wan_vip=198.18.10.1/24'], ROOT);
  const { vars, errors } = checkRoleVars('keepalived', 'gw1', keepalivedDefaults, extra, {});
  t.deepEqual(errors, []);
  t.is(vars['keepalived_priority'], 150);
});

test('picks only the declared keys, filling the rest from the defaults', (t) => {
  const merged = { keepalived_priority: 150, wan_vip: '198.18.10.1/24', unrelated: 'x', keepalived_peers: ['198.18.1.12'] };
  const { vars, errors } = checkRoleVars('keepalived', 'gw1', keepalivedDefaults, merged, {});
  t.deepEqual(errors, []);
  t.deepEqual(vars, { ...keepalivedDefaults, keepalived_priority: 150, wan_vip: '198.18.10.1/24', keepalived_peers: ['198.18.1.12'] });
});

const kinds: Array<[string, unknown, string]> = [
  ['keepalived_preempt', 'yes', 'must be a boolean (role keepalived), got string "yes"'],
  ['keepalived_peers', '198.18.1.12', 'must be an array (role keepalived), got string "198.18.1.12"'],
  ['keepalived_scripts', ['a'], 'must be an object (role keepalived), got array ["a"]'],
  ['keepalived_scripts', null, 'must be an object (role keepalived), got null'],
  ['keepalived_vrid', true, 'must be a number (role keepalived), got boolean true'],
  ['wan_vip', 3232235777, 'must be a string (role keepalived), got number 3232235777'],
];

for (const [key, value, tail] of kinds) {
  test(`type check: ${key} = ${JSON.stringify(value)}`, (t) => {
    const merged = { wan_vip: '198.18.10.1/24', [key]: value };
    const { errors } = checkRoleVars('keepalived', 'gw1', keepalivedDefaults, merged, { [key]: 'play "site" vars' });
    t.deepEqual(errors, [`gw1: variable ${key} from play "site" vars ${tail}`]);
  });
}

test('a required marker still in the merged vars (defaults merged in) counts as not set', (t) => {
  const { errors } = checkRoleVars('keepalived', 'gw2', keepalivedDefaults, { ...keepalivedDefaults }, {});
  t.deepEqual(errors, ['gw2: variable wan_vip is required by role keepalived but not set']);
});

test('a required number set to a string names the expected kind from the marker', (t) => {
  const { errors } = checkRoleVars('conntrackd', 'gw1', { sync_port: required.number() }, { sync_port: '3780' }, { sync_port: '-e' });
  t.deepEqual(errors, ['gw1: variable sync_port from -e must be a number (role conntrackd), got string "3780"']);
});

test.serial('a vaulted value is redacted in a type error, long values are cut', (t) => {
  clearSecrets();
  registerSecret('hunter2-secret');
  const { errors } = checkRoleVars('r', 'gw1', { psk: 0, blob: '' }, { psk: 'hunter2-secret', blob: ['x'.repeat(100)] }, {});
  t.is(errors[0], 'gw1: variable psk must be a number (role r), got string "<vaulted>"');
  t.true(errors[1]!.endsWith('..."]') || errors[1]!.endsWith('...'), errors[1]);
  t.true(errors[1]!.length < 140);
  clearSecrets();
});

test('roleVars runs the whole chain: defaults < inventory < play < role call < -e, then checks', async (t) => {
  const inv = await loadInventory([`${FIX}/gateways/hosts.yml`], { cwd: ROOT });
  const run = (layers: Parameters<typeof roleVars>[1]['layers']) =>
    roleVars(inv, { role: 'keepalived', host: 'gw1', defaults: keepalivedDefaults, layers });
  const base = run([]);
  t.deepEqual(base.errors, []);
  t.is(base.vars['keepalived_priority'], 150);
  t.is(base.vars['wan_vip'], '198.18.10.1/24');
  t.is(base.vars['keepalived_preempt'], true);
  t.is(base.origins['keepalived_preempt'], 'role keepalived defaults');
  const over = run([
    { label: 'play "site" vars', vars: { keepalived_priority: 160 } },
    { label: 'role keepalived arguments', vars: { keepalived_priority: 170 } },
    { label: '-e', vars: { keepalived_priority: 'urgent' } },
  ]);
  t.deepEqual(over.errors, ['gw1: variable keepalived_priority from -e must be a number (role keepalived), got string "urgent"']);
});
