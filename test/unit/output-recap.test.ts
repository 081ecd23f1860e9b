import test from 'ava';
import { exitCode, formatRecap } from '../../src/output/recap.ts';
import { stats } from './fixtures/output-events.ts';

test('the recap is one line per host in exactly the ansible-like form, in the given order', (t) => {
  const hosts = { gw2: stats({ ok: 12, changed: 3, skipped: 1, roundTrips: 7 }), 'gateway-long-name': stats({ ok: 1, failed: 1 }) };
  t.is(
    formatRecap(hosts),
    'gw2 : ok=12 changed=3 unreachable=0 failed=0 skipped=1\n' + 'gateway-long-name : ok=1 changed=0 unreachable=0 failed=1 skipped=0',
  );
});

test('verbose recap appends the round trips of each host', (t) => {
  t.is(formatRecap({ gw1: stats({ ok: 5, roundTrips: 4 }) }, { verbose: true }), 'gw1 : ok=5 changed=0 unreachable=0 failed=0 skipped=0 roundtrips=4');
});

test('each recap line matches the form the drills grep for', (t) => {
  const lines = formatRecap({ a: stats({ ok: 1 }), b: stats({ changed: 2 }), c: stats({ unreachable: 1 }) }).split('\n');
  t.is(lines.length, 3);
  for (const l of lines) t.regex(l, /^\S+ : ok=\d+ changed=\d+ unreachable=\d+ failed=\d+ skipped=\d+$/);
});

test('no hosts, no lines', (t) => {
  t.is(formatRecap({}), '');
});

test('exit code: 0 on success, 2 on a failed host, 4 on an unreachable host even when another failed', (t) => {
  t.is(exitCode({ gw1: stats({ ok: 3, changed: 2, skipped: 1 }) }), 0);
  t.is(exitCode({ gw1: stats({ ok: 3 }), gw2: stats({ failed: 1 }) }), 2);
  t.is(exitCode({ gw1: stats({ unreachable: 1 }) }), 4);
  t.is(exitCode({ gw1: stats({ failed: 2 }), gw2: stats({ unreachable: 1 }) }), 4);
  t.is(exitCode({}), 0);
});
