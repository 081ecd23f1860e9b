import test from 'ava';
import { tsplay } from '../../helpers/cli.ts';
import { setup, TOKEN, type Setup } from './inventory-helpers.ts';

// ts-play itself (bin/ts-play.js) planning against an inventory read from the fake account:
// only --list-* here, which never connect to a host.
const BOOK = 'test/fixtures/playbooks/linode.ts';

function cliSetup(t: Parameters<typeof setup>[0], config = ''): Promise<Setup> {
  const files = { 'group_vars/all.yml': 'linode_api_url: $API_URL\n', 'group_vars/gateways.yml': 'linode_ip_share: true\nlinode_shared_ipv4: 203.0.113.101\n' };
  return setup(t, config, files, undefined, { tokenFile: false });
}

const run = (s: Setup, args: string[], token = TOKEN) => tsplay([BOOK, '-i', s.inventory, ...args], { env: { LINODE_TOKEN: token } });

test('--list-hosts and --limit plan against the account; a second listing is served from the cache', async (t) => {
  const s = await cliSetup(t);
  const all = await run(s, ['--list-hosts']);
  t.is(all.code, 0, all.stderr);
  t.regex(all.stdout, /^play "linode pairs" \(12 hosts\)\n {2}gw-ams-1-a\n/);
  // `all` in Ansible's order: the hosts of all's child groups breadth first, not first appearance.
  t.regex(all.stdout, /play "everything else" \(4 hosts\)\n {2}bastion-ams\n {2}private-only-ams\n {2}ci-runner-ord\n {2}db-fra-1\n$/);
  const calls = s.fake.seen.length;
  t.is(calls, 1);
  const limited = await run(s, ['--list-hosts', '--limit', 'pair_fra_2']);
  t.is(limited.stdout, 'play "linode pairs" (2 hosts)\n  gw-fra-2-a\n  gw-fra-2-b\nplay "everything else" (0 hosts)\n');
  t.is(s.fake.seen.length, calls, 'no API call: the cache answered');
});

test('--list-tasks shows the control-side tasks built from the inventory variables', async (t) => {
  const s = await cliSetup(t);
  const r = await run(s, ['--list-tasks', '--limit', 'region_us_ord:&gateways']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^ {2}gw-ord-1-a:\n {4}linode_ip_share : Linode IP Sharing: 203\.0\.113\.101 between gw-ord-1-a and gw-ord-1-b {2}\[linode_ip_share, linode\]\n {4}linode_ip_share : Linode VLAN interface on gw-ord-1-a/m);
  t.deepEqual(s.fake.writes(), []);
});

test('a refused token exits 1 naming the file, the token source and the scope, never the token', async (t) => {
  const s = await cliSetup(t);
  const secret = 'revoked-9f8e7d6c5b4a';
  const r = await run(s, ['--list-hosts'], secret);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^ts-play: .*inventory\/linode\.yml:1: reading the Linode account failed: GET \/v4beta\/linode\/instances\?page=1&page_size=500: 401 Invalid Token: the Linode API did not accept the token from LINODE_TOKEN \(environment\) \(expired, revoked or mistyped\): create a personal access token with linodes:read_only\n$/);
  t.false((r.stdout + r.stderr).includes(secret));
  t.false((r.stdout + r.stderr).includes(TOKEN));
});

test('an unknown key in the Linode inventory exits 1 with file and line', async (t) => {
  const s = await cliSetup(t, 'regoins: [nl-ams]\n');
  const r = await run(s, ['--list-hosts']);
  t.is(r.code, 1);
  t.regex(r.stderr, /inventory\/linode\.yml:6: unknown key 'regoins' in a Linode inventory/);
  t.is(s.fake.seen.length, 0);
});
