import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { keepalived } from '../../../roles/keepalived/index.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';
import { FakeBin } from '../../helpers/fake-bin.ts';

const NOTIFY = join(import.meta.dirname, '../../../roles/keepalived/files/ha-notify');
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
    'vrrp_garp_master_refresh 60', 'vrrp_no_swap', 'vrrp_rt_priority 50', 'vrrp_notify_fifo_script /usr/local/sbin/ha-notify root', 'router_id gw1']) {
    t.true(g.includes(want), want);
  }
  t.false(conf({ ...GW1, keepalived_rt_priority: 0 }).lines.some((l) => l.startsWith('vrrp_rt_priority')));
});

test('both instances: BACKUP, unicast to the peer, sub-second adverts, VIP on its interface, tracked check', (t) => {
  const { lines } = conf(GW1);
  const lan = block(lines, 'vrrp_instance VI_LAN');
  for (const want of ['state BACKUP', 'interface lan', 'virtual_router_id 51', 'priority 150', 'advert_int 0.1', 'down_timer_adverts 5', 'unicast_src_ip 198.18.1.2', '198.18.1.3', '198.18.1.1/24 dev lan', 'chk_gateway', 'preempt_delay 30']) {
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
  // The reader releases the nftables role's hold itself and asks conntrackd on its socket.
  t.regex(notify, /^HA_HOLD_TABLE='inet natgw'$/m);
  t.regex(notify, /^HA_CONNTRACKD_SOCKET=\/var\/run\/conntrackd\.sock$/m);
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
    [{ ...GW1, keepalived_down_timer_adverts: 2 }, 'keepalived_down_timer_adverts must be a whole number 3-100'],
    [{ ...GW1, keepalived_down_timer_adverts: 101 }, 'keepalived_down_timer_adverts must be a whole number 3-100'],
    [{ ...GW1, nftables_table: 'nat gw' }, 'nftables_table must be a name'],
    [{ ...GW1, conntrackd_socket: 'conntrackd.sock' }, 'conntrackd_socket'],
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

test('ha-notify is Python that Debian 12\'s python3 compiles', (t) => {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])', NOTIFY], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
});

/**
 * Runs the notify reader on a file of fifo lines with: a fake `nftables` module (each command it
 * is given goes to calls.log), a fake conntrackd socket (the request it reads goes there too),
 * the fake scripts of FakeBin, and an audit hook that writes `fork ARGV` for every process the
 * reader starts. The log goes to stderr.
 */
async function notify(lines: string[], opts: { hold?: boolean; mode?: string; nftables?: boolean | 'raises'; conntrackd?: 'up' | 'missing'; script?: 'missing' } = {}) {
  const fb = new FakeBin({ 'conntrackd-ha.sh': 'exit 0', 'ha-hold': 'exit 0', 'ha-bgp': 'exit 0' });
  const log = fb.log;
  mkdirSync(fb.path('py'));
  if (opts.nftables !== false) {
    fb.write('py/nftables.py', [
      'class Nftables:',
      '    def cmd(self, c):',
      `        open(${JSON.stringify(log)}, "a").write("nft " + c.replace("\\n", "; ") + "\\n")`,
      ...(opts.nftables === 'raises' ? ['        if c.startswith("flush"): raise OSError("netlink gone")'] : []),
      '        return 0, "", ""',
    ].join('\n') + '\n');
  }
  const sock = fb.path('ctd.sock');
  const server = createServer((c) => {
    c.once('data', (d) => {
      appendFileSync(log, `conntrackd request ${d.readInt32LE(0)}\n`);
      c.end('');
    });
  });
  if (opts.conntrackd !== 'missing') await new Promise<void>((res) => server.listen(sock, res));
  const conf = fb.write('ha-notify.conf', [
    `HA_VIP_MODE=${opts.mode ?? 'arp'}`, `HA_STATE_DIR=${fb.path('state')}`, 'HA_LOG=stderr',
    `HA_HOLD=${opts.hold === false ? fb.path('missing') : fb.path('bin/ha-hold')}`, `HA_CONNTRACKD=${opts.script === 'missing' ? fb.path('bin/nothing-here.sh') : fb.path('bin/conntrackd-ha.sh')}`,
    `HA_BGP=${fb.path('bin/ha-bgp')}`, "HA_HOLD_TABLE='inet natgw'", `HA_HOLD_SINCE=${fb.path('since')}`, `HA_CONNTRACKD_SOCKET=${sock}`,
  ].join('\n'));
  const fifo = fb.write('fifo', lines.join('\n') + '\n');
  const audit = [
    'import runpy, sys',
    `LOG = ${JSON.stringify(log)}`,
    'def hook(event, args):',
    '    if event in ("subprocess.Popen", "os.posix_spawn", "os.fork", "os.exec", "os.system"):',
    '        open(LOG, "a").write("fork " + " ".join(map(str, args[1] if event == "subprocess.Popen" else args[:1])) + "\\n")',
    'sys.addaudithook(hook)',
    'sys.argv = sys.argv[1:]',
    'runpy.run_path(sys.argv[0], run_name="__main__")',
  ].join('\n');
  const r = await new Promise<{ code: number | null; stderr: string }>((res) => {
    const p = spawn('/usr/bin/python3', ['-c', audit, NOTIFY, fifo], {
      env: { ...process.env, PATH: `${fb.bin}:/usr/bin:/bin`, PYTHONPATH: fb.path('py'), HA_NOTIFY_CONF: conf },
    });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => res({ code, stderr }));
  });
  server.close();
  const calls = fb.calls();
  const strip = (c: string) => c.replace(fb.dir, '').replace(/^(fork )?\S*\/bin\//, '$1');
  const warm = (c: string) => c !== WARM_UP;
  return { fb, r, calls: calls.map(strip), actions: calls.filter((c) => !c.startsWith('fork')).map(strip).filter(warm), log: r.stderr.split('\n').filter(Boolean) };
}

const RELEASE = 'nft flush chain inet natgw ha_hold';
/** The read the reader makes at its start, so that its first takeover finds a warm libnftables. */
const WARM_UP = 'nft list chain inet natgw ha_hold';
const HOLD = 'nft flush chain inet natgw ha_hold; add rule inet natgw ha_hold counter name ha_hold_drops drop';

test('MASTER: commit through conntrackd\'s socket, release through libnftables, nothing forked before; then the rest', async (t) => {
  const m = await notify(['INSTANCE "VI_LAN" MASTER 150', 'INSTANCE "VI_WAN" MASTER 150', 'GROUP "G_NAT" MASTER']);
  t.is(m.r.code, 0, m.r.stderr);
  // conntrackd -c is request 46 (ALL_COMMIT); flush, resync and bulk send run after the release.
  t.deepEqual(m.actions, ['conntrackd request 46', RELEASE, 'conntrackd-ha.sh takeover']);
  // The first process the reader starts comes after the release: the audit hook saw nothing before.
  t.deepEqual(m.calls.slice(0, 4), [WARM_UP, 'conntrackd request 46', RELEASE, 'fork conntrackd-ha.sh takeover'], m.calls.join('\n'));
  t.is(readFileSync(m.fb.path('state/VI_LAN.state'), 'utf8'), 'MASTER\n');
  t.is(readFileSync(m.fb.path('state/group-G_NAT.state'), 'utf8'), 'MASTER\n');
  t.true(m.log[0]!.includes('listening on'), m.log[0]);
  t.true(m.log.some((l) => /^conntrackd -c: ok at \d+\.\d{6} \(\d+\.\d ms after the MASTER line\)$/.test(l)), m.log.join('\n'));
  t.true(m.log.some((l) => /^forwarding released at \d+\.\d{6} \(\d+\.\d ms after the MASTER line\)$/.test(l)), m.log.join('\n'));
  t.true(m.log.indexOf('group G_NAT MASTER: done') > m.log.findIndex((l) => l.startsWith('forwarding released')));
  const b = await notify(['GROUP "G_NAT" BACKUP', 'INSTANCE "VI_LAN" BACKUP 150']);
  t.deepEqual(b.actions, ['conntrackd-ha.sh backup', HOLD]);
  t.regex(readFileSync(b.fb.path('since'), 'utf8'), /^\d{10}\n$/);
  t.is(readFileSync(b.fb.path('state/VI_LAN.state'), 'utf8'), 'BACKUP\n');
  t.deepEqual((await notify(['GROUP "G_NAT" FAULT'])).actions, [HOLD, 'conntrackd-ha.sh fault']);
});

test('bgp mode: the announcement as primary is the first process, right after the release; backup and fault demote first', async (t) => {
  const b = await notify(['GROUP "G_NAT" MASTER'], { mode: 'bgp' });
  t.deepEqual(b.calls.slice(1, 5), ['conntrackd request 46', RELEASE, 'fork ha-bgp primary VRRP MASTER', 'ha-bgp primary VRRP MASTER']);
  t.deepEqual(b.actions, ['conntrackd request 46', RELEASE, 'ha-bgp primary VRRP MASTER', 'conntrackd-ha.sh takeover']);
  t.deepEqual((await notify(['GROUP "G_NAT" BACKUP'], { mode: 'bgp' })).actions, ['ha-bgp secondary VRRP BACKUP', 'conntrackd-ha.sh backup', HOLD]);
  t.deepEqual((await notify(['GROUP "G_NAT" FAULT'], { mode: 'bgp' })).actions, ['ha-bgp secondary VRRP FAULT', HOLD, 'conntrackd-ha.sh fault']);
});

test('degraded paths: no hold script, no libnftables, conntrackd not answering', async (t) => {
  const none = await notify(['GROUP "G_NAT" MASTER'], { hold: false });
  t.deepEqual(none.actions, ['conntrackd request 46', 'conntrackd-ha.sh takeover']);
  t.true(none.log.some((l) => l.includes('traffic not held (off)')), none.log.join('\n'));
  // Without python3-nftables the hold is forked, and the log says so once, at the start.
  const fork = await notify(['GROUP "G_NAT" MASTER', 'GROUP "G_NAT" BACKUP'], { nftables: false });
  t.deepEqual(fork.actions, ['conntrackd request 46', 'ha-hold off takeover of G_NAT', 'conntrackd-ha.sh takeover', 'conntrackd-ha.sh backup', 'ha-hold on VRRP BACKUP']);
  t.true(fork.log.some((l) => l.startsWith('warning: libnftables unavailable')), fork.log.join('\n'));
  // libnftables failing at the takeover: the release falls back to forking ha-hold, and says so.
  const raises = await notify(['GROUP "G_NAT" MASTER', 'INSTANCE "VI_LAN" MASTER 150'], { nftables: 'raises' });
  t.is(raises.r.code, 0, raises.r.stderr);
  t.deepEqual(raises.actions, ['conntrackd request 46', RELEASE, 'ha-hold off takeover of G_NAT', 'conntrackd-ha.sh takeover']);
  t.true(raises.log.some((l) => /^warning: nft flush chain inet natgw ha_hold failed \(OSError: netlink gone\): releasing by forking .*ha-hold$/.test(l)), raises.log.join('\n'));
  t.true(raises.log.some((l) => l.startsWith('forwarding released at')));
  t.is(readFileSync(raises.fb.path('state/VI_LAN.state'), 'utf8'), 'MASTER\n');
  // A script that is not there fails its step like a shell's exit 127; the hold still happens.
  const missing = await notify(['GROUP "G_NAT" BACKUP', 'INSTANCE "VI_LAN" BACKUP 150'], { script: 'missing' });
  t.deepEqual(missing.actions, [HOLD]);
  t.true(missing.log.some((l) => /^warning: .*nothing-here\.sh backup \(.*No such file or directory\): failed \(exit 127\)$/.test(l)), missing.log.join('\n'));
  t.is(readFileSync(missing.fb.path('state/VI_LAN.state'), 'utf8'), 'BACKUP\n');
  // A commit that cannot happen must not keep the traffic held: release anyway, and say what it costs.
  const down = await notify(['GROUP "G_NAT" MASTER'], { conntrackd: 'missing' });
  t.deepEqual(down.actions, [RELEASE, 'conntrackd-ha.sh takeover']);
  t.true(down.log.some((l) => /^warning: conntrackd -c: failed \(.*ctd\.sock.*\): releasing anyway/.test(l)), down.log.join('\n'));
});

/** ha-notify on a real fifo held open (as keepalived holds it), two MASTER lines, then SIGTERM while systemd says keepalived's unit is UNIT_STATE. */
async function terminated(unitState: string) {
  const fb = new FakeBin({ systemctl: `echo ${unitState}` });
  const state = fb.path('state');
  const conf = fb.write('ha-notify.conf', [`HA_STATE_DIR=${state}`, 'HA_LOG=stderr', `HA_HOLD=${fb.path('missing')}`].join('\n'));
  const fifo = fb.path('fifo');
  if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
  const p = spawn('/usr/bin/python3', [NOTIFY, fifo], { env: { ...process.env, PATH: `${fb.bin}:/usr/bin:/bin`, HA_NOTIFY_CONF: conf } });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((res) => p.on('close', (code) => res(code)));
  const w = await open(fifo, 'w');
  await w.write('INSTANCE "VI_LAN" MASTER 150\nINSTANCE "VI_WAN" MASTER 150\n');
  const read = (n: string) => (existsSync(join(state, `${n}.state`)) ? readFileSync(join(state, `${n}.state`), 'utf8') : '');
  for (let i = 0; i < 100 && read('VI_WAN') !== 'MASTER\n'; i++) await new Promise((r) => setTimeout(r, 50));
  const before = read('VI_LAN');
  p.kill('SIGTERM');
  const code = await closed;
  await w.close();
  return { before, code, stderr, lan: read('VI_LAN'), wan: read('VI_WAN'), calls: fb.calls() };
}

test('SIGTERM while systemd stops keepalived (its whole cgroup): every recorded state becomes STOP', async (t) => {
  const r = await terminated('deactivating');
  t.is(r.before, 'MASTER\n');
  t.is(r.code, 0, r.stderr);
  t.is(r.lan, 'STOP\n');
  t.is(r.wan, 'STOP\n');
  t.deepEqual(r.calls, ['systemctl show --property=ActiveState --value -- keepalived.service']);
  t.regex(r.stderr, /SIGTERM: keepalived\.service is deactivating, VRRP states recorded as STOP/);
});

test('SIGTERM from a keepalived reload (it starts another reader, and no state line follows): the states stay', async (t) => {
  for (const unitState of ['reloading', 'active']) {
    const r = await terminated(unitState);
    t.is(r.code, 0, r.stderr);
    t.is(r.lan, 'MASTER\n', unitState);
    t.is(r.wan, 'MASTER\n', unitState);
    t.regex(r.stderr, /VRRP states kept/);
  }
});
