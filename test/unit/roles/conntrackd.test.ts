import test from 'ava';
import { join } from 'node:path';
import { conntrackd } from '../../../roles/conntrackd/index.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';
import { FakeBin, lintShell } from '../../helpers/fake-bin.ts';

const SCRIPT = join(import.meta.dirname, '../../../roles/conntrackd/files/conntrackd-ha.sh');

function conf(vars: Record<string, unknown> = {}, node: 'gw1' | 'gw2' = 'gw1'): string[] {
  const f = buildRole(conntrackd, { ...labNetwork(node), ...vars }, node);
  if (f.errors.length) throw new Error(f.errors.join('; '));
  return meaningfulLines(f.files.get('/etc/conntrackd/conntrackd.conf')!.content);
}

test('FTFW over UDP on the sync link, to the peer, with checksums', (t) => {
  const l = conf();
  for (const want of ['Mode FTFW {', 'IPv4_address 198.18.2.1', 'IPv4_Destination_Address 198.18.2.2', 'Port 3780', 'Interface sync', 'Checksum on']) {
    t.true(l.includes(want), want);
  }
  t.true(conf({}, 'gw2').includes('IPv4_Destination_Address 198.18.2.1'));
  t.true(conf({ conntrackd_port: 3999 }).includes('Port 3999'));
});

test('recommended netlink and sync options', (t) => {
  const l = conf();
  for (const want of ['NetlinkEventsReliable On', 'NetlinkOverrunResync Off', 'TCPWindowTracking Off', 'ExpectationSync On', 'Systemd on', 'Syslog on', 'HashLimit 524288']) {
    t.true(l.includes(want), want);
  }
  t.true(l.some((x) => /^SndSocketBuffer \d+$/.test(x)) && l.some((x) => /^RcvSocketBuffer \d+$/.test(x)));
});

test('UDP and ICMP flows are synced, not only TCP', (t) => {
  const l = conf();
  const i = l.indexOf('Protocol Accept {');
  t.deepEqual(l[i + 1]!.split(' ').sort(), ['ICMP', 'SCTP', 'TCP', 'UDP']);
});

test('own addresses, VIPs and sync addresses are ignored, client networks are not', (t) => {
  const l = conf();
  const ignored = l.filter((x) => x.startsWith('IPv4_address ') && !x.endsWith('198.18.2.1') ).map((x) => x.split(' ')[1]);
  for (const a of ['127.0.0.1', '198.18.1.1', '198.19.0.1', '198.18.2.2', '198.18.1.2', '198.19.0.2', '198.18.0.11']) t.true(ignored.includes(a), a);
  t.false(ignored.includes('198.18.1.10'));
  t.false(ignored.includes('198.19.0.100'));
});

test('HashLimit below twice the kernel limit is refused, naming both variables', (t) => {
  const f = buildRole(conntrackd, { ...labNetwork('gw1'), sysctl_conntrack_max: 300000 });
  t.true(f.errors.some((e) => e.includes('conntrackd_hash_limit') && e.includes('sysctl_conntrack_max')), f.errors.join('\n'));
  t.deepEqual(buildRole(conntrackd, { ...labNetwork('gw1'), sysctl_conntrack_max: 262144 }).errors, []);
  const own = buildRole(conntrackd, { ...labNetwork('gw1'), conntrackd_hash_limit: 1000 });
  t.true(own.errors.some((e) => e.includes('conntrackd_nf_conntrack_max')));
});

