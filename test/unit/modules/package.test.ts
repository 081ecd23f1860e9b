import test from 'ava';
import { APT_INSTALL, APT_REMOVE, APT_UPDATE, pkg, satisfiesMin, upstreamVersion, type PackageArgs } from '../../../src/modules/package.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const line = (name: string, status: string, version: string) => `${name}\t${status}\t${version}\n`;
const NOT_FOUND = 'dpkg-query: no packages found matching conntrackd\n';

const fixtures: { title: string; args: PackageArgs; probeResults: ExecResult[]; expect: Expected }[] = [
  {
    title: 'all installed: ok with versions',
    args: { names: ['keepalived', 'conntrackd'] },
    probeResults: [res(0, line('keepalived', 'ii ', '1:2.2.7-1+b2') + line('conntrackd', 'ii ', '1:1.4.7-1+b2'))],
    expect: { status: 'ok', reason: 'installed: keepalived 1:2.2.7-1+b2, conntrackd 1:1.4.7-1+b2' },
  },
  {
    title: 'one unknown to dpkg (exit 1, stderr): install only that one',
    args: { names: ['keepalived', 'conntrackd'] },
    probeResults: [res(1, line('keepalived', 'ii ', '1:2.2.7-1+b2'), NOT_FOUND)],
    expect: { status: 'change', reason: 'install conntrackd', plan: { action: 'install', names: ['conntrackd'] } },
  },
  {
    title: 'removed with config files left (rc): install',
    args: { names: 'nftables' },
    probeResults: [res(0, line('nftables', 'rc ', '1.0.6-2+deb12u2'))],
    expect: { status: 'change', reason: 'install nftables (dpkg status rc)', plan: { action: 'install', names: ['nftables'] } },
  },
  {
    title: 'known but never installed (un): plain install',
    args: { names: 'nftables' },
    probeResults: [res(0, line('nftables', 'un ', ''))],
    expect: { status: 'change', reason: 'install nftables' },
  },
  {
    title: 'half-configured: install again',
    args: { names: 'keepalived' },
    probeResults: [res(0, line('keepalived', 'iF ', '1:2.2.7-1'))],
    expect: { status: 'change', reason: 'install keepalived (dpkg status iF)' },
  },
  {
    title: 'version below minVersion: upgrade',
    args: { names: 'keepalived', minVersion: '2.2.8' },
    probeResults: [res(0, line('keepalived', 'ii ', '1:2.2.7-1+b2'))],
    expect: { status: 'change', reason: 'upgrade keepalived 1:2.2.7-1+b2 (< 2.2.8)', plan: { action: 'install', names: ['keepalived'] } },
  },
  {
    title: 'version at minVersion: ok',
    args: { names: 'openssh-server', minVersion: '9.2' },
    probeResults: [res(0, line('openssh-server', 'ii ', '1:9.2p1-2+deb12u3'))],
    expect: { status: 'ok', reason: 'installed: openssh-server 1:9.2p1-2+deb12u3' },
  },
  {
    title: 'absent wanted, installed: remove with version',
    args: { names: ['telnetd', 'rsh-server'], state: 'absent' },
    probeResults: [res(1, line('telnetd', 'ii ', '0.17+2.4-2'), 'dpkg-query: no packages found matching rsh-server\n')],
    expect: { status: 'change', reason: 'remove telnetd 0.17+2.4-2', plan: { action: 'remove', names: ['telnetd'] } },
  },
  {
    title: 'absent wanted, config files only: ok',
    args: { names: 'telnetd', state: 'absent' },
    probeResults: [res(0, line('telnetd', 'rc ', '0.17+2.4-2'))],
    expect: { status: 'ok', reason: 'not installed: telnetd' },
  },
  {
    title: 'dpkg-query broken: fail',
    args: { names: 'keepalived' },
    probeResults: [res(2, '', 'dpkg-query: error: parsing file /var/lib/dpkg/status\n')],
    expect: { status: 'fail', reason: /dpkg-query exited 2: .*parsing file/ },
  },
];
for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => assertComparison(t, compareWith(pkg(f.args), makeFacts(), f.probeResults), f.expect));
}

const versions: [string, string, boolean | undefined][] = [
  ['1:2.2.7-1+b2', '2.2.7', true],
  ['1:2.2.7-1+b2', '2.3', false],
  ['1:9.2p1-2+deb12u3', '9.1', true],
  ['1.5.0+ds-1', '1.5', true],
  ['2.42.0+ds-5+b5', '2.45.0', false],
  ['0.17+2.4-2', '0.17', true],
  ['weird', '1.0', undefined],
];
for (const [deb, min, want] of versions) {
  test(`version ${deb} >= ${min}: ${want}`, (t) => t.is(satisfiesMin(deb, min), want));
}
test('upstream version drops epoch and the last Debian revision only', (t) => {
  t.is(upstreamVersion('1:2.2.7-1+b2'), '2.2.7');
  t.is(upstreamVersion('3.0-rc1-2'), '3.0-rc1');
  t.is(upstreamVersion('20230311'), '20230311');
});

