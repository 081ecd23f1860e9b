import test from 'ava';
import { InventoryError } from '../../src/inventory/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { limitHosts, selectHosts } from '../../src/inventory/patterns.ts';
import type { Inventory } from '../../src/inventory/types.ts';
import { FIX, ROOT, tempTree } from './inventory-helpers.ts';

let inv: Inventory;
test.before(async () => {
  // bastion, gw1, gw2, mon1 (gateways/hosts.yml) then gw3 (extra/more.yml, in canary and gateways).
  inv = await loadInventory([`${FIX}/gateways/hosts.yml`, `${FIX}/extra/more.yml`], { cwd: ROOT });
});

const cases: Array<[string, string[]]> = [
  ['gw1', ['gw1']],
  ['gateways', ['gw1', 'gw2', 'gw3']],
  ['site_ams', ['gw1', 'gw2', 'gw3', 'mon1']],
  ['all', ['bastion', 'gw1', 'gw2', 'mon1', 'gw3']],
  ['*', ['bastion', 'gw1', 'gw2', 'mon1', 'gw3']],
  ['ungrouped', ['bastion']],
  ['gw*', ['gw1', 'gw2', 'gw3']],
  ['gw?', ['gw1', 'gw2', 'gw3']],
  ['gw[!1]', ['gw2', 'gw3']],
  ['*way*', ['gw1', 'gw2', 'gw3']],
  ['mon1,gw1', ['mon1', 'gw1']],
  ['mon1:bastion', ['mon1', 'bastion']],
  ['gateways:!gw2', ['gw1', 'gw3']],
  ['!gw2:gateways', ['gw1', 'gw3']],
  ['site_ams:&exporters', ['gw1', 'gw2', 'mon1']],
  ['gateways:&canary', ['gw3']],
  ['gateways:!canary:&exporters', ['gw1', 'gw2']],
  ['!gateways', ['bastion', 'mon1']],
  ['all:!site_ams', ['bastion']],
  ['~gw[23]', ['gw2', 'gw3']],
  ['gateways[0]', ['gw1']],
  ['gateways[-1]', ['gw3']],
  ['gateways[1:]', ['gw2', 'gw3']],
  ['gateways[0:1]', ['gw1', 'gw2']],
  [' gw2 , gw1 ', ['gw2', 'gw1']],
];

for (const [pattern, hosts] of cases) {
  test(`pattern '${pattern}'`, (t) => {
    t.deepEqual(selectHosts(inv, pattern), hosts);
  });
}

test('a part that matches nothing is an error naming it and where the pattern came from', (t) => {
  t.throws(() => selectHosts(inv, 'gateways:gw9', '--limit'), { instanceOf: InventoryError, message: "no host or group matches 'gw9' (in --limit)" });
  t.throws(() => selectHosts(inv, 'gateways:!gw9', '--limit'), { message: "no host or group matches 'gw9' (in --limit)" });
  t.throws(() => selectHosts(inv, 'db*', 'hosts of play "site"'), { message: `no host or group matches 'db*' (in hosts of play "site")` });
  t.throws(() => selectHosts(inv, ''), { message: 'empty host pattern (in host pattern)' });
});

test('an existing but empty group is not an error', async (t) => {
  const dir = await tempTree({ 'h.yml': 'all:\n  hosts: { a: }\n  children:\n    empty:\n      vars: { x: 1 }\n' });
  const small = await loadInventory(['h.yml'], { cwd: dir });
  t.deepEqual(selectHosts(small, 'empty'), []);
});

test('limitHosts keeps the play order and drops hosts outside the limit', (t) => {
  const play = ['gw3', 'gw1', 'gw2'];
  t.deepEqual(limitHosts(inv, play, 'gw1:gw3'), ['gw3', 'gw1']);
  t.deepEqual(limitHosts(inv, play, undefined), play);
  t.deepEqual(limitHosts(inv, play, ''), play);
  t.deepEqual(limitHosts(inv, play, 'monitoring'), []);
  t.throws(() => limitHosts(inv, play, 'gw7'), { message: "no host or group matches 'gw7' (in --limit)" });
});

test('limitHosts reads @file, one pattern per line, like an Ansible retry file', (t) => {
  const play = ['bastion', 'gw1', 'gw2', 'mon1'];
  t.deepEqual(limitHosts(inv, play, `@${FIX}/gateways.retry`, { cwd: ROOT }), ['gw2', 'mon1']);
  t.throws(() => limitHosts(inv, play, `@${FIX}/bad.retry`, { cwd: ROOT }), {
    message: `no host or group matches 'gw7' (in --limit ${FIX}/bad.retry:2)`,
  });
  t.throws(() => limitHosts(inv, play, '@nope.retry', { cwd: ROOT }), { message: 'limit file not found: nope.retry (in --limit)' });
});

test('selectHosts accepts @file too, so --limit can go through one call', (t) => {
  t.deepEqual(selectHosts(inv, `@${FIX}/gateways.retry`, '--limit', { cwd: ROOT }), ['gw2', 'mon1']);
});
