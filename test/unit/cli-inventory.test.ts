import test from 'ava';
import { readFileSync } from 'node:fs';
import { differencesFromAnsible } from '../helpers/ansible-inventory.ts';
import { tsplay } from '../helpers/cli.ts';

const recorded = (name: string) => readFileSync(`test/fixtures/ansible-inventory/${name}`, 'utf8');

test('inventory --list on the lab inventory equals what ansible-inventory printed, the vault redacted', async (t) => {
  const r = await tsplay(['inventory', '--list', '-i', 'inventory/lab.yml']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(differencesFromAnsible(JSON.parse(r.stdout), JSON.parse(recorded('lab.list.json'))), []);
  t.regex(r.stdout, /"vault_vrrp_auth_pass": "<vaulted>"/);
});

test('inventory --graph and --host, and the words it refuses', async (t) => {
  const graph = await tsplay(['inventory', '--graph', '-i', 'inventory/lab.yml']);
  t.is(graph.stdout, recorded('lab.graph.txt'));
  const host = await tsplay(['inventory', '--host', 'gw2', '-i', 'inventory/lab.yml']);
  t.is(JSON.parse(host.stdout).keepalived_priority, 250);
  t.is(JSON.parse(host.stdout).vault_sync_psk, '<vaulted>');
  const shown = await tsplay(['inventory', '--host', 'gw2', '--show-vaulted', '-i', 'inventory/lab.yml']);
  t.not(JSON.parse(shown.stdout).vault_sync_psk, '<vaulted>');
  const none = await tsplay(['inventory', '-i', 'inventory/lab.yml']);
  t.is(none.code, 1);
  t.regex(none.stderr, /one of --list, --graph or --host/);
  const unknown = await tsplay(['inventory', '--host', 'gw9', '-i', 'inventory/lab.yml']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /no host 'gw9'/);
});
