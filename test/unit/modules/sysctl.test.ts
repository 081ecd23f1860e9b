import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { normalise, procPath, renderSysctlFile, sysctl, type SysctlArgs } from '../../../src/modules/sysctl.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { sysctlLive } from '../../helpers/sysctl-live.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, fileOut, type Expected } from '../../helpers/expect.ts';

const F = '/etc/sysctl.d/90-nat.conf';
const args: SysctlArgs = {
  file: F,
  values: { 'net.ipv4.ip_forward': 1, 'net.ipv4.ip_local_port_range': '1024 65000', 'net.netfilter.nf_conntrack_buckets': 262144 },
};
const RENDERED = renderSysctlFile([
  ['net.ipv4.ip_forward', '1'],
  ['net.ipv4.ip_local_port_range', '1024 65000'],
  ['net.netfilter.nf_conntrack_buckets', '262144'],
]);
const FILE_OK = res(0, fileOut(RENDERED));
const liveFor = sysctlLive;
const live = (...lines: string[]) => liveFor(Object.keys(args.values!), ...lines);

const fixtures: { title: string; args?: SysctlArgs; probeResults: ExecResult[]; expect: Expected }[] = [
  {
    title: 'file and live values right (tabs in the live value): ok',
    probeResults: [FILE_OK, live('rw\t1', 'rw\t1024\t65000', 'rw\t262144')],
    expect: { status: 'ok', reason: '3 keys persisted and live', warnings: [] },
  },
  {
    title: 'file missing: change with a diff from empty',
    probeResults: [res(3, 'missing parent\n'), live('rw\t1', 'rw\t1024\t65000', 'rw\t262144')],
    expect: { status: 'change', reason: `create ${F}`, plan: { writeFile: true, live: [] }, diffs: [{ path: F, before: '', after: RENDERED }] },
  },
  {
    title: 'live value differs and is writable: change',
    probeResults: [FILE_OK, live('rw\t0', 'rw\t32768\t60999', 'rw\t262144')],
    expect: {
      status: 'change',
      reason: 'net.ipv4.ip_forward 0 -> 1; net.ipv4.ip_local_port_range 32768 60999 -> 1024 65000',
      plan: { writeFile: false, live: [['net.ipv4.ip_forward', '1'], ['net.ipv4.ip_local_port_range', '1024 65000']] },
      diffs: 'none',
    },
  },
  {
    title: 'read-only key in this namespace: a warning naming it, not a change',
    probeResults: [FILE_OK, live('rw\t1', 'rw\t1024 65000', 'ro\t65536')],
    expect: {
      status: 'ok',
      warnings: [/^net\.netfilter\.nf_conntrack_buckets: not settable in this network namespace \(read-only\); live value 65536 stays$/],
    },
  },
  {
    title: 'read-only key already right: no warning',
    probeResults: [FILE_OK, live('rw\t1', 'rw\t1024 65000', 'ro\t262144')],
    expect: { status: 'ok', warnings: [] },
  },
  {
    title: 'missing key: warning; another key still changes',
    probeResults: [FILE_OK, live('rw\t0', 'rw\t1024 65000', 'missing')],
    expect: {
      status: 'change',
      reason: 'net.ipv4.ip_forward 0 -> 1',
      plan: { writeFile: false, live: [['net.ipv4.ip_forward', '1']] },
      warnings: [/^net\.netfilter\.nf_conntrack_buckets: not present on this kernel or in this namespace/],
    },
  },
  {
    title: 'file mode wrong and content drifted',
    probeResults: [res(0, fileOut('net.ipv4.ip_forward = 0\n', '0 0 600 root root')), live('rw\t1', 'rw\t1024 65000', 'rw\t262144')],
    expect: { status: 'change', reason: `${F}: content, mode 0600 -> 0644`, plan: { writeFile: true, live: [] } },
  },
  {
    title: 'kernel.* key read-only: warning "on this host"',
    args: { file: F, values: { 'kernel.panic': 10 } },
    probeResults: [res(0, fileOut(renderSysctlFile([['kernel.panic', '10']]))), liveFor(['kernel.panic'], 'ro\t0')],
    expect: { status: 'ok', warnings: [/^kernel\.panic: not settable on this host \(read-only\); live value 0 stays$/] },
  },
  { title: 'live probe failed: fail', probeResults: [FILE_OK, res(2, '', 'sh: grep: not found')], expect: { status: 'fail', reason: /exit 2.*grep: not found/ } },
  {
    title: 'fewer status lines than keys: fail, not a guess',
    probeResults: [FILE_OK, res(0, 'rw\n--\n/proc/sys/net/ipv4/ip_forward:1\n')],
    expect: { status: 'fail', reason: /1 status lines for 3 keys/ },
  },
];
for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => assertComparison(t, compareWith(sysctl(f.args ?? args), makeFacts(), f.probeResults), f.expect));
}

test('rendered file: header, one key = value per line in the given order', (t) => {
  t.is(RENDERED, '# Managed by ts-play: local edits are overwritten.\nnet.ipv4.ip_forward = 1\nnet.ipv4.ip_local_port_range = 1024 65000\nnet.netfilter.nf_conntrack_buckets = 262144\n');
});

