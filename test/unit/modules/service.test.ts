import test from 'ava';
import { service, serviceAction, type ServiceArgs, type ServiceActionArgs } from '../../../src/modules/service.ts';
import { daemonReload } from '../../../src/modules/daemon-reload.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import type { Facts } from '../../../src/facts/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const systemd = makeFacts();
const sysv = makeFacts({ init: 'sysvinit' });

/** `systemctl show -p ...` output (key=value form). */
function show(load: string, active: string, sub: string, ufs: string, reload = 'no'): ExecResult {
  return res(0, `LoadState=${load}\nActiveState=${active}\nSubState=${sub}\nUnitFileState=${ufs}\nNeedDaemonReload=${reload}\n`);
}
const RUNNING = show('loaded', 'active', 'running', 'enabled');
const DEAD_DISABLED = show('loaded', 'inactive', 'dead', 'disabled');
const NOT_FOUND = show('not-found', 'inactive', 'dead', '');

const fixtures: { title: string; args: ServiceArgs; facts?: Facts; probeResults: ExecResult[]; expect: Expected }[] = [
  { title: 'running and enabled: ok', args: { unit: 'keepalived', state: 'started', enabled: true }, probeResults: [RUNNING], expect: { status: 'ok', reason: 'active (running), enabled' } },
  {
    title: 'stopped and disabled: enable and start',
    args: { unit: 'keepalived', state: 'started', enabled: true },
    probeResults: [DEAD_DISABLED],
    expect: { status: 'change', reason: 'enable (disabled), start (inactive (dead))', plan: { daemonReload: false, commands: ['enable', 'start'] } },
  },
  {
    title: 'unit file changed on disk: daemon-reload before acting',
    args: { unit: 'keepalived', state: 'started' },
    probeResults: [show('loaded', 'failed', 'failed', 'enabled', 'yes')],
    expect: { status: 'change', reason: 'start (failed (failed))', plan: { daemonReload: true, commands: ['start'] } },
  },
  { title: 'stop wanted', args: { unit: 'nginx', state: 'stopped', enabled: false }, probeResults: [RUNNING], expect: { status: 'change', plan: { daemonReload: false, commands: ['disable', 'stop'] } } },
  {
    title: 'unit not found: depends on an earlier change (its package), no fake plan',
    args: { unit: 'conntrackd', state: 'started', enabled: true },
    probeResults: [NOT_FOUND],
    expect: { status: 'depends', reason: 'unit conntrackd not present yet (would be started)' },
  },
  { title: 'unit not found, stopped wanted: ok', args: { unit: 'telnetd', state: 'stopped' }, probeResults: [NOT_FOUND], expect: { status: 'ok', reason: 'unit telnetd not present' } },
  { title: 'masked unit to be started: fail', args: { unit: 'keepalived', state: 'started' }, probeResults: [show('masked', 'inactive', 'dead', 'masked')], expect: { status: 'fail', reason: 'unit keepalived is masked' } },
  {
    title: 'static unit, enabled wanted: nothing to enable',
    args: { unit: 'systemd-sysctl', state: 'started', enabled: true },
    probeResults: [show('loaded', 'active', 'exited', 'static')],
    expect: { status: 'ok', reason: /static: not enabled or disabled/ },
  },
  { title: 'sysvinit: running and enabled', args: { unit: 'ssh', state: 'started', enabled: true }, facts: sysv, probeResults: [res(0, 'exists=yes\nstatus=0\nenabled=yes\n')], expect: { status: 'ok', reason: 'running, enabled' } },
  {
    title: 'sysvinit: stopped (status 3) and not linked',
    args: { unit: 'ssh.service', state: 'started', enabled: true },
    facts: sysv,
    probeResults: [res(0, 'exists=yes\nstatus=3\nenabled=no\n')],
    expect: { status: 'change', reason: 'enable (disabled), start (not running)', plan: { daemonReload: false, commands: ['enable', 'start'] } },
  },
  { title: 'sysvinit: no init script', args: { unit: 'conntrackd', state: 'started' }, facts: sysv, probeResults: [res(0, 'exists=no\n')], expect: { status: 'depends', reason: /not present yet/ } },
  { title: 'systemctl failing: fail', args: { unit: 'x', state: 'started' }, probeResults: [res(1, '', 'Failed to connect to bus: No such file or directory')], expect: { status: 'fail', reason: /exit 1.*Failed to connect to bus/ } },
];
for (const f of fixtures) {
  test(`service compare: ${f.title}`, (t) => assertComparison(t, compareWith(service(f.args), f.facts ?? systemd, f.probeResults), f.expect));
}

test('service probes: systemctl show key=value on systemd, the init script on sysvinit', (t) => {
  const task = service({ unit: 'keepalived', state: 'started' });
  t.deepEqual(task.probes(systemd)[0]!.argv, ['systemctl', 'show', '-p', 'LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload', '--', 'keepalived']);
  const s = task.probes(sysv)[0]!.argv;
  t.regex(s[2]!, /\/etc\/init\.d\/\$1/);
  t.regex(s[2]!, /\/etc\/rc2\.d\/S\[0-9\]\[0-9\]"\$n"/);
  t.deepEqual(s.slice(3), ['sh', 'keepalived']);
});

test('service apply (systemd): daemon-reload, enable, start in order', async (t) => {
  const conn = new FakeConnection();
  await service({ unit: 'keepalived', state: 'started', enabled: true }).apply(conn, { daemonReload: true, commands: ['enable', 'start'] }, systemd);
  t.deepEqual(conn.argvs, [['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--', 'keepalived'], ['systemctl', 'start', '--', 'keepalived']]);
});

