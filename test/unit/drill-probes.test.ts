import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outageAfter, parsePing, pingArgv } from '../../src/drill/probes/ping.ts';
import { ownerTimeline, ownersAt, parseMonitorLine, vipMoveMs, type VipEvent } from '../../src/drill/probes/vip.ts';
import { parseIpv4Addresses } from '../../src/facts/addresses.ts';
import { drift, parseCount, parseCtdStats, parseEntries } from '../../src/drill/probes/conntrack.ts';
import { parseIperf, udpLostAfter, udpResult } from '../../src/drill/probes/streams.ts';
import { analyzeSwitch } from '../../src/drill/analyze.ts';
import type { Measured } from '../../src/drill/window.ts';
import { byState, forwardedOnly } from '../../src/drill/reconcile.ts';
import { syncLatencies } from '../../src/drill/scenarios/stress.ts';
import { keepalivedChanges } from '../../src/drill/scenarios/flap.ts';
import { journalArgv, parseTakeovers, takeoverAfter } from '../../src/drill/probes/journal.ts';

const fx = (n: string): string => readFileSync(join(import.meta.dirname, 'fixtures/drill', n), 'utf8');

test('ping: counts, lost sequences and the longest gap from a recorded switch', (t) => {
  const r = parsePing(fx('ping-switch.txt'));
  t.is(r.sent, 10);
  t.is(r.received, 7);
  t.is(r.lost, 3);
  t.is(r.replies.length, 7, 'the duplicate reply is not counted twice');
  t.is(r.gaps.length, 1);
  t.is(r.gaps[0]!.lostSeqs, 3);
  t.true(Math.abs(r.longestGapMs - 140.1) < 0.2, String(r.longestGapMs));
});

test('ping: the outage after a fault, and none before it', (t) => {
  const r = parsePing(fx('ping-switch.txt'));
  const fault = 1795689155255;
  const o = outageAfter(r, fault);
  t.is(o.lostSeqs, 13, 'ping sent only 3 probes into a 140 ms gap: a steady 100 pps stream loses 13');
  t.true(Math.abs(o.restoredMs - 136.7) < 0.2, String(o.restoredMs));
  t.is(o.seqsMissing, 3);
  t.deepEqual(outageAfter(r, 1795689155395), { gapMs: 0, lostSeqs: 0, seqsMissing: 0, restoredMs: 0 });
});

test('ping: a run cut short without a summary falls back to the highest sequence', (t) => {
  const out = fx('ping-switch.txt').split('\n--- ')[0]!;
  const r = parsePing(out);
  t.is(r.sent, 10);
  t.is(r.received, 7);
});

test('ping argv is bounded by count and deadline', (t) => {
  const a = pingArgv('198.19.0.100', 5);
  t.deepEqual(a.slice(a.indexOf('-c'), a.indexOf('-c') + 2), ['-c', '500']);
  t.deepEqual(a.slice(a.indexOf('-w'), a.indexOf('-w') + 2), ['-w', '7']);
  t.is(a.at(-1), '198.19.0.100');
});

const VIPS = ['198.18.1.1', '198.19.0.1'];

test('vip: monitor lines become add/delete events in UTC, other addresses ignored', (t) => {
  const evs = fx('ip-monitor.txt').split('\n').map((l) => parseMonitorLine(l, 'gw1', VIPS)).filter((e) => e !== undefined);
  t.is(evs.length, 4);
  t.deepEqual(evs.map((e) => [e.vip, e.present]), [['198.18.1.1', true], ['198.19.0.1', true], ['198.18.1.1', false], ['198.19.0.1', false]]);
  t.is(evs[0]!.t, Date.UTC(2026, 10, 26, 10, 26, 7) + 389.88);
});

test('vip: addresses from ip -o addr show', (t) => {
  t.deepEqual(parseIpv4Addresses('5: lan    inet 198.18.1.2/24 brd 198.18.1.255 scope global lan\n5: lan    inet 198.18.1.1/24 scope global secondary lan\n'), ['198.18.1.2', '198.18.1.1']);
});

const ev = (t: number, host: string, vip: string, present: boolean): VipEvent => ({ t, host, vip, present });

