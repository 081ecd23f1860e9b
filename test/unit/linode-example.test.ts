import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from '../helpers/cli.ts';

// The production example must stay a working inventory: every variable present and valid for
// both VIP modes, checked by rendering what each gateway would receive (no host is contacted).
for (const [host, mode] of [['gw-a', 'bgp'], ['gw-c', 'arp']] as const) {
  test(`inventory/linode.example.yml renders the whole site for ${host} (${mode} mode)`, async (t) => {
    const out = mkdtempSync(join(tmpdir(), `tsp-linode-${host}-`));
    // What the production vault would hold (docs/vault.md), made up for the test.
    const key = () => randomBytes(32).toString('base64');
    // Beside the output, not in it: render refuses a non-empty directory it did not write.
    const vault = join(mkdtempSync(join(tmpdir(), `tsp-linode-vault-${host}-`)), 'vault.json');
    writeFileSync(vault, JSON.stringify({ vault_sync_psk: key(), vault_sync_wg_private_keys: { 'gw-a': key(), 'gw-b': key() }, vault_alert_webhook_url: 'https://alerts.example.net/hook' }));
    const r = await tsplay(['render', 'playbooks/site.ts', '-i', 'inventory/linode.example.yml', '--host', host, '--out', out, '-e', `@${vault}`]);
    t.is(r.code, 0, r.stderr);
    const conf = readFileSync(join(out, 'etc/keepalived/keepalived.conf'), 'utf8');
    t.regex(conf, /^\tinterface eth1$/m);
    if (mode === 'bgp') {
      t.regex(readFileSync(join(out, 'etc/wireguard/wg-sync.conf'), 'utf8'), /Endpoint = 192\.168\.200\.2:51820/);
      t.regex(readFileSync(join(out, 'etc/conntrackd/conntrackd.conf'), 'utf8'), /Interface wg-sync/);
      t.regex(conf, /192\.0\.2\.10\/32 dev lo/, 'the shared IP goes on the MASTER\'s lo');
      t.regex(conf, /192\.168\.100\.1\/24 dev eth1/, 'the VLAN VIP still moves by ARP');
      // What an operator puts on a real Linode pair: Linode's four route servers for the data centre.
      const frr = readFileSync(join(out, 'etc/frr/frr.conf'), 'utf8');
      for (let i = 1; i <= 4; i++) t.regex(frr, new RegExp(`^ neighbor 2600:3c0f:14:34::${i} peer-group RS$`, 'm'));
      t.regex(frr, /^  network 192\.0\.2\.10\/32 route-map secondary$/m);
      t.regex(readFileSync(join(out, 'etc/nftables.conf'), 'utf8'), /ip6 saddr \{ 2600:3c0f:14:34::1, .* \} tcp dport 179/);
    } else {
      t.regex(conf, /10\.0\.10\.1\/24 dev eth0/);
      t.throws(() => readFileSync(join(out, 'etc/frr/frr.conf')), undefined, 'no FRR in arp mode');
    }
    t.regex(readFileSync(join(out, 'etc/nftables.conf'), 'utf8'), /snat ip to 19?[0-9.]+/);
  });
}
