import test from 'ava';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exporters } from '../../../roles/exporters/index.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';
import { FakeBin, lintShell } from '../../helpers/fake-bin.ts';

const SCRIPT = join(import.meta.dirname, '../../../roles/exporters/files/ha-textfile.sh');

test('node_exporter listens on the mgmt address only, with Debian\'s textfile directory', (t) => {
  const f = buildRole(exporters, labNetwork('gw1'));
  t.deepEqual(f.errors, []);
  const args = meaningfulLines(f.files.get('/etc/default/prometheus-node-exporter')!.content);
  // Single-quoted (issue 14): the file is sourced by a root shell, nothing in it may expand.
  t.deepEqual(args, ["ARGS='--web.listen-address=198.18.0.11:9100 --collector.textfile.directory=/var/lib/prometheus/node-exporter'"]);
  t.regex(f.files.get('/etc/systemd/system/ha-textfile.timer')!.content, /^OnUnitActiveSec=10s$/m);
  t.true(meaningfulLines(f.files.get('/etc/ha-textfile.conf')!.content).includes('PREFERRED_MASTER=1'));
  t.true(meaningfulLines(buildRole(exporters, labNetwork('gw2'), 'gw2').files.get('/etc/ha-textfile.conf')!.content).includes('PREFERRED_MASTER=0'));
  t.true(f.tasks.some((x) => x.name === 'symlink /var/lib/prometheus/node-exporter/ha_check.prom -> /var/lib/ha-check/ha_check.prom'));
});

test('the metrics are rewritten on every VRRP state change, not only by the timer', (t) => {
  const f = buildRole(exporters, { ...labNetwork('gw1'), exporters_vrrp_state_dir: '/run/vrrp-states' });
  const path = meaningfulLines(f.files.get('/etc/systemd/system/ha-textfile.path')!.content);
  t.true(path.includes('PathChanged=/run/vrrp-states'), path.join('\n'));
  t.true(path.includes('Unit=ha-textfile.service'));
  // ha-notify creates the directory on its first line; watching it must not wait for that.
  t.true(path.includes('MakeDirectory=yes'));
  const unit = meaningfulLines(f.files.get('/etc/systemd/system/ha-textfile.service')!.content);
  // Path and timer together start it often: no start limit, and no run may hang forever.
  t.true(unit.includes('StartLimitIntervalSec=0'));
  t.true(unit.some((l) => /^TimeoutStartSec=\d+s$/.test(l)), unit.join('\n'));
  t.true(f.tasks.some((x) => x.name.includes('ha-textfile.path') && x.name.startsWith('service')), f.tasks.map((x) => x.name).join('\n'));
});

test('bad values are refused, naming the variable', (t) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ exporters_interval: 60 }, 'exporters_interval'],
    [{ exporters_listen_port: 0 }, 'exporters_listen_port'],
    [{ mgmt_address: 'mgmt' }, 'mgmt_address'],
    [{ exporters_textfile_links: ['/tmp/x.txt'] }, 'exporters_textfile_links'],
    [{ exporters_extra_args: ['--a b'] }, 'exporters_extra_args'],
    [{ lan_vip: '198.18.5.1/24' }, 'lan_vip'],
  ];
  for (const [vars, name] of cases) {
    const errors = buildRole(exporters, { ...labNetwork('gw1'), ...vars }).errors;
    t.true(errors.some((e) => e.includes(name)), `${name}: ${errors.join('; ')}`);
  }
});

test('ha-textfile.sh passes sh -n and shellcheck', (t) => {
  t.is(lintShell(SCRIPT), '');
});

const CTD_STATS = `cache internal:
current active connections:\t          12
connections created:\t\t          30\tfailed:\t           0

cache external:
current active connections:\t           7
connections created:\t\t           9\tfailed:\t           0

traffic processed:
                   0 Bytes                         0 Pckts

UDP traffic (active device=sync):
                 508 Bytes sent                  480 Bytes recv
                  16 Pckts sent                   15 Pckts recv
                   1 Error send                    2 Error recv

message tracking:
                   3 Malformed msgs                    4 Lost msgs
`;

const NFT = JSON.stringify({ nftables: [{ metainfo: { version: '1.0.6' } }, { counter: { family: 'inet', name: 'drop_in', table: 'tsplay', handle: 3, packets: 5, bytes: 300 } }] });