test('vip: move time is the last VIP to arrive on the new owner', (t) => {
  const evs = [ev(0, 'gw1', VIPS[0]!, true), ev(0, 'gw1', VIPS[1]!, true), ev(1000, 'gw1', VIPS[0]!, false), ev(1000, 'gw1', VIPS[1]!, false),
    ev(1120, 'gw2', VIPS[0]!, true), ev(1150, 'gw2', VIPS[1]!, true)];
  t.is(vipMoveMs(evs, VIPS, 'gw2', 1000), 150);
  t.is(vipMoveMs(evs, VIPS, 'gw1', 1000), undefined, 'never arrived on gw1 after the fault');
  t.deepEqual(ownersAt(evs, VIPS[0]!, 1100), []);
  t.deepEqual(ownersAt(evs, VIPS[0]!, 1200), ['gw2']);
});

test('vip: owner timeline has a nobody segment during the switch', (t) => {
  const evs = [ev(0, 'gw1', VIPS[0]!, true), ev(1000, 'gw1', VIPS[0]!, false), ev(1120, 'gw2', VIPS[0]!, true)];
  const segs = ownerTimeline(evs, [VIPS[0]!], 0, 2000);
  t.deepEqual(segs.map((s) => [s.from, s.to, s.owners]), [[0, 1000, ['gw1']], [1000, 1120, []], [1120, 2000, ['gw2']]]);
});

test('conntrackd -s: internal and external cache sizes', (t) => {
  t.deepEqual(parseCtdStats(fx('ctd-stats.txt')), { internal: 1, external: 0 });
  t.is(parseCount('260\n'), 260);
  t.is(parseCount('conntrack: error\n'), undefined);
});

test('conntrack entries: kernel, internal and external listings parse to the original tuple', (t) => {
  const k = parseEntries(fx('conntrack-L.txt'));
  t.is(k.length, 5, 'the summary line is not an entry');
  t.like(k[2], { proto: 'tcp', src: '198.18.1.10', dst: '198.19.0.100', sport: 40001, dport: 7002, state: 'ESTABLISHED' });
  const e = parseEntries(fx('ctd-external.txt'));
  t.like(e[1], { proto: 'tcp', sport: 40001, dport: 7002, state: 'ESTABLISHED' });
  t.like(e[0], { proto: 'icmp', src: '198.18.1.10' });
});

test('drift: missing and stale entries, parity against the reference', (t) => {
  const d = drift(parseEntries(fx('ctd-internal.txt')), parseEntries(fx('ctd-external.txt')));
  t.is(d.reference, 4);
  t.is(d.matched, 2);
  t.deepEqual(d.missing.sort(), ['tcp 198.18.1.10:40002>198.19.0.100:7002', 'udp 198.18.1.10:51000>198.19.0.100:5301']);
  t.deepEqual(d.extra, ['tcp 198.18.1.10:39999>198.19.0.100:7002']);
  t.is(d.parityPct, 50);
  // By state, so a drift of closed flows reads apart from one of live ones.
  t.deepEqual(d.missingByState, { ESTABLISHED: 1, '-': 1 });
  t.is(byState({ ESTABLISHED: 1, TIME_WAIT: 7200, '-': 1 }), 'TIME_WAIT=7200,-=1,ESTABLISHED=1');
  t.is(drift([], []).parityPct, 100);
  t.deepEqual(drift([], []).missingByState, {});
});

test('reconcile compares only forwarded flows of synced protocols', (t) => {
  const own = new Set(['198.19.0.2', '198.18.1.2', '127.0.0.1']);
  const f = forwardedOnly(parseEntries(fx('conntrack-L.txt')), own, ['TCP', 'UDP']);
  t.deepEqual(f.map((e) => e.sport), [40001, 40002, 51000]);
});

test('iperf3: a clean run, a reset and a stall', (t) => {
  const ok = parseIperf(JSON.stringify({ intervals: [{ sum: { bytes: 10, seconds: 0.5 } }, { sum: { bytes: 0, seconds: 0.5 } }, { sum: { bytes: 0, seconds: 0.5 } }, { sum: { bytes: 5, seconds: 0.5 } }], end: { sum_sent: { bytes: 15, retransmits: 2 } } }));
  t.like(ok, { ok: true, resets: 0, bytes: 15, zeroIntervals: 2, longestStallS: 1, retransmits: 2 });
  const reset = parseIperf(JSON.stringify({ intervals: [], error: 'error - unable to read from stream socket: Connection reset by peer' }));
  t.like(reset, { ok: false, resets: 1 });
  t.like(parseIperf('iperf3: error - the server is busy running a test. try again later'), { ok: false, resets: 0 });
});

