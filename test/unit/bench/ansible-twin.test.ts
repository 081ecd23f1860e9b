// The generator behind the Ansible twin (bench/ansible/): its pure parts, and that what it
// writes is exactly what ts-play's planner would install.
import test from 'ava';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clearBitsMode, extractSpec, ExtractError, parseSysctlFile, stubFacts } from '../../../bench/ansible/extract.ts';
import { generate } from '../../../bench/ansible/generate.ts';
import { renderSysctlFile } from '../../../src/modules/sysctl.ts';
import { file } from '../../../src/modules/index.ts';
import type { PlannedRole } from '../../../src/engine/plan.ts';

const ROOT = join(import.meta.dirname, '../../..');
const LAB_INV = join(ROOT, 'inventory/lab.yml');

test('clearBitsMode turns octal bits to clear into the symbolic mode Ansible takes', (t) => {
  t.is(clearBitsMode('0022'), 'g-w,o-w');
  t.is(clearBitsMode('0027'), 'g-w,o-rwx');
  t.is(clearBitsMode('0700'), 'u-rwx');
  t.throws(() => clearBitsMode('0000'), { instanceOf: ExtractError });
});

test('parseSysctlFile reads back what the sysctl module writes, in order', (t) => {
  const content = renderSysctlFile([['net.ipv4.ip_forward', '1'], ['net.ipv4.conf.eth0/100.rp_filter', '2'], ['net.ipv4.ip_local_port_range', '1024 65000']]);
  t.deepEqual(parseSysctlFile(content), [
    { key: 'net.ipv4.ip_forward', value: '1' },
    { key: 'net.ipv4.conf.eth0/100.rp_filter', value: '2' },
    { key: 'net.ipv4.ip_local_port_range', value: '1024 65000' },
  ]);
  t.throws(() => parseSysctlFile('net.ipv4.ip_forward 1\n'), { message: /not a sysctl line/ });
});

test('a task kind the twin does not know stops the generator, naming role and task', (t) => {
  const mystery = { ...file({ path: '/etc/x', content: 'x' }), module: 'mystery', name: 'do something' };
  const roles: PlannedRole[] = [{ name: 'odd', tasks: [mystery], handlers: new Map() }];
  t.throws(() => extractSpec(roles, stubFacts('systemd')), { message: 'role odd, task "do something" (module mystery): the Ansible twin has no equivalent' });
});

test('site.ts on gw1: files, modes, handlers, directories, permissions and services come from the plan', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'tsp-twin-'));
  const specs = await generate({ playbook: join(ROOT, 'playbooks/site.ts'), inventories: [LAB_INV], limit: 'gw1', out, skipTags: ['lynis'] });
  t.deepEqual([...specs.keys()], ['gw1']);
  const s = specs.get('gw1')!;
  const conf = s.files.find((f) => f.path === '/etc/keepalived/keepalived.conf')!;
  t.like(conf, { owner: 'root', group: 'root', mode: '0600', notify: ['reload keepalived'] });
  t.regex(conf.content, /advert_int 0\.1\n.*\n\tdown_timer_adverts 5/);
  t.deepEqual(s.absent, ['/usr/local/sbin/ha-notify.sh'], 'the shell notify reader earlier versions installed');
  // A guarded file gets the handler ts-play uses without the guard.
  t.deepEqual(s.files.find((f) => f.path === '/etc/nftables.conf')!.notify, ['reload nftables']);
  t.deepEqual(s.dirs.find((d) => d.path === '/var/lib/ha-check'), { path: '/var/lib/ha-check', owner: 'keepalived_script', group: 'keepalived_script', mode: '0755' });
  t.deepEqual(s.permissions.find((p) => p.path === '/usr/local/sbin/ha-check.sh'), { path: '/usr/local/sbin/ha-check.sh', owner: 'root', group: 'root', mode: 'g-w,o-w' });
  t.deepEqual(s.services.find((x) => x.unit === 'keepalived'), { unit: 'keepalived', state: 'started', enabled: true });
  t.true(s.packages.includes('keepalived') && !s.packages.includes('lynis'));
  t.deepEqual(s.users, ['keepalived_script']);
  t.true(s.sysctls.some((x) => x.key === 'net.ipv4.ip_forward' && x.value === '1'));
  // Every file is written byte for byte; the vars file lists it with its source.
  for (const f of s.files) t.is(readFileSync(join(out, 'gw1/files', f.path), 'utf8'), f.content, f.path);
  const vars = parse(readFileSync(join(out, 'gw1/vars.yml'), 'utf8')) as Record<string, any>;
  t.is(vars.tsplay_files.length, s.files.length);
  t.is(vars.tsplay_files[0].src, `files${s.files[0]!.path}`);
  t.is(vars.tsplay_sysctl_args.length, s.sysctls.length * 2);
  t.true(vars.tsplay_sysctl_args.includes('/proc/sys/net/ipv4/ip_forward'));
  t.is(statSync(out).mode & 0o777, 0o700);
});

test('-e reaches the rendered files, as it would in a ts-play run', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'tsp-twin-'));
  const specs = await generate({ playbook: join(ROOT, 'playbooks/site.ts'), inventories: [LAB_INV], limit: 'gw2', out, extraVars: ['keepalived_advert_int=0.3'] });
  t.regex(readFileSync(join(out, 'gw2/files/etc/keepalived/keepalived.conf'), 'utf8'), /advert_int 0\.3/);
  t.true(specs.get('gw2')!.skipped.some((x) => x.includes('lynis')));
});

test('every handler a file can notify is implemented in bench/ansible/handlers.yml', async (t) => {
  const names = new Set((parse(readFileSync(join(ROOT, 'bench/ansible/handlers.yml'), 'utf8')) as Array<{ name: string }>).map((h) => h.name));
  const out = mkdtempSync(join(tmpdir(), 'tsp-twin-'));
  const specs = await generate({ playbook: join(ROOT, 'playbooks/site.ts'), inventories: [LAB_INV], limit: 'gateways', out });
  const light = await generate({ playbook: join(ROOT, 'bench/light.ts'), inventories: [join(ROOT, 'test/unit/bench/light-inventory.yml')], limit: 'light', out, init: 'sysvinit' });
  const notified = new Set([...specs.values(), ...light.values()].flatMap((s) => s.handlers));
  t.true(notified.size >= 5);
  for (const h of notified) t.true(names.has(h), `handlers.yml has no "${h}"`);
});

test('the light play on a host without systemd: sysctl files and the sshd drop-in, no systemd-only work', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'tsp-twin-'));
  const specs = await generate({ playbook: join(ROOT, 'bench/light.ts'), inventories: [join(ROOT, 'test/unit/bench/light-inventory.yml')], limit: 'light', out, init: 'sysvinit' });
  const s = specs.get('node01')!;
  t.deepEqual(s.files.map((f) => f.path), ['/etc/sysctl.d/60-nat-gateway.conf', '/etc/sysctl.d/62-kernel-hardening.conf', '/etc/sysctl.d/61-arp.conf', '/etc/ssh/sshd_config.d/50-hardening.conf']);
  t.deepEqual(s.services, []);
  t.deepEqual(s.packages, []);
  t.true(s.sysctls.some((x) => x.key === 'net.ipv4.conf.mgmt.rp_filter'));
});
