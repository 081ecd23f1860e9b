// Issue 14: a 409-byte inventory of nested YAML aliases ran for 20 minutes and 3.6 GB. Alias
// expansion is bounded: such a file fails fast, exit 1, with its name.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.ts';
import { loadExtraVars } from '../../src/inventory/extra-vars.ts';
import { InventoryError } from '../../src/inventory/errors.ts';
import { tsplay } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsp-aliases-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** Nine levels of ten aliases each: 10^9 values from a few hundred bytes, as mapping lines. */
function laughs(indent: string): string {
  const lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= 9; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(',')}]`);
  return lines.map((l) => `${indent}${l}\n`).join('');
}

const BOMB_INVENTORY = `all:\n  hosts:\n    gw1:\n  vars:\n${laughs('    ')}`;

test('a billion-laughs inventory fails fast with an error naming the file', async (t) => {
  const file = join(dir, 'bomb.yml');
  writeFileSync(file, BOMB_INVENTORY);
  t.true(Buffer.byteLength(BOMB_INVENTORY) < 1024);
  const t0 = Date.now();
  const err = await t.throwsAsync(loadInventory([file], { cwd: dir }), { instanceOf: InventoryError });
  t.true(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  t.regex(err!.message, /^bomb\.yml: the document expands to more than 1000000 values \(nested YAML aliases, a "billion laughs"\?\): refused$/);
});

test('-e @file with nested aliases fails the same way, naming the file', async (t) => {
  const file = join(dir, 'extra.yml');
  writeFileSync(file, laughs(''));
  const err = await t.throwsAsync(loadExtraVars([`@${file}`], dir), { instanceOf: InventoryError });
  t.regex(err!.message, /^extra\.yml: the document expands to more than/);
});

test('an inline -e mapping with nested aliases is refused too', async (t) => {
  const inline = `{${laughs('').trim().split('\n').join(', ')}}`;
  await t.throwsAsync(loadExtraVars([inline], dir), { instanceOf: InventoryError, message: /expands to more than|YAML aliases/ });
});

test('an alias that contains itself is refused, not followed forever', async (t) => {
  const file = join(dir, 'loop.yml');
  writeFileSync(file, 'all:\n  vars:\n    a: &x\n      - b: *x\n');
  await t.throwsAsync(loadInventory([file], { cwd: dir }), { instanceOf: InventoryError, message: /^loop\.yml: values nested more than 64 levels deep/ });
});

test('ordinary anchors and merge keys still work', async (t) => {
  const file = join(dir, 'ok.yml');
  writeFileSync(file, 'all:\n  hosts:\n    gw1: &gw\n      wan_interface: eth0\n      list: &l [1, 2]\n    gw2:\n      <<: *gw\n      other: *l\n');
  const inv = await loadInventory([file], { cwd: dir });
  t.deepEqual(inv.hosts.get('gw2')!.vars, { wan_interface: 'eth0', list: [1, 2], other: [1, 2] });
});

test('the CLI exits 1 within seconds on such an inventory, naming it', async (t) => {
  const file = join(dir, 'cli-bomb.yml');
  writeFileSync(file, BOMB_INVENTORY);
  const r = await tsplay(['playbooks/site.ts', '-i', file, '--list-hosts'], { timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /cli-bomb\.yml: the document expands to more than 1000000 values/);
});
