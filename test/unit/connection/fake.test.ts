import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.ts';
import { runProbes } from '../../../src/connection/batch.ts';

test('records argv and stdin, counts round trips, answers 0 by default', async (t) => {
  const c = new FakeConnection('gw1');
  t.deepEqual(await c.exec(['true']), { stdout: '', stderr: '', code: 0 });
  await c.exec(['cat'], { stdin: 'hello' });
  t.is(c.roundTrips, 2);
  t.deepEqual(c.calls, [{ argv: ['true'] }, { argv: ['cat'], stdin: 'hello' }]);
});

test('rules: prefix, RegExp on the quoted argv, predicate; first match wins; times uses a rule up', async (t) => {
  const c = new FakeConnection('gw1', [{ match: ['apt-get', 'install'], answer: { code: 100, stderr: 'E: Unable to locate package x' }, times: 1 }])
    .on(/^systemctl show .*'a b'/, { stdout: 'quoted' })
    .on((call) => call.stdin === 'magic', (call) => ({ stdout: call.argv.join('+') }))
    .on(['apt-get'], { stdout: 'second' });
  t.is((await c.exec(['apt-get', 'install', 'x'])).code, 100);
  t.is((await c.exec(['apt-get', 'install', 'x'])).stdout, 'second');
  t.is((await c.exec(['systemctl', 'show', 'a b'])).stdout, 'quoted');
  t.is((await c.exec(['x', 'y'], { stdin: 'magic' })).stdout, 'x+y');
  t.is((await c.exec(['apt'])).stdout, '', 'a prefix longer than argv does not match');
});

test('closed connections refuse to exec', async (t) => {
  const c = new FakeConnection();
  await c.close();
  await t.throwsAsync(c.exec(['true']), { message: /closed/ });
});

test('a batch of probes is one round trip answered probe by probe from the same rules', async (t) => {
  const c = new FakeConnection('gw1').on(['cat', '/etc/hostname'], { stdout: 'gw1\n' }).on(['false'], { code: 1, stderr: 'no' });
  const r = await runProbes(c, [{ argv: ['cat', '/etc/hostname'] }, { argv: ['false'] }, { argv: ['true'] }]);
  t.deepEqual(r, [{ code: 0, stdout: 'gw1\n', stderr: '' }, { code: 1, stdout: '', stderr: 'no' }, { code: 0, stdout: '', stderr: '' }]);
  t.is(c.roundTrips, 1);
  t.deepEqual(c.argvs, [['cat', '/etc/hostname'], ['false'], ['true']]);
});