test('udp: loss from the sender and receiver counts; the holes a fault made', (t) => {
  t.deepEqual(udpResult({ sent: 10000 }, { received: 9990, longestGapMs: 25 }, 1000), { sent: 10000, received: 9990, lost: 10, lossPct: 0.1, longestGapMs: 25, intervalMs: 1, holes: [] });
  t.is(udpResult(undefined, { received: 1, longestGapMs: 0 }, 1000), undefined);
  const u = udpResult({ sent: 10000 }, { received: 9985, longestGapMs: 25, holes: [[1000, 1004, 3], [5000, 5007.2, 6], [5020, 5027, 6]] }, 1000)!;
  t.deepEqual(udpLostAfter(u, 4999), { lost: 12, outageMs: 12 });
  t.deepEqual(udpLostAfter(u, 5010), { lost: 6, outageMs: 6 }, 'a hole that ended before the fault is not its');
  t.deepEqual(udpLostAfter(u, 9000), { lost: 0, outageMs: 0 });
  t.deepEqual(udpLostAfter(udpResult({ sent: 500 }, { received: 497, longestGapMs: 40, holes: [[0, 40, 3]] }, 100)!, 0), { lost: 3, outageMs: 30 });
});

test('a switch\'s pings lost: with the UDP stream, a ping gap that lost nothing counts for nothing', (t) => {
  const ping = parsePing('');
  const base = { startMs: 0, vipEvents: [], errors: [] } as unknown as Measured;
  const gapOnly = { ...base, ping: { ...ping, intervalMs: 10, gaps: [{ startMs: 1000, endMs: 1032, lostSeqs: 0 }] } };
  t.is(analyzeSwitch(gapOnly as Measured, 's', 1010, 'gw2', []).lost, 2, 'without UDP: the steady-stream estimate of a 32 ms gap');
  const withUdp = { ...gapOnly, udp: udpResult({ sent: 5000 }, { received: 4994, longestGapMs: 9, holes: [[1005, 1012, 6]] }, 1000) };
  const s = analyzeSwitch(withUdp as Measured, 's', 1010, 'gw2', []);
  t.like(s, { lost: 1, udpLost: 6, udpOutageMs: 6 });
  const lostTwo = { ...withUdp, ping: { ...gapOnly.ping, gaps: [{ startMs: 1000, endMs: 1032, lostSeqs: 2 }] } };
  t.is(analyzeSwitch(lostTwo as Measured, 's', 1010, 'gw2', []).lost, 2, 'what ping itself missed always counts');
});

test('a ping stall that begins after the VIPs arrived is not the switch\'s outage', (t) => {
  const ping = { ...parsePing(''), intervalMs: 10, gaps: [{ startMs: 3500, endMs: 3593, lostSeqs: 0 }] };
  const m = { startMs: 0, errors: [], ping, vipEvents: [{ t: 1042, host: 'gw2', vip: '198.18.1.1', present: true }] } as unknown as Measured;
  const s = analyzeSwitch(m, 's', 1000, 'gw2', ['198.18.1.1']);
  t.like(s, { vipMoveMs: 42, restoredMs: 0, gapMs: 0 }, 'the switch stopped no traffic; the stall 2.5 s later is not it');
  // The same stall beginning while the VIPs were still on their way is the outage.
  const during = { ...m, ping: { ...ping, gaps: [{ startMs: 1030, endMs: 1093, lostSeqs: 3 }] } } as unknown as Measured;
  t.like(analyzeSwitch(during, 's', 1000, 'gw2', ['198.18.1.1']), { restoredMs: 93, gapMs: 63 });
  // Without the VIPs' arrival (nothing seen moving), any gap within 3 s still counts, as before.
  t.like(analyzeSwitch({ ...m, vipEvents: [] } as unknown as Measured, 's', 1000, 'gw2', ['198.18.1.1']), { restoredMs: 2593 });
});

