// Issue 14: partition drills. What runs on the lab is the lead's; here are the parts that can be
// proven without it: the cut as nftables sees it, and the figures and alerts read from a run.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDrops, partitionFigures, partitionRuleset } from '../../src/drill/partition.ts';
import { firedAlerts } from '../../src/drill/report/alerts.ts';
import { findScenario } from '../../src/drill/scenarios/index.ts';
import type { VipEvent } from '../../src/drill/probes/vip.ts';

const NFT = '/usr/sbin/nft';

test('a VRRP cut drops IP protocol 112 on both gateways\' LAN and WAN cables, and nothing else', (t) => {
  const text = partitionRuleset(['gw1', 'gw2'], { vrrp: true, sync: false });
  t.deepEqual([...text.matchAll(/device "([^"]+)"/g)].map((m) => m[1]), ['gw1-lan', 'gw1-wan', 'gw2-lan', 'gw2-wan']);
  t.is(text.match(/ip protocol 112 counter drop/g)?.length, 4);
  t.notRegex(text, /sync/);
});

test('a sync cut drops everything on the sync cables; both cuts together', (t) => {
  t.deepEqual([...partitionRuleset(['gw1', 'gw2'], { vrrp: false, sync: true }).matchAll(/device "([^"]+)"/g)].map((m) => m[1]), ['gw1-sync', 'gw2-sync']);
  t.is([...partitionRuleset(['gw1', 'gw2'], { vrrp: true, sync: true }).matchAll(/chain /g)].length, 6);
  t.throws(() => partitionRuleset(['gw1'], { vrrp: false, sync: false }), { message: /cuts VRRP, the sync link, or both/ });
});

test('nftables accepts the ruleset (checked in a private network namespace with the cables as veths)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-partition-'));
  const file = join(dir, 'cut.nft');
  writeFileSync(file, partitionRuleset(['gw1', 'gw2'], { vrrp: true, sync: true }));
  const links = ['gw1-lan', 'gw1-wan', 'gw1-sync', 'gw2-lan', 'gw2-wan', 'gw2-sync'].map((d, i) => `ip link add ${d} type veth peer name p${i}`).join(' && ');
  const r = spawnSync('unshare', ['-n', 'sh', '-c', `${links} && "$1" -f "$0" && "$1" list table netdev tsp_drill_partition`, file, NFT], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(parseDrops(r.stdout), { gw1_lan: 0, gw1_wan: 0, gw1_sync: 0, gw2_lan: 0, gw2_wan: 0, gw2_sync: 0 });
});

test('drop counters per chain from `nft list table`', (t) => {
  const listing = 'table netdev tsp_drill_partition {\n\tchain gw1_lan {\n\t\ttype filter hook ingress device "gw1-lan" priority filter; policy accept;\n\t\tip protocol vrrp counter packets 412 bytes 16480 drop\n\t}\n\tchain gw2_sync {\n\t\tcounter packets 95 bytes 9000 drop\n\t}\n}\n';
  t.deepEqual(parseDrops(listing), { gw1_lan: 412, gw2_sync: 95 });
});

const ev = (t: number, host: string, vip: string, present: boolean): VipEvent => ({ t, host, vip, present });

test('split brain and healing from the VIP owner timeline', (t) => {
  const vips = ['198.18.1.1', '198.19.0.1'];
  const cut = 10_000;
  const heal = 100_000;
  const events = [
    ...vips.map((v) => ev(0, 'gw1', v, true)),
    // The backup stops hearing adverts: MASTER 3 x advert_int + skew after the cut.
    ev(cut + 640, 'gw2', vips[0]!, true), ev(cut + 650, 'gw2', vips[1]!, true),
    // Healed: the lower priority goes back to BACKUP when it hears the higher one.
    ev(heal + 210, 'gw2', vips[0]!, false), ev(heal + 230, 'gw2', vips[1]!, false),
  ];
  const f = partitionFigures(events, vips, 0, 150_000, cut, heal);
  t.is(f.splitBrainAfterMs, 640);
  t.is(f.healedAfterMs, 230);
  t.is(f.splitBrainS, 89.6);
  t.is(f.vipMoves, 2);
});

