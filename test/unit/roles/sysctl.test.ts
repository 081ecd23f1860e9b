import test from 'ava';
import { sysctlLive } from '../../helpers/sysctl-live.ts';
import sysctl from '../../../roles/sysctl/index.ts';
import { KERNEL_HARDENING } from '../../../roles/sysctl/keys.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { makeFacts } from '../../helpers/facts.ts';

const lab = labNetwork('gw1');
const lines = (f: ReturnType<typeof buildRole>, path: string) => meaningfulLines(f.files.get(path)!.content);

test('routing file: forwarding on, loose rp_filter on all/default/LAN/WAN, redirects and source routes off', (t) => {
  const l = lines(buildRole(sysctl, lab), '/etc/sysctl.d/60-nat-gateway.conf');
  for (const want of [
    'net.ipv4.ip_forward = 1',
    'net.ipv4.conf.all.rp_filter = 2', 'net.ipv4.conf.default.rp_filter = 2',
    'net.ipv4.conf.lan.rp_filter = 2', 'net.ipv4.conf.wan.rp_filter = 2',
    'net.ipv4.conf.all.accept_redirects = 0', 'net.ipv4.conf.all.send_redirects = 0',
    'net.ipv4.conf.default.send_redirects = 0', 'net.ipv4.conf.all.accept_source_route = 0',
    'net.ipv4.conf.all.log_martians = 1', 'net.ipv6.conf.all.accept_redirects = 0',
    'net.ipv4.tcp_syncookies = 1', 'net.netfilter.nf_conntrack_tcp_loose = 1',
    'net.netfilter.nf_conntrack_max = 262144', 'net.netfilter.nf_conntrack_buckets = 65536',
  ]) t.true(l.includes(want), want);
  t.false(l.some((x) => x.startsWith('kernel.') || x.startsWith('fs.')), 'global keys stay out of the routing file');
});

test('conntrack sizing comes from inventory; buckets default to max/4, rounded up', (t) => {
  const l = lines(buildRole(sysctl, { ...lab, sysctl_conntrack_max: 1_000_001 }), '/etc/sysctl.d/60-nat-gateway.conf');
  t.true(l.includes('net.netfilter.nf_conntrack_max = 1000001'));
  t.true(l.includes('net.netfilter.nf_conntrack_buckets = 250001'));
  const own = lines(buildRole(sysctl, { ...lab, sysctl_conntrack_buckets: 131072 }), '/etc/sysctl.d/60-nat-gateway.conf');
  t.true(own.includes('net.netfilter.nf_conntrack_buckets = 131072'));
});

test('interface names with dots become slashes in keys; sysctl_extra is appended', (t) => {
  const l = lines(buildRole(sysctl, { ...lab, lan_interface: 'eth0.100', sysctl_extra: { 'net.core.somaxconn': 4096 } }), '/etc/sysctl.d/60-nat-gateway.conf');
  t.true(l.includes('net.ipv4.conf.eth0/100.rp_filter = 2'));
  t.is(l.at(-1), 'net.core.somaxconn = 4096');
});

test('kernel hardening keys go to their own file, and only when asked', (t) => {
  const f = buildRole(sysctl, lab);
  const l = lines(f, '/etc/sysctl.d/62-kernel-hardening.conf');
  t.true(l.includes('kernel.kptr_restrict = 2'));
  t.true(l.includes('fs.protected_symlinks = 1'));
  t.is(f.tasks.length, 2);
  t.is(buildRole(sysctl, { ...lab, sysctl_kernel_hardening: false }).tasks.length, 1);
});

test('a kernel.* key the host keeps read-only is a warning naming the key, not a failure and not a change', (t) => {
  const task = buildRole(sysctl, lab).tasks[1]!;
  const keys = Object.keys(KERNEL_HARDENING);
  const file = res(0, `file 0 0 644 root root\n${task.renders!.content}\n#tsp-eof`);
  // Every key already as wanted except kptr_restrict, which is read-only here (as in a container).
  const live = sysctlLive(keys, ...keys.map((k) => (k === 'kernel.kptr_restrict' ? 'ro\t0' : `ro\t${KERNEL_HARDENING[k]}`)));
  const c = compareWith(task, makeFacts(), [file, live]);
  t.is(c.status, 'ok');
  t.true(c.status === 'ok' && c.warnings!.some((w) => w.startsWith('kernel.kptr_restrict:') && w.includes('read-only')), JSON.stringify(c));
});

test('sysctl: bad values are refused naming the variable', (t) => {
  const errs = (v: Record<string, unknown>) => buildRole(sysctl, { ...lab, ...v }).errors.join('\n');
  t.regex(errs({ sysctl_rp_filter: 1 }), /sysctl_rp_filter 1 \(strict\)/);
  t.regex(errs({ sysctl_rp_filter: 5 }), /sysctl_rp_filter must be a whole number 0-2/);
  t.regex(errs({ sysctl_conntrack_max: 100 }), /sysctl_conntrack_max must be a whole number 1024-/);
  t.regex(errs({ sysctl_conntrack_buckets: 12.5 }), /sysctl_conntrack_buckets must be a whole number/);
  t.regex(errs({ sysctl_file: '/tmp/x.conf' }), /sysctl_file must be a \.conf file directly in \/etc\/sysctl\.d\//);
  t.regex(errs({ sysctl_extra: { 'kernel.panic': 1 } }), /sysctl_extra: kernel\.panic is a global key/);
  t.regex(errs({ lan_interface: 'a very long interface name' }), /lan_interface must be an interface name/);
  t.regex(buildRole(sysctl, {}).errors.join('\n'), /lan_interface is required/);
});
