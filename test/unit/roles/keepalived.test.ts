import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalived } from '../../../roles/keepalived/index.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';
import { FakeBin, lintShell } from '../../helpers/fake-bin.ts';

const NOTIFY = join(import.meta.dirname, '../../../roles/keepalived/files/ha-notify.sh');
const GW1 = { ...labNetwork('gw1'), keepalived_priority: 150, keepalived_peer_priority: 100 };
const GW2 = { ...labNetwork('gw2'), keepalived_priority: 100, keepalived_peer_priority: 150 };

function conf(vars: Record<string, unknown>, node: 'gw1' | 'gw2' = 'gw1') {
  const f = buildRole(keepalived, vars, node);
  if (f.errors.length) throw new Error(f.errors.join('; '));
  return { f, lines: meaningfulLines(f.files.get('/etc/keepalived/keepalived.conf')!.content) };
}

/** The lines of one `vrrp_instance NAME { ... }` block. */
function block(lines: string[], head: string): string[] {
  const i = lines.indexOf(`${head} {`);
  let depth = 0;
  const out: string[] = [];
  for (const l of lines.slice(i)) {
    depth += (l.match(/{/g) ?? []).length - (l.match(/}/g) ?? []).length;
    out.push(l);
    if (depth === 0) break;
  }
  return out;
}

test('VRRPv3, script security, GARP and the ordered notify fifo in global_defs', (t) => {
  const g = block(conf(GW1).lines, 'global_defs');
  for (const want of ['vrrp_version 3', 'enable_script_security', 'script_user keepalived_script', 'vrrp_garp_master_repeat 5', 'vrrp_garp_master_delay 1',
    'vrrp_garp_master_refresh 60', 'vrrp_no_swap', 'vrrp_rt_priority 50', 'vrrp_notify_fifo_script /usr/local/sbin/ha-notify.sh root', 'router_id gw1']) {
    t.true(g.includes(want), want);
  }
  t.false(conf({ ...GW1, keepalived_rt_priority: 0 }).lines.some((l) => l.startsWith('vrrp_rt_priority')));
});

test('both instances: BACKUP, unicast to the peer, sub-second adverts, VIP on its interface, tracked check', (t) => {
  const { lines } = conf(GW1);
  const lan = block(lines, 'vrrp_instance VI_LAN');
  for (const want of ['state BACKUP', 'interface lan', 'virtual_router_id 51', 'priority 150', 'advert_int 0.2', 'unicast_src_ip 198.18.1.2', '198.18.1.3', '198.18.1.1/24 dev lan', 'chk_gateway', 'preempt_delay 30']) {
    t.true(lan.includes(want), want);
  }
  const wan = block(lines, 'vrrp_instance VI_WAN');
  t.true(wan.includes('unicast_src_ip 198.19.0.2') && wan.includes('198.19.0.1/24 dev wan') && wan.includes('virtual_router_id 52'));
  t.true(block(conf(GW2, 'gw2').lines, 'vrrp_instance VI_LAN').includes('priority 100'));
  const group = block(lines, 'vrrp_sync_group G_NAT');
  t.true(group.includes('VI_LAN') && group.includes('VI_WAN') && group.includes('sync_group_tracking_weight'));
  const script = block(lines, 'vrrp_script chk_gateway');
  t.true(script.includes('script "/usr/local/sbin/ha-check.sh"') && script.includes('weight -60') && script.includes('fall 2') && script.includes('rise 2'));
  t.false(lines.some((l) => l.startsWith('auth_')), 'VRRPv3 has no authentication');
});

