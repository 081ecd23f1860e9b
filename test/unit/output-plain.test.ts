import test from 'ava';
import type { EngineEvent } from '../../src/engine/events.ts';
import { PlainRenderer, type PlainOptions } from '../../src/output/plain.ts';
import { applyRun } from './fixtures/output-events.ts';

function render(events: EngineEvent[], options: PlainOptions = {}): string {
  let out = '';
  const r = new PlainRenderer({ write: (c: string) => (out += c) }, options);
  for (const e of events) r.emit(e);
  return out;
}

const TRANSCRIPT = `PLAYBOOK playbooks/site.ts (diff)

PLAY gateways | hosts: gw1, gw2, gw3
BATCH 1/2 | gateways | hosts: gw1, gw2
gw1 | keepalived | template /etc/keepalived/keepalived.conf | changed | content differs
gw1 | keepalived | handler: restart keepalived | changed | notified
[WARN] gw1: sysctl | sysctl net.netfilter.nf_conntrack_max | kernel refused the key in this namespace
gw1 | sysctl | sysctl net.ipv6.conf.all.forwarding | skipped | ipv6 disabled
gw2 | keepalived | package keepalived | failed | apt-get install keepalived exited 100
    E: Unable to locate package keepalived
[GATE] gateways | vrrp-healthy on gw1 | failed | gw2 failed
BATCH 2/2 | gateways | hosts: gw3
[UNREACHABLE] gw3: connect ECONNREFUSED 198.18.0.13:22
[WARN] rollout stopped: 2 of 3 hosts failed
[INFO] gw1: facts gathered
[STOPPED] gateways: max_fail_percentage 0 exceeded

PLAY RECAP
gw1 : ok=2 changed=2 unreachable=0 failed=0 skipped=1
gw2 : ok=0 changed=0 unreachable=0 failed=1 skipped=0
gw3 : ok=0 changed=0 unreachable=1 failed=0 skipped=0
`;

test('a recorded run renders to this exact transcript (changed, skipped, failed, warnings, info; no ok lines)', (t) => {
  t.is(render(applyRun()), TRANSCRIPT);
});

test('with -v, ok tasks, role starts and round trips appear too', (t) => {
  const out = render(applyRun(), { verbose: true });
  const lines = out.split('\n');
  t.true(lines.includes('gw1 | keepalived | package keepalived | ok'));
  t.true(lines.includes('gw1 | sysctl | sysctl net.netfilter.nf_conntrack_max | ok'));
  t.true(lines.includes('gw1 | keepalived | role start'));
  t.true(lines.includes('gw1 : ok=2 changed=2 unreachable=0 failed=0 skipped=1 roundtrips=4'));
  // Everything the quiet transcript has is still there, in the same order.
  const quiet = TRANSCRIPT.split('\n').filter((l) => l && !l.includes(' : ok='));
  let at = 0;
  for (const l of quiet) {
    at = lines.indexOf(l, at);
    t.not(at, -1, l);
  }
});

test('check mode says "would change" on the line, while the recap keeps the word changed', (t) => {
  const out = render(applyRun(true));
  t.true(out.includes('gw1 | keepalived | template /etc/keepalived/keepalived.conf | would change | content differs\n'));
  t.false(/\| changed \|/.test(out));
  t.true(out.includes('gw1 : ok=2 changed=2 '));
  t.true(out.startsWith('PLAYBOOK playbooks/site.ts (check mode, diff)\n'));
});

test('--diff prints the unified diff right under its task line', (t) => {
  const out = render(applyRun(), { diff: true });
  t.true(
    out.includes(
      [
        'gw1 | keepalived | template /etc/keepalived/keepalived.conf | changed | content differs',
        '--- before: /etc/keepalived/keepalived.conf',
        '+++ after: /etc/keepalived/keepalived.conf',
        '@@ -1,3 +1,3 @@',
        ' vrrp_instance VI_1 {',
        '-  priority 100',
        '+  priority 150',
        ' }',
        'gw1 | keepalived | handler: restart keepalived | changed | notified',
      ].join('\n'),
    ),
  );
});

test('grep for a host finds its task lines and never a continuation line', (t) => {
  const out = render(applyRun(), { diff: true, verbose: true });
  const gw2 = out.split('\n').filter((l) => l.startsWith('gw2 |'));
  t.deepEqual(gw2, ['gw2 | keepalived | role start', 'gw2 | keepalived | package keepalived | failed | apt-get install keepalived exited 100']);
});

test('colour wraps status words only when asked for', (t) => {
  t.false(render(applyRun()).includes('\u001b['));
  const out = render(applyRun(), { color: true });
  t.true(out.includes('| \u001b[33mchanged\u001b[39m | content differs'));
  t.true(out.includes('| \u001b[31mfailed\u001b[39m | apt-get'));
});

test('a gate that passes, and a play that ends normally, read plainly', (t) => {
  const out = render([
    { type: 'gate', play: 'gateways', gate: 'conntrack-synced', passed: true, reason: 'both peers in sync' },
    { type: 'play-end', play: 'gateways' },
  ]);
  t.is(out, '[GATE] gateways | conntrack-synced | passed | both peers in sync\n');
});
