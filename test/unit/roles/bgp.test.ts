import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bgp } from '../../../roles/bgp/index.ts';
import { conntrackd } from '../../../roles/conntrackd/index.ts';
import { nftables } from '../../../roles/nftables/index.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';
import { FakeBin, lintShell } from '../../helpers/fake-bin.ts';

const RS = ['2001:2:0:34::1', '2001:2:0:34::2'];
const GW1 = { ...labNetwork('gw1'), keepalived_vip_mode: 'bgp', bgp_route_servers: RS, bgp_source_address: '2001:2:0:10::11' };

function built(vars: Record<string, unknown>) {
  const f = buildRole(bgp, vars);
  if (f.errors.length) throw new Error(f.errors.join('; '));
  return f;
}

test('arp mode: the role does nothing', (t) => {
  const f = buildRole(bgp, labNetwork('gw1'));
  t.deepEqual(f.errors, []);
  t.deepEqual(f.tasks, []);
});

test("frr.conf in the shape of Linode's guide: peer group over IPv6, the /32 announced as secondary, both route-maps, timers", (t) => {
  const f = built(GW1);
  const lines = meaningfulLines(f.files.get('/etc/frr/frr.conf')!.content).filter((l) => !l.startsWith('!'));
  for (const l of [
    'router bgp 65001', 'bgp router-id 198.19.0.2', 'no bgp ebgp-requires-policy', 'neighbor RS peer-group', 'neighbor RS remote-as external',
    'neighbor RS ebgp-multihop 10', 'neighbor RS capability extended-nexthop', 'neighbor RS advertisement-interval 0', 'timers bgp 1 3',
    'neighbor 2001:2:0:34::1 peer-group RS', 'neighbor 2001:2:0:34::2 peer-group RS', 'neighbor RS update-source 2001:2:0:10::11',
    'network 198.19.0.1/32 route-map secondary', 'neighbor RS activate', 'route-map primary permit 10', 'set community 65000:1',
    'route-map secondary permit 10', 'set community 65000:2', 'ipv6 nht resolve-via-default',
    // A route server that helps graceful restart drops a dead node's routes with its session.
    'bgp graceful-restart restart-time 0',
  ]) t.true(lines.includes(l), l);
  // The file never says primary: only keepalived's MASTER does, at run time.
  t.false(lines.some((l) => /route-map primary$/.test(l)));
  t.false(lines.some((l) => l.includes('bfd')), 'no BFD unless asked');
  const bfd = meaningfulLines(built({ ...GW1, bgp_bfd: true, bgp_bfd_interval_ms: 50 }).files.get('/etc/frr/frr.conf')!.content);
  for (const l of ['neighbor RS bfd profile ts-play', 'receive-interval 50', 'transmit-interval 50', 'detect-multiplier 3']) t.true(bfd.includes(l), l);
  // FRR's minimum TTL for multihop BFD follows the hop limit: 255 accepts a route server's default TTL.
  t.true(bfd.includes('neighbor RS ebgp-multihop 255'));
  t.false(bfd.includes('neighbor RS ebgp-multihop 10'));
  t.regex(built({ ...GW1, bgp_bfd: true }).files.get('/etc/frr/daemons')!.content, /^bfdd=yes$/m);
  t.regex(f.files.get('/etc/frr/daemons')!.content, /^bgpd=yes$/m);
  t.regex(f.files.get('/etc/frr/daemons')!.content, /^bfdd=no$/m);
});

test("Linode's route servers come from the data-centre id unless listed", (t) => {
  const lines = meaningfulLines(built({ ...labNetwork('gw1'), keepalived_vip_mode: 'bgp', bgp_dc_id: 14 }).files.get('/etc/frr/frr.conf')!.content);
  t.deepEqual(lines.filter((l) => l.endsWith('peer-group RS')), [1, 2, 3, 4].map((i) => `neighbor 2600:3c0f:14:34::${i} peer-group RS`));
});

test('keepalived demotes on stop, FRR re-announces from the VRRP state on start, the backup announces too', (t) => {
  const f = built(GW1);
  t.regex(f.files.get('/etc/frr/frr.conf')!.content, /^ no bgp network import-check$/m);
  const dropin = f.files.get('/etc/systemd/system/keepalived.service.d/20-bgp.conf')!.content;
  t.regex(dropin, /^ExecStop=-\/usr\/local\/sbin\/ha-bgp secondary "keepalived stopping"$/m);
  t.regex(dropin, /^ExecStopPost=-\/usr\/local\/sbin\/ha-bgp secondary "keepalived stopped"$/m);
  t.regex(f.files.get('/etc/systemd/system/frr.service.d/20-ha-bgp.conf')!.content, /^ExecStartPost=-\/usr\/local\/sbin\/ha-bgp sync "frr started"$/m);
  // A change to FRR's files is a restart, done as a handover on the VIP holder.
  const conf = f.tasks.find((x) => x.renders?.path === '/etc/frr/frr.conf')!;
  t.deepEqual(conf.notify, ['handover restart frr']);
  t.is(conf.renders!.mode, '0640');
  t.deepEqual(f.handlers['handover restart frr']!.map((h) => h.module), ['handoverRestart']);
});

test('ha-bgp passes sh -n and shellcheck', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-habgp-'));
  const file = join(dir, 'ha-bgp');
  writeFileSync(file, built(GW1).files.get('/usr/local/sbin/ha-bgp')!.content);
  t.is(lintShell(file), '');
});

