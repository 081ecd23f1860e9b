import test from 'ava';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheText, load, setup, TOKEN } from './inventory-helpers.ts';

test('a second listing within cache_ttl makes no API call, and the cache never holds the token', async (t) => {
  const s = await setup(t, 'include_vlans: true\n');
  await load(s);
  const first = s.fake.seen.length;
  t.is(first, 1 + 16, 'one page of instances and one read of VLANs per instance');
  const again = await load(s);
  t.is(s.fake.seen.length, first);
  t.is(again.inventory.hosts.get('gw-ord-2-b')!.vars.linode_vlan_address, '192.168.22.3/24');
  t.false(cacheText(s).includes(TOKEN));
  t.is(readdirSync(s.cache).length, 1);
});

test('an expired cache is read again from the API', async (t) => {
  const s = await setup(t, 'cache_ttl: 60\n');
  await load(s);
  const file = join(s.cache, readdirSync(s.cache)[0]!);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { fetched_at: number };
  data.fetched_at -= 61_000;
  writeFileSync(file, JSON.stringify(data));
  s.fake.account.add({ label: 'new-one', region: 'us-ord', ipv4: ['192.0.2.200'] });
  const { inventory } = await load(s);
  t.is(s.fake.seen.length, 2);
  t.true(inventory.hosts.has('new-one'));
});

test('cache_ttl 0 reads the API every time and writes no cache', async (t) => {
  const s = await setup(t, 'cache_ttl: 0\n');
  await load(s);
  await load(s);
  t.is(s.fake.seen.length, 2);
  t.throws(() => readdirSync(s.cache));
});

test('compose and groups are rebuilt from the cache; a new selection reads the API', async (t) => {
  const s = await setup(t);
  await load(s);
  writeFileSync(s.inventory, readFileSync(s.inventory, 'utf8') + 'compose:\n  where: "{{ region }}/{{ label }}"\n');
  const { inventory } = await load(s);
  t.is(s.fake.seen.length, 1, 'compose is applied to the cached instances');
  t.is(inventory.hosts.get('db-fra-1')!.vars.where, 'de-fra-2/db-fra-1');
  writeFileSync(s.inventory, readFileSync(s.inventory, 'utf8') + 'regions: [us-ord]\n');
  t.is((await load(s)).inventory.hosts.size, 5);
  t.is(s.fake.seen.length, 2);
});

test('a cache that cannot be written is a warning, not a failed run', async (t) => {
  const s = await setup(t);
  writeFileSync(s.cache, 'a file where the cache folder would go\n');
  const { inventory, warnings } = await load(s);
  t.is(inventory.hosts.size, 16);
  t.true(warnings.some((w) => w.includes('cannot write the Linode inventory cache')), warnings.join('\n'));
});
