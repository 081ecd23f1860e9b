// Issue 14: forwarding is never left held. A hold nobody releases (a killed run, a notify script
// that died mid-takeover, a manual `ha-hold on`) expires on the node that forwards; a backup keeps
// its hold. ha-hold runs on a real sh with fake nft and ip that keep their state in files.
import test from 'ava';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { nftables } from '../../../roles/nftables/index.ts';
import { buildRole, labNetwork } from '../../helpers/role-fixture.ts';
import { FakeBin } from '../../helpers/fake-bin.ts';

function setup(vars: Record<string, unknown> = {}) {
  const fb = new FakeBin({
    // held: a drop rule in chain ha_hold; chain: the ruleset is loaded.
    nft: `s="${'$'}{0%/bin/nft}"
case "$*" in
  'list chain inet natgw ha_hold') [ -f "$s/chain" ] || exit 1; echo 'chain ha_hold {'; [ -f "$s/held" ] && echo '  counter name "ha_hold_drops" drop'; echo '}' ;;
  '-f -') cat >/dev/null; touch "$s/held" ;;
  'flush chain inet natgw ha_hold') rm -f "$s/held" ;;
esac`,
    ip: `s="${'$'}{0%/bin/ip}"; [ -f "$s/owner" ] && echo '3: lan    inet 198.18.1.1/24 scope global lan'; exit 0`,
    logger: 'exit 0',
  });
  const f = buildRole(nftables, { ...labNetwork('gw1'), ...vars });
  t0(f.errors);
  const script = fb.write('ha-hold', f.files.get('/usr/local/sbin/ha-hold')!.content);
  writeFileSync(fb.path('chain'), '');
  const env = { TSP_HA_HOLD_PATH: `${fb.bin}:/usr/bin:/bin`, TSP_HA_HOLD_RUN: fb.dir };
  const run = (verb: string) => fb.run(script, [verb], env);
  const since = (ago: number) => writeFileSync(fb.path('ha-hold.since'), `${Math.floor(Date.now() / 1000) - ago}\n`);
  const flag = (name: string, on: boolean) => (on ? writeFileSync(fb.path(name), '') : rmIf(fb.path(name)));
  return { fb, run, since, flag, held: () => existsSync(fb.path('held')) };
}
function t0(errors: string[]) {
  if (errors.length) throw new Error(errors.join('; '));
}
function rmIf(p: string) {
  rmSync(p, { force: true });
}

test('a hold older than nftables_hold_max on the VIP owner is released by the guard', (t) => {
  const h = setup();
  h.flag('owner', true);
  t.is(h.run('on').code, 0);
  t.true(h.held());
  h.since(20);
  t.is(h.run('guard').code, 0);
  t.false(h.held(), 'released');
  t.true(h.fb.calls().some((c) => /^logger .*forwarding released \(guard: held 2\d s on the forwarding node, nobody released it\)/.test(c)));
});

test('a fresh hold on the owner (a takeover committing) is left alone', (t) => {
  const h = setup();
  h.flag('owner', true);
  h.run('on');
  h.since(3);
  h.run('guard');
  t.true(h.held());
});

test('a backup keeps its hold, however old', (t) => {
  const h = setup();
  h.run('on');
  h.since(3600);
  h.run('guard');
  t.true(h.held());
});

test('a hold set by something else (no since file) starts the clock, then expires', (t) => {
  const h = setup();
  h.flag('owner', true);
  h.flag('held', true);
  h.run('guard');
  t.true(h.held());
  t.true(existsSync(h.fb.path('ha-hold.since')));
  h.since(16);
  h.run('guard');
  t.false(h.held());
});

test('no ruleset loaded: the guard has nothing to do and exits 0', (t) => {
  const h = setup();
  h.flag('chain', false);
  t.is(h.run('guard').code, 0);
});

test('bgp mode: the WAN VIP is on lo, so the LAN VIP (moved by ARP in both modes) decides who forwards', (t) => {
  const h = setup({ keepalived_vip_mode: 'bgp', bgp_route_servers: ['2001:2:0:34::1'] });
  h.flag('owner', true);
  h.run('on');
  t.is(h.run('sync').code, 0);
  t.false(h.held(), 'sync releases the node holding the LAN VIP');
  h.run('on');
  h.since(30);
  h.run('guard');
  t.false(h.held());
  h.flag('owner', false);
  h.run('sync');
  t.true(h.held(), 'a node without the LAN VIP holds');
});

test('the guard timer and service are installed where systemd runs, with the expiry from inventory', (t) => {
  const f = buildRole(nftables, { ...labNetwork('gw1'), nftables_hold_max: 20 });
  t.regex(f.files.get('/etc/systemd/system/ha-hold-guard.timer')!.content, /^OnUnitActiveSec=5s$/m);
  t.regex(f.files.get('/etc/systemd/system/ha-hold-guard.service')!.content, /^ExecStart=\/usr\/local\/sbin\/ha-hold guard$/m);
  t.regex(f.files.get('/usr/local/sbin/ha-hold')!.content, /^MAX=20$/m);
  t.regex(buildRole(nftables, { ...labNetwork('gw1'), nftables_hold_max: 2 }).errors.join(), /nftables_hold_max must be a whole number 5-600/);
});
