import test from 'ava';
import { randomBytes } from 'node:crypto';
import { nftables } from '../../../roles/nftables/index.ts';
import { synctunnel } from '../../../roles/synctunnel/index.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';

const key = () => randomBytes(32).toString('base64');
const keys = { gw1: key(), gw2: key() };
const psk = key();

function tunnel(node: 'gw1' | 'gw2', extra: Record<string, unknown> = {}) {
  const peer = node === 'gw1' ? 'gw2' : 'gw1';
  return {
    ...labNetwork(node),
    sync_tunnel: 'wireguard',
    sync_interface: 'wg-sync',
    sync_address: node === 'gw1' ? '10.255.255.1/30' : '10.255.255.2/30',
    peer_sync_address: node === 'gw1' ? '10.255.255.2' : '10.255.255.1',
    synctunnel_underlay_interface: 'sync',
    synctunnel_peer_underlay_address: node === 'gw1' ? '198.18.2.2' : '198.18.2.1',
    synctunnel_peer: peer,
    synctunnel_public_keys: { gw1: 'pub1' + keys.gw1.slice(4), gw2: 'pub2' + keys.gw2.slice(4) },
    vault_sync_wg_private_keys: keys,
    vault_sync_psk: psk,
    ...extra,
  };
}

test('without a tunnel the role installs nothing (the lab: dedicated link + allow-list)', (t) => {
  const f = buildRole(synctunnel, labNetwork('gw1'));
  t.deepEqual(f.errors, []);
  t.is(f.tasks.length, 0);
});

test('wireguard: the sync link in a tunnel keyed per node, with the vaulted preshared key, 0600', (t) => {
  const f = buildRole(synctunnel, tunnel('gw1'), 'gw1');
  t.deepEqual(f.errors, []);
  const file = f.files.get('/etc/wireguard/wg-sync.conf')!;
  t.is(file.mode, '0600');
  const l = meaningfulLines(file.content);
  for (const want of [
    'Address = 10.255.255.1/30',
    'ListenPort = 51820',
    `PrivateKey = ${keys.gw1}`,
    `PublicKey = pub2${keys.gw2.slice(4)}`,
    `PresharedKey = ${psk}`,
    'AllowedIPs = 10.255.255.2/32',
    'Endpoint = 198.18.2.2:51820',
  ]) t.true(l.includes(want), want);
  t.true(f.tasks.some((x) => x.name.includes('wg-quick@wg-sync')));
});

test('the firewall admits the tunnel from the peer\'s underlay address only', (t) => {
  const f = buildRole(nftables, { ...tunnel('gw1'), ansible_host: '198.18.0.11' }, 'gw1');
  t.deepEqual(f.errors, []);
  const rules = f.files.get('/etc/nftables.conf')!.content;
  t.regex(rules, /iifname "sync" ip saddr 198\.18\.2\.2 udp dport 51820 counter name sync_in accept/);
  t.regex(rules, /iifname "wg-sync" ip saddr 10\.255\.255\.2 udp dport 3780 counter name sync_in accept/);
  t.notRegex(buildRole(nftables, { ...labNetwork('gw1'), ansible_host: '198.18.0.11' }).files.get('/etc/nftables.conf')!.content, /51820/);
});

test('bad tunnel settings are refused, naming the variable and never the secret', (t) => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ vault_sync_psk: 'short' }, /^vault_sync_psk must be a WireGuard key/],
    [{ vault_sync_wg_private_keys: { gw2: keys.gw2 } }, /^vault_sync_wg_private_keys\.gw1 must be a WireGuard key/],
    [{ synctunnel_peer: '' }, /synctunnel_peer .* is required/],
    [{ sync_interface: 'sync' }, /sync_interface must be the tunnel \(wg-sync\)/],
    [{ synctunnel_peer_underlay_address: 'nope' }, /synctunnel_peer_underlay_address must be an IPv4 address/],
    [{ sync_tunnel: 'ipsec' }, /sync_tunnel must be "none" or "wireguard"/],
  ];
  for (const [extra, want] of cases) {
    const errors = buildRole(synctunnel, tunnel('gw1', extra), 'gw1').errors;
    t.true(errors.some((e) => want.test(e)), `${JSON.stringify(extra)} -> ${errors.join('; ')}`);
    t.false(errors.join(' ').includes(psk));
    t.false(errors.join(' ').includes(keys.gw1));
  }
});
