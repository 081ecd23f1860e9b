import test from 'ava';
import { aptPending, aptUpgrade, predictReboot, type AptUpgradeArgs } from '../../../src/modules/apt-upgrade.ts';
import { aptUpdate } from '../../../src/modules/apt.ts';
import { parseAptPlan } from '../../../src/facts/apt.ts';
import { ModuleArgumentError } from '../../../src/modules/common.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { applyTask, compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const facts = makeFacts();
// Recorded `apt-get -s upgrade --with-new-pkgs` lines (Debian 12), as the plan probe prefixes them.
const PLAN = [
  'inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])',
  'inst liblzma5 [5.4.1-1] (5.4.1-1+deb12u2 Debian-Security:12/oldstable-security [amd64]) []',
  'inst sed [4.9-1] (4.9-1+deb12u1 Debian:12.15/oldstable [amd64])',
  'inst tsp-maint-probe [1.0] (1.1 localhost [all])',
  'inst linux-image-6.1.0-20-amd64 (6.1.0-20 Debian-Security:12/oldstable-security [amd64])',
  'hold keepalived',
  'uses liblzma5 systemd sshd',
].join('\n') + '\n';
const NOW = 'running 6.1.0-18-amd64\ninstalled 6.1.0-18-amd64\n';

test('the plan parser reads apt\'s simulation: versions, origins, new packages, holds, libraries in use', (t) => {
  const p = parseAptPlan(res(0, PLAN));
  if ('error' in p) return t.fail(p.error);
  t.deepEqual(p.held, ['keepalived']);
  t.deepEqual(p.upgrades.map((u) => [u.name, u.from, u.to, u.usedBy]), [
    ['libgcrypt20', '1.10.1-3', '1.10.1-3+deb12u1', []],
    ['liblzma5', '5.4.1-1', '5.4.1-1+deb12u2', ['sshd', 'systemd']],
    ['sed', '4.9-1', '4.9-1+deb12u1', []],
    ['tsp-maint-probe', '1.0', '1.1', []],
    ['linux-image-6.1.0-20-amd64', undefined, '6.1.0-20', []],
  ]);
  t.is(p.upgrades[0]!.origins, 'Debian:12.15/oldstable, Debian-Security:12/oldstable-security');
});

const fixtures: { title: string; args: AptUpgradeArgs; plan: string; expect: Expected; names?: string[] }[] = [
  {
    title: 'all: every upgrade, a kernel and a library in use mean a reboot',
    args: {},
    plan: PLAN,
    expect: { status: 'change', reason: /^upgrade 5: libgcrypt20 1\.10\.1-3 -> 1\.10\.1-3\+deb12u1, liblzma5 .*, linux-image-6\.1\.0-20-amd64 \(new\) -> 6\.1\.0-20; held, left alone: keepalived; would need a reboot: liblzma5 replaces a library sshd, systemd run on; kernel package linux-image-6\.1\.0-20-amd64 6\.1\.0-20$/ },
    names: ['libgcrypt20', 'liblzma5', 'sed', 'tsp-maint-probe', 'linux-image-6.1.0-20-amd64'],
  },
  {
    title: 'security only: by the archive they come from',
    args: { only: 'security' },
    plan: PLAN,
    expect: { status: 'change', reason: /^upgrade 3: libgcrypt20 .*, liblzma5 .*, linux-image-6\.1\.0-20-amd64 / },
    names: ['libgcrypt20', 'liblzma5', 'linux-image-6.1.0-20-amd64'],
  },
  { title: 'a named list', args: { only: ['tsp-maint-probe', 'jq'] }, plan: PLAN, expect: { status: 'change', reason: 'upgrade 1: tsp-maint-probe 1.0 -> 1.1; nothing newer for jq; no reboot needed' }, names: ['tsp-maint-probe'] },
  { title: 'a held package named stays held', args: { only: ['keepalived'] }, plan: PLAN, expect: { status: 'ok', reason: 'nothing to upgrade (keepalived); held, left alone: keepalived; no reboot needed' } },
  { title: 'nothing pending', args: {}, plan: 'hold keepalived\n', expect: { status: 'ok', reason: 'nothing to upgrade (all packages); held, left alone: keepalived; no reboot needed' } },
];

for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => {
    const task = aptUpgrade(f.args);
    const c = compareWith(task, facts, [res(0, f.plan), res(0, NOW)]);
    assertComparison(t, c, f.expect);
    if (f.names) t.deepEqual((c as { plan: { todo: { name: string }[] } }).plan.todo.map((u) => u.name), f.names);
    const r = task.result!(task.parse([res(0, f.plan), res(0, NOW)], facts));
    t.deepEqual(r.upgraded.map((u) => u.name), f.names ?? [], 'check mode: the result lists what would be upgraded');
  });
}