test('bgp mode: the shared IP on the MASTER\'s lo, the LAN (VLAN) VIP still by ARP, nopreempt, the BGP speaker tracked', (t) => {
  const { f, lines } = conf({ ...GW1, keepalived_vip_mode: 'bgp' });
  t.deepEqual(block(lines, 'vrrp_instance VI_LAN').filter((l) => l.includes(' dev ')), ['198.18.1.1/24 dev lan']);
  t.deepEqual(block(lines, 'vrrp_instance VI_WAN').filter((l) => l.includes(' dev ')), ['198.19.0.1/32 dev lo']);
  t.true(lines.filter((l) => l === 'nopreempt').length === 2);
  // A node whose speaker lost its sessions drops below its peer, which then announces as primary.
  const chk = block(lines, 'vrrp_script chk_bgp');
  t.true(chk.includes('script "/usr/local/sbin/ha-bgp check"') && chk.includes('user keepalived_script frrvty') && chk.includes('weight -60'), chk.join('|'));
  for (const i of ['VI_LAN', 'VI_WAN']) t.true(block(lines, `vrrp_instance ${i}`).includes('chk_bgp'));
  t.true(block(lines, 'vrrp_script chk_bgp').length > 0);
  const lelastic = meaningfulLines(buildRole(keepalived, { ...GW1, keepalived_vip_mode: 'bgp', bgp_speaker: 'lelastic' }).files.get('/etc/keepalived/keepalived.conf')!.content);
  t.true(block(lelastic, 'vrrp_script chk_bgp').includes('user keepalived_script keepalived_script'));
  const notify = f.files.get('/etc/keepalived/ha-notify.conf')!.content;
  t.regex(notify, /^HA_VIP_MODE=bgp$/m);
  t.regex(notify, /^HA_BGP=\/usr\/local\/sbin\/ha-bgp$/m);
  const arp = conf(GW1);
  t.false(arp.lines.some((l) => l.includes('chk_bgp')));
  t.notRegex(arp.f.files.get('/etc/keepalived/ha-notify.conf')!.content, /HA_BGP/);
});

test('bad inventory values are refused, naming the variable', (t) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...GW1, keepalived_priority: 255 }, 'keepalived_priority must be a whole number 1-254'],
    [{ ...GW1, keepalived_priority: 0 }, 'keepalived_priority must be a whole number 1-254'],
    [{ ...GW1, keepalived_check_weight: -40 }, 'keepalived_check_weight -40 is not enough'],
    [{ ...GW1, keepalived_check_weight: 10 }, 'keepalived_check_weight must be negative'],
    [{ ...GW1, peer_lan_address: undefined }, 'peer_lan_address is required'],
    [{ ...GW1, peer_wan_address: 'nope' }, 'peer_wan_address must be an IPv4 address'],
    [{ ...GW1, wan_vip: '198.20.0.1/24' }, 'wan_vip 198.20.0.1 is outside the subnet'],
    [{ ...GW1, keepalived_advert_int: 0.005 }, 'keepalived_advert_int'],
    [{ ...GW1, keepalived_wan_vrid: 51 }, 'must differ'],
    [{ ...GW1, node_role_preferred: 'backup' }, 'node_role_preferred is backup'],
    [{ ...GW1, keepalived_vip_mode: 'bgp', bgp_speaker: 'bird' }, 'bgp_speaker must be frr or lelastic'],
    [{ ...GW1, keepalived_vip_mode: 'bgp', keepalived_bgp_command: 'ha-bgp' }, 'keepalived_bgp_command must be an absolute path'],
  ];
  for (const [vars, msg] of cases) {
    const f = buildRole(keepalived, vars);
    t.true(f.errors.some((e) => e.includes(msg)), `${msg}: ${f.errors.join('; ')}`);
    t.is(f.tasks.length, 0);
  }
  t.deepEqual(buildRole(keepalived, GW2, 'gw2').errors, [], 'the backup needs no weight check');
});

test('a config change reloads, never restarts; the config is checked before it goes live', (t) => {
  const { f } = conf(GW1);
  const task = f.tasks.find((x) => x.renders?.path === '/etc/keepalived/keepalived.conf')!;
  t.deepEqual(task.notify, ['reload keepalived']);
  t.is(task.renders!.mode, '0600');
  t.deepEqual(f.handlers['reload keepalived']!.map((h) => h.name), ['reload keepalived']);
  t.false(Object.values(f.handlers).flat().some((h) => h.name.startsWith('restart')));
  t.is(f.files.get('/etc/keepalived/vrrp-instances')!.content.split('\n').filter((l) => l && !l.startsWith('#')).join('|'), 'VI_LAN lan 51 198.18.1.1|VI_WAN wan 52 198.19.0.1');
});

test('ha-notify.sh passes sh -n and shellcheck', (t) => {
  t.is(lintShell(NOTIFY), '');
});

