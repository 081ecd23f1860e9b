import test from 'ava';
import { InventoryError } from '../../src/inventory/errors.ts';
import { loadExtraVars, parseExtraVars } from '../../src/inventory/extra-vars.ts';
import { FIX, ROOT } from './inventory-helpers.ts';

const E = `${FIX}/extra-vars`;

test('key=value values are read as YAML scalars', async (t) => {
  t.deepEqual(await parseExtraVars(['prio=150', 'x=true', 'ratio=0.5', 'name=gw1', 'empty=', 'nothing=null', 'off=no'], ROOT), {
    prio: 150,
    x: true,
    ratio: 0.5,
    name: 'gw1',
    empty: '',
    nothing: null,
    off: false,
  });
});

test('several pairs in one -e, quoted values stay strings, = inside a value is kept', async (t) => {
  t.deepEqual(await parseExtraVars(['a=1 msg="hello world" port="150" url=http://x/?a=b'], ROOT), {
    a: 1,
    msg: 'hello world',
    port: '150',
    url: 'http://x/?a=b',
  });
});

test('a value that is not a YAML scalar stays the text given', async (t) => {
  t.deepEqual(await parseExtraVars(['list=[1,2]', 'bad=[1,', 'map="{a: 1}"'], ROOT), { list: '[1,2]', bad: '[1,', map: '{a: 1}' });
});

test('inline JSON and YAML mappings', async (t) => {
  t.deepEqual(await parseExtraVars(['{"a": 1, "b": {"c": [1, 2]}}', '{d: yes}', 'e: 0644'], ROOT), { a: 1, b: { c: [1, 2] }, d: true, e: 420 });
});

test('@file.yml with the file:line of each value as its origin', async (t) => {
  const { vars, origins } = await loadExtraVars([`@${E}/rollout.yml`], ROOT);
  t.deepEqual(vars, { keepalived_priority: 120, wan_vip: '198.18.10.1/24' });
  t.deepEqual(origins, { keepalived_priority: `${E}/rollout.yml:2`, wan_vip: `${E}/rollout.yml:3` });
});

test('several -e merge left to right, a later one winning', async (t) => {
  const { vars, origins } = await loadExtraVars([`@${E}/rollout.yml`, 'keepalived_priority=99', '{"wan_vip": "198.18.10.2/24"}'], ROOT);
  t.deepEqual(vars, { keepalived_priority: 99, wan_vip: '198.18.10.2/24' });
  t.deepEqual(origins, { keepalived_priority: '-e', wan_vip: '-e' });
});

const failures: Array<[string, string, string | RegExp]> = [
  ['a malformed @file names file:line', `@${E}/broken.yml`, new RegExp(`^${E}/broken\\.yml:3:\\d+: malformed YAML: `)],
  ['an @file that is not a mapping', `@${E}/list.yml`, `${E}/list.yml:1: a vars file must be a mapping of variables, got a list`],
  ['a missing @file', '@nope.yml', 'extra vars file not found: nope.yml (in -e)'],
  ['a bad variable name', 'a.b=1', "-e 'a.b=1': 'a.b' is not a valid variable name"],
  ['neither form', 'justaword', `-e 'justaword': expected key=value, @file.yml or a mapping like '{"key": 1}'`],
  ['malformed inline JSON', '{"a": 1', /^-e '\{"a": 1':\d+:\d+: malformed YAML: /],
  ['a value with an unquoted space', 'map={a: 1}', "-e 'map={a: 1}': '1}' is not key=value (quote values that hold spaces)"],
  ['a list', '[1, 2]', "-e '[1, 2]': expected key=value, @file.yml or a mapping like '{\"key\": 1}'"],
  ['an unterminated quote', 'a="x', `-e 'a="x': unterminated " quote`],
];

for (const [title, arg, message] of failures) {
  test(`error: ${title}`, async (t) => {
    const err = await t.throwsAsync(parseExtraVars([arg], ROOT), { instanceOf: InventoryError });
    if (typeof message === 'string') t.is(err?.message, message);
    else t.regex(err!.message, message);
  });
}