test('proc paths: dots separate, a slash stands for a dot in an interface name', (t) => {
  t.is(procPath('net.ipv4.conf.all.rp_filter'), '/proc/sys/net/ipv4/conf/all/rp_filter');
  t.is(procPath('net.ipv4.conf.eth0/100.rp_filter'), '/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
  t.is(normalise(' 1024\t65000\n'), '1024 65000');
});

test('probes: the file with content, then the live paths in key order', (t) => {
  const [file, liveProbe] = sysctl(args).probes(makeFacts());
  t.deepEqual(file!.argv.slice(3), ['sh', F, 'content']);
  t.deepEqual(liveProbe!.argv.slice(3), [
    'sh',
    '/proc/sys/net/ipv4/ip_forward',
    '/proc/sys/net/ipv4/ip_local_port_range',
    '/proc/sys/net/netfilter/nf_conntrack_buckets',
  ]);
  t.regex(liveProbe!.argv[2]!, /test -w|\[ -w "\$f" \]/);
});

test('apply: atomic file write, then all live keys in one round trip', async (t) => {
  const conn = new FakeConnection().on((c) => c.argv.length > 4 && c.argv[4] === 'net.ipv4.ip_forward', { stdout: 'ok\tnet.ipv4.ip_forward\n' });
  const out = await sysctl(args).apply(conn, { writeFile: true, live: [['net.ipv4.ip_forward', '1']] }, makeFacts());
  t.deepEqual(out, { changed: true });
  t.is(conn.roundTrips, 2);
  t.is(conn.calls[0]!.stdin, RENDERED);
  t.deepEqual(conn.calls[0]!.argv.slice(4, 11).filter((_, i) => i !== 1), [F, 'root', 'root', '0644', 'yes', '3']);
  t.deepEqual(conn.calls[1]!.argv.slice(3), ['sh', 'net.ipv4.ip_forward', '/proc/sys/net/ipv4/ip_forward', '1']);
});

test('apply: a value the kernel refuses becomes a warning, never a crash', async (t) => {
  const conn = new FakeConnection().on(['sh'], {
    stdout: 'ok\tnet.ipv4.ip_forward\nfail\tnet.netfilter.nf_conntrack_max\tsh: 3: printf: printf: Invalid argument\n',
  });
  const out = await sysctl(args).apply(conn, { writeFile: false, live: [['net.ipv4.ip_forward', '1'], ['net.netfilter.nf_conntrack_max', '262144']] }, makeFacts());
  t.true(out!.changed);
  t.is(out!.warnings?.length, 1);
  t.regex(out!.warnings![0]!, /^net\.netfilter\.nf_conntrack_max: the kernel refused the value \(.*Invalid argument\); persisted only$/);
});

test('apply: only refusals, nothing written: not changed', async (t) => {
  const conn = new FakeConnection().on(['sh'], { stdout: 'fail\tnet.ipv4.ip_forward\tsh: 3: cannot create /proc/sys/net/ipv4/ip_forward: Read-only file system\n' });
  const out = await sysctl(args).apply(conn, { writeFile: false, live: [['net.ipv4.ip_forward', '1']] }, makeFacts());
  t.false(out!.changed);
  t.regex(out!.warnings![0]!, /Read-only file system/);
});

test('apply: an unexpected write error fails the task naming the key', async (t) => {
  const conn = new FakeConnection('gw1').on(['sh'], { stdout: 'fail\tnet.ipv4.ip_forward\tsh: 3: printf: printf: I/O error\n' });
  await t.throwsAsync(sysctl(args).apply(conn, { writeFile: false, live: [['net.ipv4.ip_forward', '1']] }, makeFacts()), {
    message: 'gw1: setting sysctls failed: net.ipv4.ip_forward: sh: 3: printf: printf: I/O error',
  });
});

const bad: [string, SysctlArgs, RegExp][] = [
  ['empty values', { file: F, values: {} }, /values is empty/],
  ['key with a space', { file: F, values: { 'net.ipv4 ip_forward': 1 } }, /not a sysctl key/],
  ['value with a newline', { file: F, values: { 'net.ipv4.ip_forward': '1\nkernel.panic = 1' } }, /one-line/],
  ['relative file', { file: 'sysctl.d/x.conf', values: { 'net.ipv4.ip_forward': 1 } }, /absolute/],
];
for (const [title, a, error] of bad) test(`construction error: ${title}`, (t) => t.throws(() => sysctl(a), { message: error }));

// The probe itself, run by a real sh against this machine's /proc/sys (read only): values of
// several fields, a write-only key, a missing one. /proc/sys answers only a read from offset 0,
// which is why the probe reads with grep and not with the shell's byte-at-a-time `read`.
test('the live probe reads real /proc/sys values whole', async (t) => {
  const keys = ['net.ipv4.tcp_rmem', 'net.ipv4.route.flush', 'net.ipv4.no_such_key', 'kernel.ostype'];
  const probe = sysctl({ file: F, values: Object.fromEntries(keys.map((k) => [k, '1'])) }).probes(makeFacts())[1]!;
  const r = spawnSync(probe.argv[0]!, probe.argv.slice(1), { encoding: 'utf8' });
  const task = sysctl({ file: F, values: Object.fromEntries(keys.map((k) => [k, '1'])) });
  const state = task.parse([FILE_OK, { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }], makeFacts()) as { live: Array<{ key: string; present: boolean; value?: string }> };
  const byKey = Object.fromEntries(state.live.map((l) => [l.key, l]));
  t.is(byKey['net.ipv4.tcp_rmem']!.value, normalise(readFileSync('/proc/sys/net/ipv4/tcp_rmem', 'utf8')));
  t.regex(byKey['net.ipv4.tcp_rmem']!.value!, /^\d+ \d+ \d+$/);
  t.true(byKey['net.ipv4.route.flush']!.present);
  t.is(byKey['net.ipv4.route.flush']!.value, '');
  t.false(byKey['net.ipv4.no_such_key']!.present);
  t.is(byKey['kernel.ostype']!.value, 'Linux');
});