test('probe: dpkg-query with the exact format and the names', (t) => {
  t.deepEqual(pkg({ names: ['a1', 'b2'] }).probes(makeFacts()), [
    { argv: ['dpkg-query', '-W', '-f', '${Package}\\t${db:Status-Abbrev}\\t${Version}\\n', '--', 'a1', 'b2'] },
  ]);
});

const installedLine = line('conntrackd', 'ii ', '1:1.4.7-1+b2');

test('apply install: apt-get install, then the versions are read back', async (t) => {
  const conn = new FakeConnection().on(['dpkg-query'], { stdout: installedLine });
  t.deepEqual(await pkg({ names: 'conntrackd' }).apply(conn, { action: 'install', names: ['conntrackd'] }, makeFacts()), { changed: true });
  t.deepEqual(conn.argvs.map((a) => a.slice(0, 3)), [['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'], ['dpkg-query', '-W', '-f']]);
  t.deepEqual(conn.argvs[0], [...APT_INSTALL, 'conntrackd']);
  for (const opt of ['install', '-y', '--no-install-recommends', 'Dpkg::Options::=--force-confdef', 'Dpkg::Options::=--force-confold']) t.true(APT_INSTALL.includes(opt), opt);
});

for (const msg of ['E: Unable to locate package conntrackd', "E: Package 'conntrackd' has no installation candidate"]) {
  test(`apply install: "${msg}" -> apt-get update once and retry`, async (t) => {
    const conn = new FakeConnection()
      .on(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install'], { code: 100, stderr: msg }, 1)
      .on(['dpkg-query'], { stdout: installedLine });
    const task = pkg({ names: 'conntrackd' });
    await task.apply(conn, { action: 'install', names: ['conntrackd'] }, makeFacts());
    t.deepEqual(conn.argvs, [[...APT_INSTALL, 'conntrackd'], APT_UPDATE, [...APT_INSTALL, 'conntrackd'], task.probes(makeFacts())[0]!.argv]);
  });
}

test('apply install: other apt errors fail at once with command and stderr', async (t) => {
  const conn = new FakeConnection('gw1').on(['env'], { code: 100, stderr: 'E: Sub-process /usr/bin/dpkg returned an error code (1)\n' });
  await t.throwsAsync(pkg({ names: 'conntrackd' }).apply(conn, { action: 'install', names: ['conntrackd'] }, makeFacts()), {
    message: /^gw1: `env DEBIAN_FRONTEND=noninteractive apt-get install .* conntrackd` exited 100: E: Sub-process/,
  });
  t.is(conn.roundTrips, 1);
});

test('apply install: apt candidate still below minVersion fails after install', async (t) => {
  const conn = new FakeConnection('gw1').on(['dpkg-query'], { stdout: line('keepalived', 'ii ', '1:2.2.7-1') });
  await t.throwsAsync(pkg({ names: 'keepalived', minVersion: '2.3' }).apply(conn, { action: 'install', names: ['keepalived'] }, makeFacts()), {
    message: /still: upgrade keepalived 1:2.2.7-1 \(< 2.3\)/,
  });
});

test('apply remove: apt-get remove of the installed ones', async (t) => {
  const conn = new FakeConnection();
  await pkg({ names: ['telnetd', 'rsh-server'], state: 'absent' }).apply(conn, { action: 'remove', names: ['telnetd'] }, makeFacts());
  t.deepEqual(conn.argvs, [[...APT_REMOVE, 'telnetd']]);
});

const bad: [string, PackageArgs, RegExp][] = [
  ['no names', { names: [] }, /at least one/],
  ['shell in a name', { names: ['nginx; rm -rf /'] }, /not a Debian package name/],
  ['minVersion not a version', { names: 'x1', minVersion: 'latest' }, /not a version/],
  ['minVersion with absent', { names: 'x1', state: 'absent', minVersion: '1' }, /makes no sense/],
];
for (const [title, args, error] of bad) test(`construction error: ${title}`, (t) => t.throws(() => pkg(args), { message: error }));

test('name reads well', (t) => {
  t.is(pkg({ names: ['keepalived', 'conntrackd'] }).name, 'package keepalived conntrackd');
  t.is(pkg({ names: 'keepalived', minVersion: '2.2' }).name, 'package keepalived >= 2.2');
  t.is(pkg({ names: 'telnetd', state: 'absent' }).name, 'package absent telnetd');
});
