import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nftables, { NFT_COUNTERS } from '../../../roles/nftables/index.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';

// npm puts an unrelated `nft` package binary on PATH under npx: use the system's.
const NFT = '/usr/sbin/nft';
const gw1 = () => buildRole(nftables, labNetwork('gw1'));

function ruleset(vars: Record<string, unknown> = {}): string {
  const f = buildRole(nftables, { ...labNetwork('gw1'), ...vars });
  if (f.errors.length) throw new Error(f.errors.join('; '));
  return f.files.get('/etc/nftables.conf')!.content;
}

/** `nft -c` in a throwaway network namespace: the machine's own ruleset is never involved. */
function nftCheck(text: string): { code: number; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-nft-'));
  const path = join(dir, 'nftables.conf');
  writeFileSync(path, text);
  const r = spawnSync('unshare', ['-n', NFT, '-c', '-f', path], { encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

/** The chain's lines, from its header to its closing brace. */
function chain(text: string, name: string): string[] {
  const lines = meaningfulLines(text);
  const start = lines.indexOf(`chain ${name} {`);
  if (start < 0) throw new Error(`no chain ${name}`);
  return lines.slice(start + 1, lines.indexOf('}', start));
}

test('the ruleset replaces only its own table, atomically, and never flushes the ruleset', (t) => {
  const lines = meaningfulLines(ruleset());
  t.deepEqual(lines.slice(0, 3), ['table inet natgw', 'delete table inet natgw', 'table inet natgw {']);
  t.false(lines.some((l) => /flush\s+ruleset/.test(l)));
  t.false(lines.some((l) => /masquerade/.test(l)));
});

test('input: default drop, loopback, VRRP and sync only from the peer, SSH/metrics allow-lists, logged drop last', (t) => {
  const text = ruleset();
  const input = chain(text, 'input');
  t.is(input[0], 'type filter hook input priority filter; policy drop;');
  t.true(input.includes('iif "lo" accept'));
  t.true(input.indexOf('ip protocol 112 jump vrrp') < input.indexOf('ct state established,related accept'), 'VRRP is checked before the conntrack shortcut');
  t.true(input.includes('iifname "sync" ip saddr 198.18.2.2 udp dport 3780 counter name sync_in accept'));
  t.true(input.includes('ct state invalid counter name invalid drop'));
  t.true(input.includes('tcp dport 22 ip saddr @mgmt_allow counter name ssh_in accept'));
  t.true(input.includes('tcp dport 9100 ip saddr @metrics_allow counter name metrics_in accept'));
  t.true(input.includes('icmp type echo-request limit rate 10/second burst 20 packets accept'));
  t.deepEqual(input.slice(-2), [
    'limit rate 5/minute burst 10 packets counter name log_input log prefix "natgw input drop: "',
    'counter name input_drops drop',
  ]);
  t.deepEqual(chain(text, 'vrrp'), [
    'iifname "lan" ip saddr 198.18.1.3 counter name vrrp_in accept',
    'iifname "wan" ip saddr 198.19.0.3 counter name vrrp_in accept',
    'limit rate 5/minute burst 10 packets counter name log_vrrp log prefix "natgw vrrp drop: "',
    'counter name vrrp_foreign drop',
  ]);
});

test('forward: ha_hold first, LAN network to WAN only; nat: snat to the WAN VIP', (t) => {
  const text = ruleset();
  const fwd = chain(text, 'forward');
  t.is(fwd[0], 'type filter hook forward priority filter; policy drop;');
  t.is(fwd[1], 'jump ha_hold');
  t.true(fwd.includes('iifname "lan" oifname "wan" ip saddr 198.18.1.0/24 counter name forward_lan_wan accept'));
  t.is(fwd.at(-1), 'counter name forward_drops drop');
  t.deepEqual(chain(text, 'ha_hold'), []);
  t.deepEqual(chain(text, 'postrouting'), [
    'type nat hook postrouting priority srcnat; policy accept;',
    'oifname "wan" ip saddr 198.18.1.0/24 counter name nat_lan_wan snat ip to 198.19.0.1',
  ]);
});

test('every counter the rules name is declared, and the allow-lists come from inventory', (t) => {
  const text = ruleset({ mgmt_allow: ['198.18.0.1/32', '10.9.0.0/16'], metrics_allow: ['198.18.0.41/32'] });
  const used = new Set([...text.matchAll(/counter name (\w+)/g)].map((m) => m[1]));
  for (const c of used) t.true(NFT_COUNTERS.includes(c as (typeof NFT_COUNTERS)[number]), `${c} declared`);
  for (const c of NFT_COUNTERS) t.regex(text, new RegExp(`^\\tcounter ${c} \\{`, 'm'));
  t.regex(text, /set mgmt_allow \{[^}]*elements = \{ 198\.18\.0\.1\/32, 10\.9\.0\.0\/16 \}/);
  t.regex(text, /set metrics_allow \{[^}]*elements = \{ 198\.18\.0\.41\/32 \}/);
});

test('gw2 gets its own peer addresses', (t) => {
  const f = buildRole(nftables, labNetwork('gw2'), 'gw2');
  const vrrp = chain(f.files.get('/etc/nftables.conf')!.content, 'vrrp');
  t.is(vrrp[0], 'iifname "lan" ip saddr 198.18.1.2 counter name vrrp_in accept');
});

test('the rendered ruleset passes `nft -c` (in a throwaway namespace), with the atomic replace loading twice', (t) => {
  const text = ruleset({ mgmt_allow: ['198.18.0.0/24', '10.0.0.0/8'] });
  const r = nftCheck(text);
  t.is(r.code, 0, r.stderr);
  // Loading for real twice in a private namespace proves the table/delete/table idiom replaces.
  const dir = mkdtempSync(join(tmpdir(), 'tsp-nft-'));
  writeFileSync(join(dir, 'n.conf'), text);
  const out = execFileSync('unshare', ['-n', 'sh', '-c', '"$2" -f "$1" && "$2" -f "$1" && "$2" list tables', 'sh', join(dir, 'n.conf'), NFT], { encoding: 'utf8' });
  t.is(out.trim(), 'table inet natgw');
});

test('the bgp-mode ruleset (BGP and BFD from the route servers) passes `nft -c` too', (t) => {
  const text = ruleset({ keepalived_vip_mode: 'bgp', bgp_route_servers: ['2001:2:0:34::1', '2001:2:0:34::2'] });
  t.regex(text, /tcp dport 179/);
  const r = nftCheck(text);
  t.is(r.code, 0, r.stderr);
});

test('nft -c catches a broken ruleset (the check is real)', (t) => {
  const r = nftCheck(ruleset().replace('policy drop;', 'policy dorp;'));
  t.not(r.code, 0);
  t.regex(r.stderr, /nftables.conf:\d+:.*Error/);
});

test('files, modes and the guarded activation', (t) => {
  const f = gw1();
  t.is(f.files.get('/etc/nftables.conf')!.mode, '0600');
  t.is(f.files.get('/usr/local/sbin/ha-hold')!.mode, '0700');
  const dropin = meaningfulLines(f.files.get('/etc/systemd/system/nftables.service.d/50-ts-play.conf')!.content);
  t.true(dropin.includes('ExecStop='));
  t.true(dropin.includes('ExecStop=-/usr/sbin/nft delete table inet natgw'));
  t.false(dropin.some((l) => l.includes('flush ruleset')));
  const ruleTask = f.tasks.find((x) => x.renders?.path === '/etc/nftables.conf')!;
  t.is(ruleTask.module, 'guardedFile');
  const plain = buildRole(nftables, { ...labNetwork('gw1'), nftables_confirm_timeout: 0 });
  const p = plain.tasks.find((x) => x.renders?.path === '/etc/nftables.conf');
  t.is(p?.module, 'file');
  t.deepEqual(p?.notify, ['reload nftables']);
  t.deepEqual(plain.handlers['reload nftables']!.map((h) => h.name), ['nft -f /etc/nftables.conf', 'ha-hold sync']);
});

test('ha-hold script: table, the LAN VIP and its interface from inventory (ARP-moved in both modes), and valid sh', (t) => {
  const text = gw1().files.get('/usr/local/sbin/ha-hold')!.content;
  t.true(text.includes("TABLE='inet natgw'"));
  t.true(text.includes("VIP='198.18.1.1'"));
  t.true(text.includes("IFACE='lan'"));
  const dir = mkdtempSync(join(tmpdir(), 'tsp-hold-'));
  writeFileSync(join(dir, 'ha-hold'), text);
  t.is(spawnSync('sh', ['-n', join(dir, 'ha-hold')]).status, 0);
});

test('bad values are refused before any host, naming the variable', (t) => {
  const errs = (vars: Record<string, unknown>) => buildRole(nftables, { ...labNetwork('gw1'), ...vars }).errors.join('\n');
  t.regex(errs({ mgmt_allow: [] }), /mgmt_allow must list at least one network/);
  t.regex(errs({ metrics_allow: ['10.0.0.0/33'] }), /metrics_allow: "10\.0\.0\.0\/33" is not an IPv4 network/);
  t.regex(errs({ conntrackd_port: 70000 }), /conntrackd_port must be a port number/);
  t.regex(errs({ nftables_table: 'my table' }), /nftables_table must be a name/);
  t.regex(errs({ nftables_log_prefix: 'a"b' }), /nftables_log_prefix must be/);
  t.regex(errs({ nftables_confirm_timeout: 3 }), /nftables_confirm_timeout must be 0 \(no guard\) or 10-600/);
  t.regex(errs({ wan_interface: 'lan' }), /three different interfaces/);
  t.regex(errs({ peer_lan_address: '10.0.0.1' }), /peer_lan_address 10\.0\.0\.1 is outside the subnet 198\.18\.1\.0\/24/);
});
