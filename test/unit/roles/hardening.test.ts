import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hardening from '../../../roles/hardening/index.ts';
import { buildRole, meaningfulLines } from '../../helpers/role-fixture.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';

const f = () => buildRole(hardening, { ansible_host: '198.18.0.11' });
const sshd = (vars: Record<string, unknown> = {}) => meaningfulLines(buildRole(hardening, vars).files.get('/etc/ssh/sshd_config.d/50-hardening.conf')!.content);
const lynisTask = (vars: Record<string, unknown> = {}) => buildRole(hardening, vars).tasks.find((t) => t.module === 'lynis')!;

test('sshd drop-in: key-only logins, no forwarding, client alive, verbose log, MaxAuthTries from inventory', (t) => {
  const l = sshd();
  for (const want of [
    'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'MaxAuthTries 3', 'AllowTcpForwarding no', 'X11Forwarding no', 'AllowAgentForwarding no',
    'ClientAliveInterval 300', 'ClientAliveCountMax 3', 'LogLevel VERBOSE',
  ]) t.true(l.includes(want), want);
  t.false(l.some((x) => x.startsWith('AllowUsers')));
  const custom = sshd({ hardening_ssh_max_auth_tries: 2, hardening_ssh_permit_root_login: 'no', hardening_ssh_allow_users: ['ops', 'root'] });
  t.true(custom.includes('MaxAuthTries 2'));
  t.true(custom.includes('PermitRootLogin no'));
  t.true(custom.includes('AllowUsers ops root'));
});

test('sshd drop-in is validated as part of the whole configuration and activated under the revert guard', (t) => {
  const task = f().tasks.find((x) => x.renders?.path === '/etc/ssh/sshd_config.d/50-hardening.conf')!;
  t.is(task.module, 'guardedFile');
  t.deepEqual(task.tags, ['sshd']);
  const plain = buildRole(hardening, { hardening_ssh_confirm_timeout: 0 });
  const p = plain.tasks.find((x) => x.renders?.path === '/etc/ssh/sshd_config.d/50-hardening.conf')!;
  t.is(p.module, 'file');
  t.deepEqual(p.notify, ['reload ssh']);
  t.is(plain.handlers['reload ssh']![0]!.name, 'reload ssh');
});

test('root-only modes for HA configs; scripts lose group/other write; missing paths are skipped', (t) => {
  const perms = f().tasks.filter((x) => x.module === 'permissions');
  t.true(perms.some((x) => x.name === 'permissions /etc/keepalived root:root 0700'));
  t.true(perms.some((x) => x.name === 'permissions /etc/nftables.conf root:root 0600'));
  t.true(perms.some((x) => x.name === 'permissions /usr/local/sbin/ha-check.sh root:root without 0022'));
  const conf = perms.find((x) => x.name.startsWith('permissions /etc/keepalived/keepalived.conf'))!;
  t.is(compareWith(conf, makeFacts(), [res(3, 'missing parent\n')]).status, 'skip');
  const c = compareWith(conf, makeFacts(), [res(0, 'file 0 0 644 root root\n')]);
  t.is(c.status, 'change');
  t.is(c.status === 'change' && c.reason, 'mode 0644 -> 0600');
  const script = perms.find((x) => x.name.startsWith('permissions /usr/local/sbin/ha-check.sh'))!;
  t.is(compareWith(script, makeFacts(), [res(0, 'file 0 0 755 root root\n')]).status, 'ok');
  const loose = compareWith(script, makeFacts(), [res(0, 'file 0 0 775 root root\n')]);
  t.is(loose.status === 'change' && loose.reason, 'mode 0775 -> 0755');
});

