import test from 'ava';
import { LocalConnection } from '../../src/connection/local.ts';
import { UnreachableError } from '../../src/connection/types.ts';
import { execOnHosts, exitCodeOf, formatResult, type HostResult } from '../../src/cli/exec.ts';
import { tsplay } from '../helpers/cli.ts';

const connect = (host: string) => (host === 'dead' ? Promise.reject(new UnreachableError('dead', 'jump host bastion (root@198.18.200.1:22): connect ECONNREFUSED')) : Promise.resolve(new LocalConnection(host)));

test('each host\'s stdout, stderr and exit code, in the hosts\' order whatever order they finish in', async (t) => {
  const seen: HostResult[] = [];
  const script = 'sleep "$0"; echo out; echo err >&2; exit "$1"';
  const results = await execOnHosts(['a', 'b'], connect, ['sh', '-c', script, '0.3', '0'], 2, (r) => seen.push(r));
  t.deepEqual(seen.map((r) => r.host), ['a', 'b']);
  t.like(results[0], { status: 'ok', rc: 0, stdout: 'out\n', stderr: 'err\n' });
  t.is(formatResult(results[0]!), 'a | OK | rc=0 >>\nout\na | stderr >>\nerr\n');
  t.is(exitCodeOf(results), 0);
});

test('a failing command is that host failed (exit 2); an unreachable host is exit 4, the hop named', async (t) => {
  const results = await execOnHosts(['a', 'dead', 'c'], connect, ['sh', '-c', 'exit 3'], 3, () => undefined);
  t.like(results[0], { status: 'failed', rc: 3 });
  t.like(results[1], { status: 'unreachable' });
  t.regex(formatResult(results[1]!), /^dead \| UNREACHABLE! >> jump host bastion \(root@198\.18\.200\.1:22\)/);
  t.is(exitCodeOf([results[0]!]), 2);
  t.is(exitCodeOf(results), 4);
});

test('exec, copy and fetch refuse bad words and bad input before any connection', async (t) => {
  const noCmd = await tsplay(['exec', 'gateways', '-i', 'inventory/lab.yml']);
  t.is(noCmd.code, 1);
  t.regex(noCmd.stderr, /no command given/);
  const badPattern = await tsplay(['exec', 'gatways', '-i', 'inventory/lab.yml', '--', 'true']);
  t.is(badPattern.code, 1);
  t.regex(badPattern.stderr, /no host or group matches 'gatways'/);
  const badPort = await tsplay(['exec', 'gw1', '-i', 'inventory/lab.yml', '-e', 'ansible_port=0', '--', 'true']);
  t.is(badPort.code, 1);
  t.regex(badPort.stderr, /gw1: ansible_port \(-e\) must be a port from 1 to 65535, got 0/);
  const emptyLimit = await tsplay(['exec', 'all', '--limit', '', '-i', 'inventory/lab.yml', '--', 'true']);
  t.is(emptyLimit.code, 1);
  const noSrc = await tsplay(['copy', 'gw1', '/nonexistent/x', '/tmp/x', '-i', 'inventory/lab.yml']);
  t.is(noSrc.code, 1);
  t.regex(noSrc.stderr, /cannot read \/nonexistent\/x/);
  const relative = await tsplay(['fetch', 'gw1', 'etc/hosts', '/tmp/out', '-i', 'inventory/lab.yml']);
  t.is(relative.code, 1);
});