function haBgp(args: string[], opts: { state?: string; keepalived?: 'active' | 'inactive'; vtysh?: string } = {}) {
  const fb = new FakeBin({
    logger: 'exit 0',
    systemctl: `[ "$1 $2" = "is-active --quiet" ] && exit ${opts.keepalived === 'inactive' ? 3 : 0}; [ "$1" = is-active ] && echo ${opts.keepalived ?? 'active'}; exit 0`,
    vtysh: opts.vtysh ?? 'exit 0',
    sleep: 'exit 0',
  });
  mkdirSync(fb.path('state'));
  if (opts.state) fb.write('state/group-G_NAT.state', `${opts.state}\n`);
  const text = built({ ...GW1, keepalived_state_dir: fb.path('state') }).files.get('/usr/local/sbin/ha-bgp')!.content;
  // The script pins its PATH (keepalived and systemd run it with little of one): the fakes go first on it.
  const script = fb.write('ha-bgp', text.replace(/^PATH=/m, `PATH=${fb.bin}:`));
  const r = fb.run(script, args);
  return { r, calls: fb.calls() };
}

test('ha-bgp: primary and secondary re-issue the network statement with that route-map; sync follows the VRRP state only while keepalived runs', (t) => {
  const net = (role: string) => `vtysh -c configure terminal -c router bgp 65001 -c address-family ipv4 unicast -c network 198.19.0.1/32 route-map ${role}`;
  const p = haBgp(['primary', 'VRRP MASTER']);
  t.is(p.r.code, 0, p.r.stderr);
  t.true(p.calls.includes(net('primary')), p.calls.join('\n'));
  t.true(haBgp(['secondary']).calls.includes(net('secondary')));
  t.true(haBgp(['sync'], { state: 'MASTER' }).calls.includes(net('primary')));
  t.true(haBgp(['sync'], { state: 'BACKUP' }).calls.includes(net('secondary')));
  // A stale MASTER left by a keepalived that stopped must not announce as primary.
  t.true(haBgp(['sync'], { state: 'MASTER', keepalived: 'inactive' }).calls.includes(net('secondary')));
  t.true(haBgp(['sync']).calls.includes(net('secondary')));
  // vtysh printing a refusal fails the switch, even when it exits 0.
  t.is(haBgp(['primary'], { vtysh: 'echo "% Unknown command"; exit 0' }).r.code, 1);
  t.is(haBgp(['bogus']).r.code, 64);
});

test('bad values are refused in bgp mode, naming the variable', (t) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...GW1, bgp_route_servers: [], bgp_dc_id: 0 }, 'bgp mode needs the route servers'],
    [{ ...GW1, bgp_route_servers: ['198.19.0.254'] }, 'is not an IPv6 address'],
    [{ ...GW1, bgp_hold: 2 }, 'bgp_hold must be 0 or at least 3'],
    [{ ...GW1, bgp_keepalive: 2, bgp_hold: 3 }, 'at most a third of bgp_hold'],
    [{ ...GW1, bgp_community_primary: 'primary' }, 'bgp_community_primary must be a BGP community'],
    [{ ...GW1, bgp_community_secondary: '65000:1' }, 'the route servers could not tell the nodes apart'],
    [{ ...GW1, bgp_speaker: 'lelastic' }, 'bgp_dc_id must be the Linode data centre id with lelastic'],
    [{ ...GW1, bgp_source_address: '198.19.0.2' }, 'bgp_source_address must be an IPv6 address'],
    [{ ...GW1, bgp_restart_time: 4096 }, 'bgp_restart_time'],
  ];
  for (const [vars, msg] of cases) {
    const f = buildRole(bgp, vars);
    t.true(f.errors.some((e) => e.includes(msg)), `${msg}: ${f.errors.join('; ')}`);
  }
});

test('lelastic: its unit takes the data-centre id; no FRR is installed', (t) => {
  const f = built({ ...GW1, bgp_speaker: 'lelastic', bgp_dc_id: 14 });
  t.regex(f.files.get('/etc/systemd/system/lelastic@.service')!.content, /^ExecStart=\/usr\/local\/bin\/lelastic -dcid 14 -%i$/m);
  t.false(f.files.has('/etc/frr/frr.conf'));
});

test('bgp mode: nftables opens BGP and BFD to the route servers alone; conntrackd keeps their sessions out of sync', (t) => {
  const nft = buildRole(nftables, GW1);
  t.deepEqual(nft.errors, []);
  const rules = meaningfulLines(nft.files.get('/etc/nftables.conf')!.content);
  t.true(rules.includes('ip6 saddr { 2001:2:0:34::1, 2001:2:0:34::2 } tcp dport 179 counter name bgp_in accept'));
  t.true(rules.includes('ip6 saddr { 2001:2:0:34::1, 2001:2:0:34::2 } udp dport { 3784, 3785, 4784 } counter name bgp_in accept'));
  t.false(meaningfulLines(buildRole(nftables, labNetwork('gw1')).files.get('/etc/nftables.conf')!.content).some((l) => l.includes('dport 179')));
  const ctd = buildRole(conntrackd, { ...GW1, sysctl_conntrack_max: 262144 });
  t.deepEqual(ctd.errors, []);
  const conf = meaningfulLines(ctd.files.get('/etc/conntrackd/conntrackd.conf')!.content);
  for (const a of [...RS, '2001:2:0:10::11']) t.true(conf.includes(`IPv6_address ${a}`), a);
});