test('a partition that never split (sync cut) or never healed says so', (t) => {
  const vips = ['198.18.1.1'];
  const calm = partitionFigures([ev(0, 'gw1', vips[0]!, true)], vips, 0, 60_000, 5000, 40_000);
  t.deepEqual(calm, { splitBrainS: 0, healedAfterMs: 0, vipMoves: 0 });
  const stuck = partitionFigures([ev(0, 'gw1', vips[0]!, true), ev(6000, 'gw2', vips[0]!, true)], vips, 0, 60_000, 5000, 40_000);
  t.is(stuck.healedAfterMs, undefined);
  t.is(stuck.splitBrainAfterMs, 1000);
});

/** A 60 s scenario window and the ALERTS sample times around it (s after its start). */
const start = 1_795_700_000_000;
const end = start + 60_000;
const at = (s: number) => 1_795_700_000 + s;

test('the alerts a scenario set off, in the order they first fired, with where', (t) => {
  const data: Parameters<typeof firedAlerts>[0] = {
    result: [
      { metric: { alertname: 'VrrpSplitBrain', iname: 'VI_WAN', alertstate: 'pending' }, values: [[at(15), '1'], [at(30), '1']] },
      { metric: { alertname: 'VrrpSplitBrain', iname: 'VI_WAN', alertstate: 'firing' }, values: [[at(45), '1'], [at(60), '1']] },
      { metric: { alertname: 'ConntrackdPeerSilent', node: 'gw2', instance: 'x', alertstate: 'pending' }, values: [[at(45), '1'], [at(60), '1'], [at(75), '1'], [at(90), '1'], [at(105), '1']] },
      { metric: { alertname: 'ConntrackdPeerSilent', node: 'gw2', instance: 'x', alertstate: 'firing' }, values: [[at(120), '1']] },
      { metric: { alertname: 'VrrpSplitBrain', iname: 'VI_LAN', alertstate: 'firing' }, values: [[at(30), '1']] },
    ],
  };
  t.deepEqual(firedAlerts(data, start, end), ['VrrpSplitBrain (iname=VI_LAN) from +30 s', 'VrrpSplitBrain (iname=VI_WAN) from +45 s', 'ConntrackdPeerSilent (node=gw2) from +120 s']);
  t.deepEqual(firedAlerts(undefined, start, end), []);
});

test('an alert is the scenario\'s own only if it began in its window: not one carried over, not the next one\'s', (t) => {
  const data: Parameters<typeof firedAlerts>[0] = {
    result: [
      // Firing already one step before the window: the previous scenario's.
      { metric: { alertname: 'HealthCheckFailing', node: 'gw1', alertstate: 'firing' }, values: [[at(-15), '1'], [at(0), '1'], [at(15), '1']] },
      // Pending only from +75 s, after the window ended: the next scenario's, though it fires in the tail.
      { metric: { alertname: 'VrrpSplitBrain', iname: 'VI_LAN', alertstate: 'pending' }, values: [[at(75), '1'], [at(90), '1']] },
      { metric: { alertname: 'VrrpSplitBrain', iname: 'VI_LAN', alertstate: 'firing' }, values: [[at(105), '1']] },
      // Pending in the window but resolved before firing: nothing fired.
      { metric: { alertname: 'VrrpNoMaster', iname: 'VI_WAN', alertstate: 'pending' }, values: [[at(15), '1']] },
      // The carried-over alert ended, then began again in the window: that episode counts.
      { metric: { alertname: 'HealthCheckFailing', node: 'gw1', alertstate: 'pending' }, values: [[at(45), '1']] },
      { metric: { alertname: 'HealthCheckFailing', node: 'gw1', alertstate: 'firing' }, values: [[at(60), '1']] },
    ],
  };
  t.deepEqual(firedAlerts(data, start, end), ['HealthCheckFailing (node=gw1) from +60 s']);
});

test('the three partition scenarios are registered with their defaults', (t) => {
  for (const name of ['partition-vrrp', 'partition-sync', 'partition-both']) {
    const s = findScenario(name);
    t.truthy(s, name);
    t.deepEqual(s!.defaults, { seconds: 90, heal: 45, flows: 200 });
  }
});