test('stress: sync latency per connection; never seen is infinite', (t) => {
  const l = syncLatencies([[1, 1000], [2, 1000], [3, 1500]], new Map([[1, 1300], [3, 1400]]));
  t.deepEqual(l, [300, Infinity, 0]);
});

test('journal: a recorded takeover splits into VRRP, commit and hold times', (t) => {
  const ts = parseTakeovers(fx('journal-takeover.txt'));
  t.is(ts.length, 1, 'the second Entering MASTER of the sync group is the same takeover; BACKUP ends it');
  const tk = ts[0]!;
  t.is(tk.masterAt, 1795690281951.91);
  t.is(Math.round(tk.commitAt! - tk.masterAt), 67);
  t.is(Math.round(tk.holdOffAt! - tk.masterAt), 118);
  t.is(takeoverAfter(ts, 1795690281900), tk);
  t.is(takeoverAfter(ts, 1795690290000), undefined);
  t.deepEqual(journalArgv(1795690281951).slice(-2), ['--since', '@1795690281']);
});

test('journal: the release is ha-hold\'s own line when there is one (ha-notify logs after acting)', (t) => {
  const [tk] = parseTakeovers([
    '1795700000.000000 gw2 Keepalived_vrrp[1]: (VI_LAN) Entering MASTER STATE',
    '1795700000.012000 gw2 conntrackd-ha[2]: conntrackd -c: ok',
    '1795700000.021000 gw2 ha-hold[3]: forwarding released (manual)',
    '1795700000.030000 gw2 ha-notify[4]: /usr/local/sbin/ha-hold off: ok',
    '1795700000.060000 gw2 ha-notify[5]: group G_NAT MASTER: done',
  ].join('\n'));
  t.is(Math.round(tk!.holdOffAt! - tk!.masterAt), 21);
});

test('journal: the resident ha-notify says when it committed and released; those times count, not the lines\'', (t) => {
  const [tk] = parseTakeovers([
    '1795700000.000000 gw2 Keepalived_vrrp[1]: (VI_LAN) Entering MASTER STATE',
    '1795700000.009000 gw2 ha-notify[4]: group G_NAT MASTER: taking over',
    '1795700000.010000 gw2 ha-notify[4]: conntrackd -c: ok at 1795700000.003250 (2.1 ms after the MASTER line)',
    '1795700000.011000 gw2 ha-notify[4]: forwarding released at 1795700000.004000 (2.9 ms after the MASTER line)',
    '1795700000.060000 gw2 ha-notify[4]: group G_NAT MASTER: done',
  ].join('\n'));
  t.is(tk!.commitAt! - tk!.masterAt, 3.25);
  t.is(tk!.holdOffAt! - tk!.masterAt, 4);
});

test('flap/soak: keepalived\'s state changes and their two causes, from its journal', (t) => {
  const j = [
    'VRRP_Script(chk_gateway) failed (due to signal 9)',
    '(VI_LAN) Changing effective priority from 254 to 194',
    '(VI_LAN) Entering BACKUP STATE',
    '(VI_WAN) Entering BACKUP STATE',
    '(VI_LAN) Received advert from 198.18.1.3 with lower priority 250, ours 254, forcing new election',
    '(VI_WAN) Received advert from 198.19.0.3 with lower priority 250, ours 254, forcing new election',
    '(VI_LAN) Entering MASTER STATE',
    'VRRP_Group(G_NAT) Syncing instances to MASTER state',
  ].join('\n');
  t.deepEqual(keepalivedChanges(j), { transitions: 3, checkFailures: 1, forcedElections: 2 });
  t.deepEqual(keepalivedChanges('Track script chk_gateway is being timed out, expect idle - skipping run'), { transitions: 0, checkFailures: 0, forcedElections: 0 });
});

test('udp: a switch 2 s after the previous one does not count the previous one\'s hole, nor the previous the next\'s', (t) => {
  const u = udpResult({ sent: 10000 }, { received: 9986, longestGapMs: 9, holes: [[1000, 1008, 7], [3000, 3008, 7]] }, 1000)!;
  t.is(udpLostAfter(u, 995).lost, 7);
  t.is(udpLostAfter(u, 2995).lost, 7);
});