test('bad network values are refused before any task is built', (t) => {
  const noPeer = buildRole(conntrackd, { ...labNetwork('gw1'), peer_sync_address: '' });
  t.true(noPeer.errors.some((e) => e.startsWith('peer_sync_address')));
  const outside = buildRole(conntrackd, { ...labNetwork('gw1'), lan_vip: '198.18.9.1/24' });
  t.true(outside.errors.some((e) => e.includes('lan_vip') && e.includes('outside')));
  const missing = buildRole(conntrackd, { ...labNetwork('gw1'), mgmt_address: undefined });
  t.true(missing.errors.some((e) => e.includes('mgmt_address')));
  const proto = buildRole(conntrackd, { ...labNetwork('gw1'), conntrackd_protocols: ['TCP', 'ICMP'] });
  t.true(proto.errors.some((e) => e.includes('conntrackd_protocols must include UDP')));
  t.is(noPeer.tasks.length, 0);
});

test('a config change restarts conntrackd and then resyncs; the config is checked by conntrackd first', (t) => {
  const f = buildRole(conntrackd, labNetwork('gw1'));
  const confTask = f.tasks.find((x) => x.renders?.path === '/etc/conntrackd/conntrackd.conf')!;
  t.deepEqual(confTask.notify, ['restart conntrackd']);
  t.is(confTask.renders!.mode, '0600');
  const h = f.handlers['restart conntrackd']!;
  t.deepEqual(h.map((x) => x.name), ['restart conntrackd', 'conntrackd resync with the peer']);
  t.true(f.tasks.some((x) => x.name.includes('netbase')), 'netbase provides /etc/protocols for Protocol Accept');
});

test('conntrackd-ha.sh passes sh -n and shellcheck', (t) => {
  t.is(lintShell(SCRIPT), '');
});

function fakes() {
  return new FakeBin({ logger: 'exit 0', conntrackd: 'exit 0', systemctl: 'exit 0', sleep: 'exit 0' });
}

test('primary: commit, flush, resync with the kernel, bulk send, in that order, each logged', (t) => {
  const fb = fakes();
  t.is(fb.run(SCRIPT, ['primary']).code, 0);
  const ctd = fb.calls().filter((c) => c.startsWith('conntrackd ')).map((c) => c.split(' ').slice(3).join(' '));
  t.deepEqual(ctd, ['-c', '-f', '-R', '-B']);
  t.true(fb.calls().some((c) => c.startsWith('logger -t conntrackd-ha -- conntrackd -c: ok')));
});

test('commit and takeover split primary where the notify script releases forwarding', (t) => {
  const seq = (verb: string) => {
    const fb = fakes();
    t.is(fb.run(SCRIPT, [verb]).code, 0);
    return fb.calls().filter((c) => c.startsWith('conntrackd ')).map((c) => c.split(' ').slice(3).join(' '));
  };
  t.deepEqual([...seq('commit'), ...seq('takeover')], seq('primary'));
  t.deepEqual(seq('commit'), ['-c']);
});

test('backup: starts a dead daemon, then shortens timers and requests a resync', (t) => {
  const fb = fakes();
  // -s fails until the daemon has been started with -d.
  fb.add('conntrackd', 'case "$*" in *-d*) touch "$STARTED" ;; *-s*) [ -e "$STARTED" ] || exit 1 ;; esac');
  const r = fb.run(SCRIPT, ['backup'], { STARTED: fb.path('started'), CONNTRACKD_LOCK: fb.path('lock') });
  t.is(r.code, 0, r.stderr);
  const ctd = fb.calls().filter((c) => c.startsWith('conntrackd ')).map((c) => c.split(' ').slice(3).join(' '));
  t.deepEqual(ctd.filter((c) => c !== '-s'), ['-d', '-t', '-n']);
});

test('a failing step is logged and the sequence goes on; unknown verbs exit 2', (t) => {
  const fb = fakes();
  fb.add('conntrackd', 'case "$*" in *-c*) echo boom; exit 1 ;; esac');
  t.is(fb.run(SCRIPT, ['primary']).code, 0);
  t.true(fb.calls().some((c) => c.includes('conntrackd -c: failed (exit 1): boom')));
  t.true(fb.calls().some((c) => c.endsWith(' -B')));
  t.is(fb.run(SCRIPT, ['sideways']).code, 2);
});