function notify(lines: string[], opts: { hold?: boolean; mode?: string } = {}) {
  const fb = new FakeBin({ logger: 'exit 0', 'conntrackd-ha.sh': 'exit 0', 'ha-hold': 'exit 0', 'ha-bgp': 'exit 0' });
  const conf = fb.write('ha-notify.conf', [
    `HA_VIP_MODE=${opts.mode ?? 'arp'}`, `HA_STATE_DIR=${fb.path('state')}`,
    `HA_HOLD=${opts.hold === false ? fb.path('missing') : fb.path('bin/ha-hold')}`, `HA_CONNTRACKD=${fb.path('bin/conntrackd-ha.sh')}`,
    `HA_BGP=${fb.path('bin/ha-bgp')}`,
  ].join('\n'));
  const fifo = fb.write('fifo', lines.join('\n') + '\n');
  const r = fb.run(NOTIFY, [fifo], { HA_NOTIFY_CONF: conf });
  const actions = fb.calls().filter((c) => !c.startsWith('logger')).map((c) => c.replace(/ -- .*/, ''));
  return { fb, r, actions, logs: fb.calls().filter((c) => c.startsWith('logger -t ha-notify')) };
}

test('MASTER: commit the synced state, release, then the rest of the takeover; BACKUP: hand back then hold', (t) => {
  const m = notify(['INSTANCE "VI_LAN" MASTER 150', 'INSTANCE "VI_WAN" MASTER 150', 'GROUP "G_NAT" MASTER']);
  t.is(m.r.code, 0, m.r.stderr);
  // Traffic waits for the commit only; flush, resync and bulk send run after the release.
  t.deepEqual(m.actions, ['conntrackd-ha.sh commit', 'ha-hold off', 'conntrackd-ha.sh takeover']);
  // Nothing forks between the start and the release but the commit: GARPs already drew the traffic.
  const calls = m.fb.calls().map((c) => c.replace(/ -- .*/, ''));
  const commit = calls.indexOf('conntrackd-ha.sh commit');
  t.deepEqual(calls.slice(commit - 1, commit + 2), ['logger -t ha-notify', 'conntrackd-ha.sh commit', 'ha-hold off']);
  t.true(m.logs[0]!.includes('listening on'), m.logs[0]);
  t.is(readFileSync(m.fb.path('state/VI_LAN.state'), 'utf8'), 'MASTER\n');
  t.true(m.logs.some((l) => l.includes('conntrackd-ha.sh commit: ok')));
  const b = notify(['GROUP "G_NAT" BACKUP', 'INSTANCE "VI_LAN" BACKUP 150']);
  t.deepEqual(b.actions, ['conntrackd-ha.sh backup', 'ha-hold on']);
  t.is(readFileSync(b.fb.path('state/VI_LAN.state'), 'utf8'), 'BACKUP\n');
  t.deepEqual(notify(['GROUP "G_NAT" FAULT']).actions, ['ha-hold on', 'conntrackd-ha.sh fault']);
});

test('without the hold script the takeover still commits, and says so; bgp mode drives the speaker', (t) => {
  const m = notify(['GROUP "G_NAT" MASTER'], { hold: false });
  t.deepEqual(m.actions, ['conntrackd-ha.sh commit', 'conntrackd-ha.sh takeover']);
  t.true(m.logs.some((l) => l.includes('traffic not held (off)')));
  // bgp mode: the announcement follows the release at once (the route servers send the traffic
  // only then), before the log lines and the rest of the takeover; backup and fault demote first.
  const b = notify(['GROUP "G_NAT" MASTER'], { mode: 'bgp' });
  t.deepEqual(b.actions, ['conntrackd-ha.sh commit', 'ha-hold off', 'ha-bgp primary VRRP MASTER', 'conntrackd-ha.sh takeover']);
  const calls = b.fb.calls().map((c) => c.replace(/ -- .*/, ''));
  t.deepEqual(calls.slice(calls.indexOf('conntrackd-ha.sh commit'), calls.indexOf('conntrackd-ha.sh commit') + 3), ['conntrackd-ha.sh commit', 'ha-hold off', 'ha-bgp primary VRRP MASTER']);
  t.deepEqual(notify(['GROUP "G_NAT" BACKUP'], { mode: 'bgp' }).actions, ['ha-bgp secondary VRRP BACKUP', 'conntrackd-ha.sh backup', 'ha-hold on']);
  t.deepEqual(notify(['GROUP "G_NAT" FAULT'], { mode: 'bgp' }).actions, ['ha-bgp secondary VRRP FAULT', 'ha-hold on', 'conntrackd-ha.sh fault']);
});
