import test from 'ava';
import { UsageError, parseLabArgs } from '../../src/lab/args.ts';
import { withCable } from '../../src/lab/cables.ts';

test('up with and without --light', (t) => {
  t.deepEqual(parseLabArgs(['up']), { verb: 'up' });
  t.deepEqual(parseLabArgs(['up', '--light', '50']), { verb: 'up', light: 50 });
  t.deepEqual(parseLabArgs(['up', '--light=0']), { verb: 'up', light: 0 });
  t.deepEqual(parseLabArgs(['up', '--light', '500']), { verb: 'up', light: 500 });
  t.throws(() => parseLabArgs(['up', '--light', '501']), { instanceOf: UsageError });
  t.throws(() => parseLabArgs(['up', '--light', 'x']), { instanceOf: UsageError });
  t.throws(() => parseLabArgs(['up', '--light']), { instanceOf: UsageError });
  t.throws(() => parseLabArgs(['up', '--light', '3', 'extra']), { instanceOf: UsageError });
});

test('exec keeps everything after -- as argv, untouched', (t) => {
  t.deepEqual(parseLabArgs(['exec', 'gw1', '--', 'sh', '-c', 'echo "$1"', 'sh', 'a b']), {
    verb: 'exec', host: 'gw1', argv: ['sh', '-c', 'echo "$1"', 'sh', 'a b'],
  });
  t.deepEqual(parseLabArgs(['exec', 'gw1', '--', 'ls', '--', 'x']).verb, 'exec');
  t.throws(() => parseLabArgs(['exec', 'gw1', 'hostname']), { instanceOf: UsageError });
  t.throws(() => parseLabArgs(['exec', 'gw1', '--']), { instanceOf: UsageError });
  t.throws(() => parseLabArgs(['exec', '--', 'ls']), { instanceOf: UsageError });
});

test('link, reboot, kill, status, down', (t) => {
  t.deepEqual(parseLabArgs(['link', 'gw1', 'wan', 'down']), { verb: 'link', host: 'gw1', iface: 'wan', up: false });
  t.deepEqual(parseLabArgs(['link', 'gw2', 'sync', 'up']), { verb: 'link', host: 'gw2', iface: 'sync', up: true });
  t.throws(() => parseLabArgs(['link', 'gw1', 'eth0', 'down']), { instanceOf: UsageError });
  t.throws(() => parseLabArgs(['link', 'gw1', 'wan', 'off']), { instanceOf: UsageError });
  t.deepEqual(parseLabArgs(['reboot', 'gw1']), { verb: 'reboot', host: 'gw1' });
  t.throws(() => parseLabArgs(['reboot']), { instanceOf: UsageError });
  t.deepEqual(parseLabArgs(['kill', 'gw2']), { verb: 'kill', host: 'gw2' });
  t.deepEqual(parseLabArgs(['status', '--json']), { verb: 'status', json: true });
  t.deepEqual(parseLabArgs(['down']), { verb: 'down' });
  t.throws(() => parseLabArgs(['down', 'now']), { instanceOf: UsageError });
  t.throws(() => parseLabArgs(['explode']), { instanceOf: UsageError });
  t.deepEqual(parseLabArgs([]), { verb: 'help' });
});

test('pulled cables: a pull is remembered once, a replug forgets it', (t) => {
  let p = withCable({}, 'gw1', 'wan', false);
  p = withCable(p, 'gw1', 'wan', false);
  p = withCable(p, 'gw1', 'sync', false);
  t.deepEqual(p, { gw1: ['wan', 'sync'] });
  p = withCable(p, 'gw1', 'wan', true);
  t.deepEqual(p, { gw1: ['sync'] });
  t.deepEqual(withCable(p, 'gw1', 'sync', true), {});
});
