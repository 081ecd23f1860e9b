import test from 'ava';
import { join } from 'node:path';
import { openInventory } from '../../../src/session/inventory-source.ts';
import { lazyDecryptor } from '../../../src/session/vault-password.ts';
import { InventoryError } from '../../../src/inventory/errors.ts';
import { tempTree } from '../inventory-helpers.ts';
import { load, setup, TOKEN } from './inventory-helpers.ts';

delete process.env.LINODE_TOKEN;

async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof InventoryError)) throw new Error(`expected an InventoryError, got ${String(e)}`);
  return e.message;
}

// Lines 1-5 of every setup() file: plugin, api_url, token:, vars_file, cache_dir; the case's YAML starts on line 6.
const cases: Array<[string, string, string]> = [
  ['an unknown key', 'region: nl-ams\n', ":6: unknown key 'region' in a Linode inventory (known: plugin, api_url, token, regions"],
  ['a region given as a string', 'regions: nl-ams\n', ':6: regions must be a list of strings, got string "nl-ams"'],
  ['a label pattern that is no regular expression', "label_pattern: 'gw-(['\n", ':6: label_pattern is not a valid regular expression: '],
  ['malformed YAML', 'tags: [a\n', ':7:1: malformed YAML: '],
  ['a keyed group without key', 'keyed_groups:\n  - { prefix: x }\n', ':6 (keyed_groups[0]): a keyed group needs key: (an instance field such as region, tags or type)'],
  ['an unknown key in pair_groups', 'pair_groups: { prefix: pair, parent: gateways }\n', ":6: unknown key 'parent' in pair_groups (known: tag_prefix, prefix, parent_group)"],
  ['a negative cache_ttl', 'cache_ttl: -5\n', ':6: cache_ttl must be a number of seconds (at least 0), got number -5'],
  ['a strict compose naming nothing', 'strict: true\ncompose:\n  mgmt: specs.nope\n', ":8: compose: mgmt: 'specs.nope' names nothing on Linode instance 'bastion-ams' (id 1013)"],
  ['a key given twice', 'api_url: https://api.linode.com\n', ":6: duplicate key 'api_url' (first at "],
];
for (const [what, config, expected] of cases) {
  test(`error: ${what} is named with file and line`, async (t) => {
    const s = await setup(t, config);
    const message = await failure(load(s));
    t.true(message.startsWith(s.inventory) && message.includes(expected), message);
    t.false(message.includes(TOKEN));
  });
}

test('error: an unknown plugin is named with its line', async (t) => {
  const dir = await tempTree({ 'aws.yml': '# cloud\nplugin: aws_ec2\n' });
  t.is(await failure(openInventory([join(dir, 'aws.yml')], lazyDecryptor(undefined))), `${dir}/aws.yml:2: unknown inventory plugin 'aws_ec2' (known: linode)`);
});

test('error: no token anywhere names both ways to give one', async (t) => {
  const s = await setup(t);
  const dir = await tempTree({ 'linode.yml': `plugin: linode\napi_url: ${s.fake.url}\n` });
  t.is(await failure(openInventory([join(dir, 'linode.yml')], lazyDecryptor(undefined))), `${dir}/linode.yml:1: no Linode API token: set LINODE_TOKEN, or name a vaulted vars file under token: (docs/linode.md)`);
  t.is(s.fake.seen.length, 0);
});

test('error: a vars file without the token variable', async (t) => {
  const s = await setup(t, '', {});
  const dir = await tempTree({ 'v.yml': 'other: 1\n', 'linode.yml': `plugin: linode\napi_url: ${s.fake.url}\ntoken:\n  vars_file: v.yml\n  var: my_token\n` });
  t.is(await failure(openInventory([join(dir, 'linode.yml')], lazyDecryptor(undefined))), `${dir}/linode.yml:4: ${dir}/v.yml holds no my_token (the Linode API token)`);
});

test('error: a refused token names the vars file and line it came from, and the scope', async (t) => {
  const s = await setup(t);
  s.fake.addToken('x', []);
  const dir = await tempTree({ 'v.yml': 'linode_token: revoked-0000-1111\n', 'linode.yml': `plugin: linode\napi_url: ${s.fake.url}\ntoken: { vars_file: v.yml }\ncache_ttl: 0\n` });
  const message = await failure(openInventory([join(dir, 'linode.yml')], lazyDecryptor(undefined)));
  t.is(
    message,
    `${dir}/linode.yml:1: reading the Linode account failed: GET /v4beta/linode/instances?page=1&page_size=500: 401 Invalid Token: the Linode API did not accept the token from variable linode_token (${dir}/v.yml:1) (expired, revoked or mistyped): create a personal access token with linodes:read_only`,
  );
});

test('error: an API that keeps failing is named with the request, and nothing is cached', async (t) => {
  const s = await setup(t);
  s.fake.fault(() => true, { status: 503, headers: { 'retry-after': '600' } });
  const message = await failure(load(s));
  t.regex(message, /linode\.yml:1: reading the Linode account failed: GET \/v4beta\/linode\/instances\?page=1&page_size=500: 503 fault 503 \(gave up after 1 attempt: Retry-After asks for 600 s/);
  const again = await load(s);
  t.is(again.inventory.hosts.size, 16, 'the next run reads the account again');
});