test('a reboot already pending shows up whatever is upgraded; a failed simulation fails', (t) => {
  assertComparison(t, compareWith(aptUpgrade(), facts, [res(0, ''), res(0, `${NOW}required\n`)]), { status: 'ok', reason: 'nothing to upgrade (all packages); reboot needed: /run/reboot-required' });
  assertComparison(t, compareWith(aptUpgrade(), facts, [res(1, '', 'E: dpkg was interrupted'), res(0, NOW)]), { status: 'fail', reason: /apt-get -s upgrade failed \(exit 1\): E: dpkg was interrupted/ });
  t.deepEqual(predictReboot([], { needed: false, reasons: [] }), { needed: false, reasons: [] });
});

function host(after: string, reboot = NOW) {
  let upgraded = false;
  return new FakeConnection('gw1')
    .on((c) => c.argv.includes('apt-get') && !c.argv.includes('-s'), () => ((upgraded = true), {}))
    .on(['dpkg-query'], () => ({ stdout: after }))
    .on((c) => c.argv[0] === 'sh' && (c.argv[2]?.startsWith('out=$(') ?? false), () => ({ stdout: upgraded ? '' : PLAN }))
    .on(['sh', '-c'], { stdout: reboot });
}

test('apply, a named list: the exact versions apt chose, then what changed and whether to reboot', async (t) => {
  const conn = host('tsp-maint-probe\tii \t1.1\n', `${NOW}required\nrequired tsp-maint-probe\n`);
  const { outcome } = await applyTask(aptUpgrade({ only: ['tsp-maint-probe'] }), conn, facts);
  const apt = conn.argvs.find((a) => a.includes('apt-get'))!;
  t.deepEqual(apt.slice(0, 4), ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install']);
  t.deepEqual(apt.slice(-2), ['--only-upgrade', 'tsp-maint-probe=1.1']);
  t.false(apt.includes('--allow-change-held-packages'));
  t.like(outcome, {
    changed: true,
    stale: true,
    reason: 'upgraded 1: tsp-maint-probe 1.0 -> 1.1; reboot needed: /run/reboot-required (tsp-maint-probe)',
    result: { upgraded: [{ name: 'tsp-maint-probe', from: '1.0', to: '1.1' }], held: [], reboot: { needed: true } },
  });
});

test('apply, all: apt-get upgrade with new packages allowed, holds respected by apt itself', async (t) => {
  const conn = host('libgcrypt20\tii \t1.10.1-3+deb12u1\nliblzma5\tii \t5.4.1-1+deb12u2\nsed\tii \t4.9-1+deb12u1\ntsp-maint-probe\tii \t1.1\nlinux-image-6.1.0-20-amd64\tii \t6.1.0-20\n');
  const { outcome } = await applyTask(aptUpgrade(), conn, facts);
  const apt = conn.argvs.find((a) => a.includes('apt-get'))!;
  t.deepEqual(apt.slice(2, 7), ['apt-get', 'upgrade', '-y', '-q', '--with-new-pkgs']);
  t.is((outcome as { result: { upgraded: unknown[] } }).result.upgraded.length, 5);
});

test('aptPending only reads and reports what an upgrade would do', (t) => {
  const task = aptPending({ only: 'security' });
  assertComparison(t, compareWith(task, facts, [res(0, PLAN), res(0, NOW)]), { status: 'ok', reason: /^pending: 3: libgcrypt20 / });
  t.deepEqual(task.result!(task.parse([res(0, PLAN), res(0, NOW)], facts)).reboot.needed, true);
});

test('aptUpdate refreshes lists older than the valid time, and marks what was read before stale', async (t) => {
  assertComparison(t, compareWith(aptUpdate({ cacheValidTime: 600 }), facts, [res(0, '1000000\n999700\n')]), { status: 'ok', reason: 'refreshed 5 min ago (valid 10 min)' });
  assertComparison(t, compareWith(aptUpdate({ cacheValidTime: 600 }), facts, [res(0, '1000000\n990000\n')]), { status: 'change', reason: 'refresh (last 3 h ago)' });
  const conn = new FakeConnection('gw1').on(['sh', '-c'], { stdout: '1000000\n0\n' });
  const { outcome } = await applyTask(aptUpdate(), conn, facts);
  t.like(outcome, { changed: true, stale: true });
  t.true(conn.argvs.some((a) => a.includes('update') && a.includes('apt-get')));
});

test('bad arguments are refused while the role builds its tasks', (t) => {
  t.throws(() => aptUpgrade({ only: [] }), { instanceOf: ModuleArgumentError, message: /an empty list upgrades nothing/ });
  t.throws(() => aptUpgrade({ only: ['Bad Name'] }), { message: /not a Debian package name/ });
  t.throws(() => aptUpgrade({ only: 'everything' as never }), { message: /only must be all, security or a list/ });
  t.throws(() => aptUpdate({ cacheValidTime: -1 }), { message: /cacheValidTime must be seconds/ });
});
