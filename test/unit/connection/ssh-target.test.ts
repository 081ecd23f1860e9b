import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { jumpsFromSshArgs, parseJumpList } from '../../../src/connection/jump.ts';
import { SshConfig } from '../../../src/connection/ssh-config.ts';
import { sshTarget } from '../../../src/session/connect.ts';

const dir = mkdtempSync(join(tmpdir(), 'h17-target-'));
writeFileSync(
  join(dir, 'config'),
  ['Host gw1', '  HostName 10.0.0.11', '  User deploy', '  Port 2222', '  ProxyJump bastion', '  IdentityFile /keys/gw', 'Host 10.0.0.12', '  User cfg', '  Port 2200',
    'Host bastion', '  HostName 198.51.100.7', '  User jump', '  Port 2022', '  ProxyJump outer', 'Host outer', '  HostName 203.0.113.1', ''].join('\n'),
);
const config = SshConfig.load(join(dir, 'config'));
const base = { acceptNewHostKeys: false, knownHosts: '/tmp/kh', sshConfig: config };

test('jump lists and the ssh argument forms Ansible inventories use', (t) => {
  t.deepEqual(parseJumpList('a,ops@b:2022,[2001:db8::1]:22', 'x'), [{ host: 'a' }, { user: 'ops', host: 'b', port: 2022 }, { host: '2001:db8::1', port: 22 }]);
  t.is(parseJumpList('none', 'x'), 'none');
  t.throws(() => parseJumpList('a:99999', 'x'), { message: /bad port '99999'/ });
  t.throws(() => parseJumpList('a,', 'x'), { message: /bad jump host ''/ });
  t.deepEqual(jumpsFromSshArgs('-o StrictHostKeyChecking=no -J ops@bastion:2200', 'v'), [{ user: 'ops', host: 'bastion', port: 2200 }]);
  t.deepEqual(jumpsFromSshArgs('-o ProxyJump=bastion', 'v'), [{ host: 'bastion' }]);
  t.deepEqual(jumpsFromSshArgs('-oProxyJump=a,b', 'v'), [{ host: 'a' }, { host: 'b' }]);
  t.deepEqual(jumpsFromSshArgs(`-o ProxyCommand="ssh -W %h:%p -q -p 2200 -i ~/.ssh/b ops@bastion"`, 'v'), [{ user: 'ops', host: 'bastion', port: 2200, identityFile: '~/.ssh/b' }]);
  t.is(jumpsFromSshArgs('-o ProxyJump=none', 'v'), 'none');
  t.is(jumpsFromSshArgs('-o ServerAliveInterval=5', 'v'), undefined);
  t.throws(() => jumpsFromSshArgs('-o ProxyCommand="nc -X 5 %h %p"', 'v'), { message: /only 'ssh -W %h:%p/ });
});

test('inventory variables beat the ssh config where ssh gets them on its command line; HostName and ProxyJump come from the config', (t) => {
  const bare = sshTarget('gw1', {}, {}, base);
  t.like(bare, { address: '10.0.0.11', user: 'deploy', port: 2222, identityFiles: ['/keys/gw'], become: true });
  // The first hop's own ProxyJump leads the chain, as ssh -J does.
  t.deepEqual(bare.jumps!.map((j) => [j.name, j.address, j.port, j.user]), [
    ['outer', '203.0.113.1', 22, userInfo().username],
    ['bastion', '198.51.100.7', 2022, 'jump'],
  ]);
  const inv = sshTarget('gw1', { ansible_user: 'root', ansible_port: 22, ansible_ssh_private_key_file: '/keys/inv' }, {}, base);
  t.like(inv, { address: '10.0.0.11', user: 'root', port: 22, privateKeyFile: '/keys/inv', become: false });
  // ansible_host is what ssh is asked for: the config's blocks match it, not the inventory name.
  const byAddress = sshTarget('gw2', { ansible_host: '10.0.0.12' }, {}, base);
  t.like(byAddress, { address: '10.0.0.12', user: 'cfg', port: 2200 });
  t.is(byAddress.jumps, undefined);
  const viaArgs = sshTarget('gw1', { ansible_ssh_common_args: '-J ops@other:2200' }, {}, base);
  t.deepEqual(viaArgs.jumps!.map((j) => [j.name, j.address, j.port, j.user]), [['ops@other:2200', 'other', 2200, 'ops']]);
  t.is(sshTarget('gw1', { ansible_ssh_common_args: '-o ProxyJump=none' }, {}, base).jumps, undefined);
});

test('an invalid port or an empty host is bad input naming the host and where it was set, never port 22 or localhost', (t) => {
  const o = { ansible_port: 'inventory/lab.yml:12', ansible_host: 'inventory/lab.yml:11' };
  t.throws(() => sshTarget('gw1', { ansible_port: 'ssh' }, o, base), { message: 'gw1: ansible_port (inventory/lab.yml:12) must be a port from 1 to 65535, got "ssh"' });
  t.throws(() => sshTarget('gw1', { ansible_port: 0 }, o, base), { message: /must be a port from 1 to 65535, got 0/ });
  t.throws(() => sshTarget('gw1', { ansible_port: 70000 }, {}, base), { message: /gw1: ansible_port must be a port/ });
  t.throws(() => sshTarget('gw1', { ansible_host: '' }, o, base), { message: 'gw1: ansible_host (inventory/lab.yml:11) must be a host name or address, got nothing' });
  t.throws(() => sshTarget('gw1', { ansible_host: null }, o, base), { message: /got nothing/ });
  t.throws(() => sshTarget('gw1', { ansible_ssh_common_args: '-J bastion:x' }, { ansible_ssh_common_args: '-e' }, base), { message: /gw1: ansible_ssh_common_args \(-e\) \(-J\): jump host 'bastion:x': bad port 'x'/ });
  t.like(sshTarget('gw1', { ansible_port: '2200' }, {}, base), { port: 2200 });
});

test('the lab\'s bastion inventory reaches the gateways at their inner address through the bastion, with the lab key', async (t) => {
  const { openInventory } = await import('../../../src/session/inventory-source.ts');
  const { lazyDecryptor } = await import('../../../src/session/vault-password.ts');
  const inv = await openInventory(['inventory/lab.yml', 'inventory/lab-bastion.yml'], lazyDecryptor(undefined));
  const hv = inv.source.hostVars('gw2');
  const target = sshTarget('gw2', hv.vars, hv.origins, { acceptNewHostKeys: false });
  t.like(target, { address: '198.18.3.12', port: 22, user: 'root' });
  t.deepEqual(target.jumps, [{ name: 'root@198.18.0.5', address: '198.18.0.5', port: 22, user: 'root', privateKeyFile: join(process.cwd(), '.lab/id_ed25519'), identityFiles: [] }]);
  t.deepEqual(hv.vars.mgmt_allow, ['198.18.0.0/24', '198.18.3.0/24']);
  t.is(sshTarget('monitor', inv.source.hostVars('monitor').vars, {}, { acceptNewHostKeys: false }).jumps, undefined);
});
