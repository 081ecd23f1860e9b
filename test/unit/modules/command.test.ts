import test from 'ava';
import { command, type CommandArgs } from '../../../src/modules/command.ts';
import { FakeConnection } from '../../../src/connection/fake.ts';
import type { ExecResult } from '../../../src/connection/types.ts';
import { makeFacts } from '../../helpers/facts.ts';
import { compareWith, res } from '../../helpers/run-task.ts';
import { assertComparison, type Expected } from '../../helpers/expect.ts';

const argv = ['nft', '-f', '/etc/nftables.conf'];
const fixtures: { title: string; args: CommandArgs; probes: string[][]; probeResults: ExecResult[]; expect: Expected }[] = [
  { title: 'no guard: always a change', args: { argv }, probes: [], probeResults: [], expect: { status: 'change', reason: 'run nft -f /etc/nftables.conf (no guard: always runs)' } },
  { title: 'creates: path exists -> ok', args: { argv, creates: '/run/nft.done' }, probes: [['test', '-e', '/run/nft.done']], probeResults: [res(0)], expect: { status: 'ok', reason: '/run/nft.done exists' } },
  { title: 'creates: path missing -> change', args: { argv, creates: '/run/nft.done' }, probes: [['test', '-e', '/run/nft.done']], probeResults: [res(1)], expect: { status: 'change', reason: 'run nft -f /etc/nftables.conf' } },
  { title: 'removes: path missing -> ok', args: { argv, removes: '/tmp/x' }, probes: [['test', '-e', '/tmp/x']], probeResults: [res(1)], expect: { status: 'ok', reason: '/tmp/x does not exist' } },
  {
    title: 'unless exits 0 -> ok',
    args: { argv, unless: ['nft', 'list', 'table', 'inet', 'gw'] },
    probes: [['nft', 'list', 'table', 'inet', 'gw']],
    probeResults: [res(0, 'table inet gw {}')],
    expect: { status: 'ok', reason: '`nft list table inet gw` succeeded' },
  },
  { title: 'unless fails -> change', args: { argv, unless: ['false'] }, probes: [['false']], probeResults: [res(1)], expect: { status: 'change' } },
  { title: 'onlyIf fails -> skip', args: { argv, onlyIf: ['test', '-x', '/usr/sbin/nft'] }, probes: [['test', '-x', '/usr/sbin/nft']], probeResults: [res(1)], expect: { status: 'skip', reason: '`test -x /usr/sbin/nft` exited 1' } },
  {
    title: 'creates wins over a failing onlyIf (guards in order)',
    args: { argv, creates: '/x', onlyIf: ['false'] },
    probes: [['test', '-e', '/x'], ['false']],
    probeResults: [res(0), res(1)],
    expect: { status: 'ok', reason: '/x exists' },
  },
];
for (const f of fixtures) {
  test(`compare: ${f.title}`, (t) => {
    const task = command(f.args);
    t.deepEqual(task.probes(makeFacts()).map((p) => p.argv), f.probes);
    assertComparison(t, compareWith(task, makeFacts(), f.probeResults), f.expect);
  });
}

test('apply runs the argv as given, no shell', async (t) => {
  const conn = new FakeConnection();
  await command({ argv: ['sh', '-c', 'echo "$1"', 'sh', 'a b; rm -rf /'] }).apply(conn, null, makeFacts());
  t.deepEqual(conn.argvs, [['sh', '-c', 'echo "$1"', 'sh', 'a b; rm -rf /']]);
});

test('apply failure: CommandError with command, exit code and trimmed stderr', async (t) => {
  const conn = new FakeConnection('gw1').on(['nft'], { code: 1, stderr: '\n/etc/nftables.conf:3:1-5: Error: syntax error\n\n' });
  const err = await t.throwsAsync(command({ argv }).apply(conn, null, makeFacts()));
  t.is(err!.name, 'CommandError');
  t.is(err!.message, 'gw1: `nft -f /etc/nftables.conf` exited 1: /etc/nftables.conf:3:1-5: Error: syntax error');
});

test('default name shows the command, shortened', (t) => {
  t.is(command({ argv }).name, 'command nft -f /etc/nftables.conf');
  t.true(command({ argv: ['echo', 'x'.repeat(100)] }).name.endsWith('…'));
  t.is(command({ argv, name: 'load rules' }).name, 'load rules');
});

test('a shell string instead of argv is refused', (t) => {
  t.throws(() => command({ argv: 'nft -f /etc/nftables.conf' as never }), { message: /argv must be a non-empty argv array/ });
  t.throws(() => command({ argv, unless: [] }), { message: /unless must be/ });
});