function host(opts: { keepalived?: boolean; conntrackd?: boolean | 'hangs' } = {}) {
  const fb = new FakeBin({ logger: 'exit 0' });
  fb.add('pidof', opts.keepalived === false ? 'exit 1' : 'echo 123');
  fb.add('ip', "echo '2: lan    inet 198.18.1.2/24 brd 198.18.1.255 scope global lan'; echo '2: lan    inet 198.18.1.1/24 scope global secondary lan'");
  fb.add('nft', `printf '%s' '${NFT}'`);
  fb.add('conntrackd', opts.conntrackd === false ? 'exit 1' : opts.conntrackd === 'hangs' ? 'exec sleep 60' : `cat '${fb.write('stats', CTD_STATS)}'`);
  fb.add('jq', 'exec /usr/bin/jq "$@"');
  const dir = fb.path('textfile');
  const st = fb.path('state');
  mkdirSync(dir);
  mkdirSync(st);
  fb.write('state/VI_LAN.state', 'MASTER\n');
  fb.write('state/VI_WAN.state', 'BACKUP\n');
  const inst = fb.write('instances', '# x\nVI_LAN lan 51 198.18.1.1\nVI_WAN wan 52 198.19.0.1\n');
  const conf = fb.write('conf', `TEXTFILE_DIR=${dir}\nVRRP_INSTANCES=${inst}\nVRRP_STATE_DIR=${st}\nPREFERRED_MASTER=1\nPROBE_TIMEOUT=1\n`);
  const r = fb.run(SCRIPT, [], { HA_TEXTFILE_CONF: conf });
  const read = (n: string) => readFileSync(join(dir, n), 'utf8');
  return { r, read, dir };
}

test('VRRP state per instance from ha-notify\'s files, VIP presence from the interfaces', (t) => {
  const h = host();
  t.is(h.r.code, 0, h.r.stderr);
  const p = h.read('ha_vrrp.prom');
  t.regex(p, /^keepalived_vrrp_state\{iname="VI_LAN",intf="lan",vrid="51",ip_address="198.18.1.1"\} 2$/m);
  t.regex(p, /^keepalived_vrrp_state\{iname="VI_WAN",intf="wan",vrid="52",ip_address="198.19.0.1"\} 1$/m);
  t.regex(p, /^keepalived_vip_present\{ip_address="198.18.1.1",intf="lan"\} 1$/m);
  t.regex(p, /^keepalived_vip_present\{ip_address="198.19.0.1",intf="wan"\} 0$/m);
  t.regex(p, /^gateway_preferred_master 1$/m);
  t.regex(p, /^# TYPE keepalived_vrrp_state gauge$/m);
  t.deepEqual(readdirSync(h.dir).sort(), ['conntrackd.prom', 'ha_vrrp.prom', 'nftables.prom'], 'no temp files left');
});

test('a stopped keepalived reports INIT, not the last state it wrote', (t) => {
  const p = host({ keepalived: false }).read('ha_vrrp.prom');
  t.regex(p, /^keepalived_up 0$/m);
  t.regex(p, /^keepalived_vrrp_state\{iname="VI_LAN"[^}]*\} 0$/m);
});

test('nftables named counters and conntrackd sync figures', (t) => {
  const h = host();
  const n = h.read('nftables.prom');
  t.regex(n, /^nftables_counter_bytes\{name="drop_in",table="tsplay",family="inet"\} 300$/m);
  t.regex(n, /^nftables_counter_packets\{name="drop_in",table="tsplay",family="inet"\} 5$/m);
  const c = h.read('conntrackd.prom');
  for (const re of [/^conntrackd_up 1$/m, /^conntrackd_cache_entries\{cache="internal"\} 12$/m, /^conntrackd_cache_entries\{cache="external"\} 7$/m,
    /^conntrackd_sync_bytes_total\{direction="sent"\} 508$/m, /^conntrackd_sync_packets_total\{direction="received"\} 15$/m,
    /^conntrackd_sync_errors_total\{direction="received"\} 2$/m, /^conntrackd_sync_malformed_messages_total 3$/m, /^conntrackd_sync_lost_messages_total 4$/m]) {
    t.regex(c, re);
  }
  // Issue 14: what the caches took in, so a stalled sync (lost messages, external flat) shows.
  t.regex(c, /^conntrackd_cache_events_total\{cache="internal",event="created"\} 30$/m);
  t.regex(c, /^conntrackd_cache_events_total\{cache="external",event="created"\} 9$/m);
  t.regex(c, /^# TYPE conntrackd_cache_events_total counter$/m);
  t.regex(host({ conntrackd: false }).read('conntrackd.prom'), /^conntrackd_up 0$/m);
});

test('a conntrackd that does not answer is given up on: conntrackd_up 0, the other files written', (t) => {
  const h = host({ conntrackd: 'hangs' });
  t.is(h.r.code, 0, h.r.stderr);
  t.regex(h.read('conntrackd.prom'), /^conntrackd_up 0$/m);
  t.regex(h.read('ha_vrrp.prom'), /^keepalived_vrrp_state\{iname="VI_LAN"[^}]*\} 2$/m);
  t.regex(h.read('nftables.prom'), /^nftables_counter_bytes/m);
});