test('systemd sandbox drop-ins keep the capabilities the daemons need, only where systemd runs', (t) => {
  const fx = f();
  const k = meaningfulLines(fx.files.get('/etc/systemd/system/keepalived.service.d/50-hardening.conf')!.content);
  t.true(k.includes('ProtectSystem=full'));
  t.true(k.includes('NoNewPrivileges=yes'));
  const caps = k.find((l) => l.startsWith('CapabilityBoundingSet='))!.split('=')[1]!.split(' ');
  // SYS_RESOURCE: the realtime VRRP process lifts its RLIMIT_RTTIME to reload; without it a reload kills it.
  for (const c of ['CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_NET_BROADCAST', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_IPC_LOCK']) t.true(caps.includes(c), c);
  t.false(caps.includes('CAP_SYS_ADMIN'));
  const c = meaningfulLines(fx.files.get('/etc/systemd/system/conntrackd.service.d/50-hardening.conf')!.content);
  t.true(c.some((l) => l.startsWith('CapabilityBoundingSet=CAP_NET_ADMIN')));
  const dropinTask = fx.tasks.find((x) => x.renders?.path === '/etc/systemd/system/conntrackd.service.d/50-hardening.conf')!;
  t.is(dropinTask.when!(makeFacts({ init: 'sysvinit' })), 'no systemd on this host');
  t.deepEqual(dropinTask.notify, ['systemd daemon-reload']);
});

const REPORT = ['lynis_version=3.0.8', 'hardening_index=67', 'warning[]=SSH-7408|Consider hardening SSH configuration|-|-|', 'suggestion[]=A|b|', 'suggestion[]=C|d|', 'report_datetime_end=2025-11-20 10:00:00', ''].join('\n');

test('lynis: a current report is judged as ok, never as a change, and its index and warnings are reported', (t) => {
  const c = compareWith(lynisTask(), makeFacts(), [res(0, `current\n${REPORT}`)]);
  t.is(c.status, 'ok');
  t.regex(c.status === 'ok' ? c.reason! : '', /^hardening_index 67 \(min 60\), 1 warning\(s\), 2 suggestion\(s\); lynis 3\.0\.8.*\(reused\)$/);
  t.deepEqual(c.status === 'ok' && c.warnings, ['lynis warning SSH-7408: Consider hardening SSH configuration']);
});

test('lynis: the probe only reads; a stale report is a change whose apply runs the audit and reports its verdict as ok', async (t) => {
  const probe = lynisTask().probes(makeFacts())[0]!.argv[2]!;
  t.notRegex(probe, /lynis audit/, '--check must not run an audit');
  const stale = compareWith(lynisTask(), makeFacts(), [res(0, `stale no report yet\n`)]);
  t.deepEqual(stale, { status: 'change', reason: 'audit: no report yet', plan: { why: 'no report yet' } });
  const conn = new FakeConnection('gw1').on(['sh', '-c'], { stdout: `ran 0\n${REPORT}` });
  const out = await lynisTask().apply(conn, { why: 'no report yet' }, makeFacts());
  t.deepEqual(conn.argvs.map((a) => a.slice(3)), [['sh', '/var/log/lynis-report.dat', '/var/run/lynis.pid', '/run/lynis.pid']]);
  // The audit is one line of its own, after stale PID files (a killed audit's) are cleared (issue 14).
  t.regex(conn.argvs[0]![2]!, /^lynis audit system --cronjob >\/dev\/null 2>&1$/m);
  t.regex(conn.argvs[0]![2]!, /rm -f -- "\$f"\ndone\nlynis audit system --cronjob/);
  t.false(out!.changed, 'an audit changes nothing on the host');
  t.regex(out!.reason!, /^hardening_index 67 \(min 60\), 1 warning\(s\), 2 suggestion\(s\); lynis 3\.0\.8.*audited: no report yet/);
  t.deepEqual(out!.warnings, ['lynis warning SSH-7408: Consider hardening SSH configuration']);
  const broke = new FakeConnection('gw1').on(['sh', '-c'], { stdout: 'ran 1\n' });
  await t.throwsAsync(lynisTask().apply(broke, { why: 'no report yet' }, makeFacts()), { message: '`lynis audit system --cronjob` exited 1 (no report yet)' });
});

test('lynis: below the minimum fails, or warns when told to', async (t) => {
  const fail = compareWith(lynisTask({ hardening_lynis_min_index: 70 }), makeFacts(), [res(0, `current\n${REPORT}`)]);
  t.is(fail.status, 'fail');
  t.regex(fail.status === 'fail' ? fail.reason : '', /hardening_index 67 \(min 70\).*below hardening_lynis_min_index/);
  const warn = compareWith(lynisTask({ hardening_lynis_min_index: 70, hardening_lynis_below_min: 'warn' }), makeFacts(), [res(0, `current\n${REPORT}`)]);
  t.is(warn.status, 'ok');
  t.true(warn.status === 'ok' && warn.warnings![0] === 'hardening_index 67 is below hardening_lynis_min_index 70');
  const audited = new FakeConnection('gw1').on(['sh', '-c'], { stdout: `ran 0\n${REPORT}` });
  await t.throwsAsync(lynisTask({ hardening_lynis_min_index: 70 }).apply(audited, { why: 'x' }, makeFacts()), { message: /hardening_index 67 \(min 70\).*below hardening_lynis_min_index/ });
  t.is(compareWith(lynisTask(), makeFacts(), [res(0, 'absent\n')]).status, 'depends');
});

test('lynis tasks carry the lynis tag so they can be skipped; hardening_lynis=false drops them', (t) => {
  const fx = f();
  t.deepEqual(fx.tasks.filter((x) => x.tags?.includes('lynis')).map((x) => x.module), ['package', 'lynis']);
  t.false(buildRole(hardening, { hardening_lynis: false }).tasks.some((x) => x.tags?.includes('lynis')));
});

test('hardening: bad values are refused naming the variable', (t) => {
  const errs = (v: Record<string, unknown>) => buildRole(hardening, v).errors.join('\n');
  t.regex(errs({ hardening_ssh_permit_root_login: 'yes' }), /hardening_ssh_permit_root_login must be no, prohibit-password/);
  t.regex(errs({ hardening_ssh_max_auth_tries: 0 }), /hardening_ssh_max_auth_tries must be a whole number 1-10/);
  t.regex(errs({ hardening_root_only: [{ path: '/etc/x', mode: '0644' }] }), /hardening_root_only\[0\]\.mode must give nothing to group and others/);
  t.regex(errs({ hardening_lynis_min_index: 101 }), /hardening_lynis_min_index must be a whole number 0-100/);
  t.regex(errs({ hardening_lynis_below_min: 'ignore' }), /hardening_lynis_below_min must be fail or warn/);
  t.regex(errs({ hardening_ssh_log_level: 'LOUD' }), /hardening_ssh_log_level is not an sshd LogLevel/);
  t.regex(errs({ hardening_ssh_confirm_timeout: 5 }), /hardening_ssh_confirm_timeout must be 0 \(no guard\) or 10-600/);
});

// The probe run by a real sh on real files: why a report is stale, and when it is current.
test('lynis probe: no report, an interrupted one, an old one, a watched file changed since, and a current one', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-lynis-'));
  try {
    writeFileSync(join(dir, 'lynis'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    mkdirSync(join(dir, 'etc', 'sub'), { recursive: true });
    const report = join(dir, 'report.dat');
    const watched = [join(dir, 'etc'), join(dir, 'absent-dir')];
    const argv = lynisTask({ hardening_lynis_watch: watched }).probes(makeFacts())[0]!.argv;
    const run = () => {
      const r = spawnSync(argv[0]!, [...argv.slice(1, 4), report, argv[5]!, ...argv.slice(6)], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
      t.is(r.status, 0, r.stderr);
      return r.stdout.split('\n')[0];
    };
    t.is(run(), 'stale no report yet');
    writeFileSync(report, 'report_version=1.0\n');
    t.is(run(), 'stale the last report is incomplete (an audit was interrupted)');
    writeFileSync(report, 'hardening_index=70\nreport_datetime_end=2026-12-06 10:00:00\n');
    const old = new Date(Date.now() - 10 * 24 * 3600 * 1000);
    utimesSync(report, old, old);
    t.regex(run()!, /^stale report older than \d+ minutes$/);
    const recent = new Date(Date.now() - 60 * 1000);
    for (const p of [join(dir, 'etc'), join(dir, 'etc', 'sub')]) utimesSync(p, recent, recent);
    utimesSync(report, new Date(), new Date());
    t.is(run(), 'current');
    writeFileSync(join(dir, 'etc', 'sub', 'changed.conf'), 'x\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'etc', 'sub', 'changed.conf'), later, later);
    utimesSync(join(dir, 'etc', 'sub'), recent, recent);
    t.is(run(), `stale ${join(dir, 'etc', 'sub', 'changed.conf')} changed since the last audit`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