test('service apply (sysvinit): update-rc.d and the init script', async (t) => {
  const conn = new FakeConnection();
  await service({ unit: 'ssh.service', state: 'started', enabled: true }).apply(conn, { daemonReload: true, commands: ['enable', 'start'] }, sysv);
  t.deepEqual(conn.argvs, [['update-rc.d', 'ssh', 'defaults'], ['update-rc.d', 'ssh', 'enable'], ['/etc/init.d/ssh', 'start']]);
});

test('service apply: a failing start carries systemctl stderr', async (t) => {
  const conn = new FakeConnection('gw1').on(['systemctl', 'start'], { code: 1, stderr: 'Job for keepalived.service failed because the control process exited with error code.\n' });
  await t.throwsAsync(service({ unit: 'keepalived', state: 'started' }).apply(conn, { daemonReload: false, commands: ['start'] }, systemd), {
    message: /^gw1: `systemctl start -- keepalived` exited 1: Job for keepalived.service failed/,
  });
});

const actions: { title: string; args: ServiceActionArgs; facts?: Facts; probeResults: ExecResult[]; expect: Expected }[] = [
  { title: 'reload of a running unit', args: { unit: 'keepalived', action: 'reload' }, probeResults: [RUNNING], expect: { status: 'change', reason: 'reload', plan: { daemonReload: false, command: 'reload' } } },
  { title: 'reload of a stopped unit does nothing', args: { unit: 'keepalived', action: 'reload' }, probeResults: [DEAD_DISABLED], expect: { status: 'ok', reason: 'not running' } },
  { title: 'restart of a stopped unit starts it', args: { unit: 'conntrackd', action: 'restart' }, probeResults: [DEAD_DISABLED], expect: { status: 'change', reason: 'start (inactive (dead))', plan: { daemonReload: false, command: 'start' } } },
  { title: 'restart with a changed unit file reloads systemd first', args: { unit: 'conntrackd', action: 'restart' }, probeResults: [show('loaded', 'active', 'running', 'enabled', 'yes')], expect: { status: 'change', plan: { daemonReload: true, command: 'restart' } } },
  { title: 'reload-or-restart of a running unit', args: { unit: 'ssh', action: 'reload-or-restart' }, probeResults: [RUNNING], expect: { status: 'change', plan: { daemonReload: false, command: 'reload-or-restart' } } },
  { title: 'missing unit', args: { unit: 'conntrackd', action: 'restart' }, probeResults: [NOT_FOUND], expect: { status: 'depends', reason: 'unit conntrackd not present yet (would restart)' } },
];
for (const f of actions) {
  test(`serviceAction compare: ${f.title}`, (t) => assertComparison(t, compareWith(serviceAction(f.args), f.facts ?? systemd, f.probeResults), f.expect));
}

test('serviceAction apply on sysvinit: reload-or-restart is force-reload', async (t) => {
  const conn = new FakeConnection();
  await serviceAction({ unit: 'ssh', action: 'reload-or-restart' }).apply(conn, { daemonReload: false, command: 'reload-or-restart' }, sysv);
  t.deepEqual(conn.argvs, [['/etc/init.d/ssh', 'force-reload']]);
});

test('serviceAction: name and module', (t) => {
  const h = serviceAction({ unit: 'keepalived', action: 'reload' });
  t.is(h.name, 'reload keepalived');
  t.is(h.module, 'service');
});

test('daemonReload without units: always a change on systemd, skipped on sysvinit, no probes', (t) => {
  const task = daemonReload();
  t.deepEqual(task.probes(systemd), []);
  assertComparison(t, compareWith(task, systemd, []), { status: 'change', reason: 'reload unit files' });
  assertComparison(t, compareWith(task, sysv, []), { status: 'skip', reason: 'no systemd on this host' });
});

test('daemonReload with units: only when one needs it', (t) => {
  const task = daemonReload({ units: ['keepalived', 'conntrackd'] });
  t.deepEqual(task.probes(systemd), [{ argv: ['systemctl', 'show', '-p', 'Id,NeedDaemonReload', '--', 'keepalived', 'conntrackd'] }]);
  const clean = res(0, 'NeedDaemonReload=no\nId=keepalived.service\n\nNeedDaemonReload=no\nId=conntrackd.service\n');
  const stale = res(0, 'NeedDaemonReload=no\nId=keepalived.service\n\nNeedDaemonReload=yes\nId=conntrackd.service\n');
  assertComparison(t, compareWith(task, systemd, [clean]), { status: 'ok' });
  assertComparison(t, compareWith(task, systemd, [stale]), { status: 'change', reason: 'changed on disk: conntrackd.service' });
});

test('daemonReload apply runs systemctl daemon-reload', async (t) => {
  const conn = new FakeConnection();
  await daemonReload().apply(conn, { stale: [] }, systemd);
  t.deepEqual(conn.argvs, [['systemctl', 'daemon-reload']]);
});

const bad: [string, () => unknown, RegExp][] = [
  ['neither state nor enabled', () => service({ unit: 'x' }), /give state, enabled or both/],
  ['unit name with a space', () => service({ unit: 'a b', state: 'started' }), /not a unit name/],
  ['unit name like an option', () => service({ unit: '--all', state: 'started' }), /not a unit name/],
  ['unknown action', () => serviceAction({ unit: 'x', action: 'kill' as never }), /action must be/],
];
for (const [title, make, error] of bad) test(`construction error: ${title}`, (t) => t.throws(make, { message: error }));
