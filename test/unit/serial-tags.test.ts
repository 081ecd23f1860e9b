import test from 'ava';
import { batchSizes, batches, tooManyFailures } from '../../src/engine/serial.ts';
import { selected, unknownTags } from '../../src/engine/tags.ts';

const serialCases: Array<[number, Parameters<typeof batchSizes>[1], number[]]> = [
  [2, undefined, [2]],
  [2, 1, [1, 1]],
  [5, 2, [2, 2, 1]],
  [10, '30%', [3, 3, 3, 1]],
  [3, '10%', [1, 1, 1]],
  [10, [1, '50%', 3], [1, 5, 3, 1]],
  [4, '2', [2, 2]],
  [0, 1, []],
];
for (const [total, serial, want] of serialCases) {
  test(`serial ${JSON.stringify(serial)} over ${total} hosts gives ${JSON.stringify(want)}`, (t) => {
    t.deepEqual(batchSizes(total, serial), want);
  });
}

test('batches keep host order', (t) => {
  t.deepEqual(batches(['gw1', 'gw2', 'gw3'], 2), [['gw1', 'gw2'], ['gw3']]);
});

test('a bad serial value is refused with the value in the message', (t) => {
  t.throws(() => batchSizes(3, 0), { message: /got 0/ });
  t.throws(() => batchSizes(3, 'half'), { message: /"half"/ });
});

test('max fail percentage must be exceeded, and 0 means any failure stops', (t) => {
  t.true(tooManyFailures(1, 2, 0));
  t.false(tooManyFailures(0, 2, 0));
  t.false(tooManyFailures(1, 2, 50));
  t.true(tooManyFailures(2, 3, 50));
});

const tagCases: Array<[string[], string[], string[], boolean]> = [
  [['sysctl', 'kernel'], [], [], true],
  [['sysctl', 'kernel'], ['hardening'], [], false],
  [['hardening'], ['hardening'], [], true],
  [['always'], ['hardening'], [], true],
  [['always'], ['hardening'], ['always'], false],
  [['drill', 'never'], [], [], false],
  [['drill', 'never'], ['drill'], [], true],
  [['sysctl'], [], ['sysctl'], false],
  [['sysctl'], ['all'], [], true],
];
for (const [taskTags, tags, skipTags, want] of tagCases) {
  test(`task ${taskTags} with --tags ${tags} --skip-tags ${skipTags} runs: ${want}`, (t) => {
    t.is(selected(taskTags, { tags, skipTags }), want);
  });
}

test('tags nobody carries are reported', (t) => {
  t.deepEqual(unknownTags(['hardening', 'hardenning', 'always'], new Set(['hardening'])), ['hardenning']);
});
