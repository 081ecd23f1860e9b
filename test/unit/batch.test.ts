import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { batchOutput, batchScript, parseBatchOutput, parseBatchScript, BatchProtocolError } from '../../src/connection/batch.ts';
import { PATH_SCRIPT, pathReadArgv, sharedPathResults } from '../../src/connection/path-read.ts';
import { parsePathState } from '../../src/facts/paths.ts';
import { sharedUnitShow, unitShowResults } from '../../src/connection/unit-show.ts';

// The script is run by a real sh here: the framing must survive binary-ish content,
// empty output, failing probes and arguments that need quoting.
test('a batch of probes runs in one sh and every result comes back in order', (t) => {
  const probes = [
    { argv: ['printf', '%s', 'line one\nline two\n'] },
    { argv: ['sh', '-c', 'echo oops >&2; exit 3'] },
    { argv: ['true'] },
    { argv: ['printf', '%s', "it's \"quoted\" $HOME `x`"] },
    { argv: ['cat'] }, // stdin must be closed, or this would hang
    { argv: ['printf', '%s', 'grüße ✓ no newline at the end'] },
    // Scripts of their own run as shell functions: exit, $0, $@ and a reused script behave as under sh -c.
    { argv: ['sh', '-c', 'printf "%s|" "$0" "$@"; exit 4', 'sh', 'a b', "c'd"] },
    { argv: ['sh', '-c', 'printf "%s|" "$0" "$@"; exit 4', 'sh'] },
    { argv: ['sh', '-c', 'echo "}"\n}'.slice(0, -2), 'sh'] },
  ];
  const r = spawnSync('sh', ['-c', batchScript(probes)], { encoding: 'utf8', timeout: 10_000 });
  t.is(r.status, 0);
  const results = parseBatchOutput(r.stdout, probes.length);
  t.deepEqual(results[0], { code: 0, stdout: 'line one\nline two\n', stderr: '' });
  t.is(results[1]!.code, 3);
  t.is(results[1]!.stderr, 'oops\n');
  t.deepEqual(results[2], { code: 0, stdout: '', stderr: '' });
  t.is(results[3]!.stdout, "it's \"quoted\" $HOME `x`");
  t.is(results[4]!.stdout, '');
  t.is(results[5]!.stdout, 'grüße ✓ no newline at the end');
  for (const i of [6, 7, 8]) {
    const alone = spawnSync(probes[i]!.argv[0]!, probes[i]!.argv.slice(1), { encoding: 'utf8' });
    t.deepEqual(results[i], { code: alone.status!, stdout: alone.stdout, stderr: alone.stderr }, `probe ${i} as under sh -c`);
  }
  t.is(results[6]!.stdout, "sh|a b|c'd|");
  t.is(batchScript(probes).match(/^tsp_fn\d+\(\) \{$/gm)?.length, 2, 'one function per distinct script');
});

// wc pads its columns once sizes differ in width: twelve probes, outputs from 0 to 5000 bytes.
test('sizes of every width frame the outputs exactly, and the fakes speak the same framing', (t) => {
  const probes = Array.from({ length: 12 }, (_, i) => ({ argv: ['sh', '-c', `head -c ${i * 450} /dev/zero | tr '\\0' x; echo e${i} >&2; exit ${i}`] }));
  const r = spawnSync('sh', ['-c', batchScript(probes)], { encoding: 'utf8', timeout: 10_000 });
  t.is(r.status, 0, r.stderr);
  const results = parseBatchOutput(r.stdout, probes.length);
  results.forEach((x, i) => t.deepEqual(x, { code: i, stdout: 'x'.repeat(i * 450), stderr: `e${i}\n` }));
  t.deepEqual(parseBatchOutput(batchOutput(results), results.length), results);
  t.deepEqual(parseBatchOutput(batchOutput([results[3]!]), 1), [results[3]!]);
});

test('a missing or garbled result is an error, not a silent empty state', (t) => {
  const two = batchOutput([{ code: 0, stdout: 'a', stderr: '' }, { code: 1, stdout: 'bb', stderr: 'c' }]);
  t.is(parseBatchOutput(two, 2)[1]!.stdout, 'bb');
  t.throws(() => parseBatchOutput(two, 3), { instanceOf: BatchProtocolError, message: /2 exit codes for 3 probes/ });
  t.throws(() => parseBatchOutput(two.replace('2 1o', '2 0o'), 2), { instanceOf: BatchProtocolError, message: /probe 1/ });
  t.throws(() => parseBatchOutput(two.replace(/\n[^\n]+\n$/, '\nYQ==\n'), 2), { instanceOf: BatchProtocolError, message: /holds 1 bytes where the sizes add up to 4/ });
  t.throws(() => parseBatchOutput('junk\n', 1), { instanceOf: BatchProtocolError });
});

test('a fake host reads a batch back into its probes, multi-line scripts and quotes included', (t) => {
  const probes = [
    { argv: ['sh', '-c', 'for f in "$1"/*; do\n  echo "$f it\'s"\ndone', 'sh', '/run/x y'] },
    { argv: ['ip', '-o', '-4', 'addr', 'show'] },
    { argv: ['printf', '%s', ''] },
  ];
  t.deepEqual(parseBatchScript(batchScript(probes)), probes.map((p) => p.argv));
  t.is(parseBatchScript('echo hi'), undefined);
});

// Path reads answered together by one stat and one cat must say exactly what each path's own
// script says, for every kind of path, and the paths that cannot be shared still read alone.
test('paths read together answer as each path read alone', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-paths-'));
  try {
    writeFileSync(join(dir, 'a.conf'), 'key = "v"\nno newline at the end ✓');
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, "it's spaced"), 'x\n');
    chmodSync(join(dir, 'a.conf'), 0o640);
    mkdirSync(join(dir, 'sub'), { mode: 0o750 });
    symlinkSync('a.conf', join(dir, 'link'));
    spawnSync('mkfifo', [join(dir, 'fifo')]);
    const reads: Array<[string, 'content' | 'meta']> = [
      [join(dir, 'a.conf'), 'content'],
      [join(dir, 'a.conf'), 'meta'],
      [join(dir, 'empty'), 'content'],
      [join(dir, "it's spaced"), 'content'],
      [join(dir, 'sub'), 'content'],
      [join(dir, 'link'), 'content'],
      [join(dir, 'fifo'), 'meta'],
      [join(dir, 'missing'), 'content'],
      [join(dir, 'nodir', 'missing'), 'meta'],
      ['/proc/sys/kernel/ostype', 'content'],
    ];
    const probes = [{ argv: ['echo', 'between'] }, ...reads.map(([p, m]) => ({ argv: pathReadArgv(p, m) }))];
    const r = spawnSync('sh', ['-c', batchScript(probes)], { encoding: 'utf8', timeout: 10_000 });
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout.split('\n')[0]!, /^0( p){5} \d+ \d+ \d+ \d+ \d+ p:0:0$/, 'the five plain files and directories were read together');
    const results = parseBatchOutput(r.stdout, probes.length, probes);
    t.is(results[0]!.stdout, 'between\n');
    reads.forEach(([p, m], i) => {
      const alone = spawnSync('sh', ['-c', PATH_SCRIPT, 'sh', p, m], { encoding: 'utf8' });
      t.deepEqual(results[i + 1], { code: alone.status!, stdout: alone.stdout, stderr: alone.stderr }, `${p} ${m}`);
    });
    t.deepEqual(parsePathState(reads[0]![0], results[1]!), { kind: 'file', meta: { uid: process.getuid!(), gid: process.getgid!(), mode: 0o640, user: userInfo().username, group: results[1]!.stdout.split('\n')[0]!.split(' ')[5]! }, content: 'key = "v"\nno newline at the end ✓' });
    t.deepEqual(parseBatchScript(batchScript(probes)), probes.map((p) => p.argv), 'a fake host still sees every path read as its own probe');
    // None of the batch's path reads turned out plain: the shared section comes back empty.
    const lone = [{ argv: pathReadArgv(join(dir, 'missing'), 'content') }];
    const none = spawnSync('sh', ['-c', batchScript(lone)], { encoding: 'utf8', timeout: 10_000 });
    t.deepEqual(parseBatchOutput(none.stdout, 1, lone), [{ code: 3, stdout: 'missing parent\n', stderr: '' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a path that changed between the shared stat and cat fails its read instead of mixing two versions', (t) => {
  const reads = [{ path: '/etc/a', mode: 'content' as const }, { path: '/etc/b', mode: 'meta' as const }, { path: '/etc/d', mode: 'content' as const }];
  const stat = { code: 0, stdout: 'regular file|0 0 644 root root 3\nregular file|0 0 600 root root 9\ndirectory|0 0 755 root root 4096\n', stderr: '' };
  const ok = sharedPathResults(reads, stat, { code: 0, bytes: Buffer.from('abc'), stderr: '' });
  t.deepEqual(ok.map((r) => r.stdout), ['file 0 0 644 root root\nabc\n#tsp-eof', 'file 0 0 600 root root\n', 'directory 0 0 755 root root\n']);
  const grown = sharedPathResults(reads, stat, { code: 0, bytes: Buffer.from('abcd'), stderr: '' });
  t.is(grown[0]!.code, 1);
  t.regex(grown[0]!.stderr, /\/etc\/a changed while it was read \(cat: exit 0, 4 bytes where stat counted 3\)/);
  t.is(grown[1]!.code, 0, 'a read without content does not depend on the cat');
  const gone = sharedPathResults(reads, { code: 1, stdout: stat.stdout.split('\n').slice(1).join('\n'), stderr: "stat: cannot statx '/etc/a': No such file or directory\n" }, { code: 0, bytes: Buffer.from(''), stderr: '' });
  t.true(gone.every((r) => r.code === 1 && /changed while it was read \(stat: exit 1, 2 lines for 3 paths: stat: cannot statx/.test(r.stderr)));
  t.is(parsePathState('/etc/a', gone[0]!).kind, 'error');
});

test('a batch answered with a shared path section it did not ask for is a protocol error', (t) => {
  const out = `p 0 p:0:0\n0 1o\n0 1e\n0 ps\n0 pe\n0 pc\n0 total\n\n`;
  t.throws(() => parseBatchOutput(out, 2, [{ argv: ['true'] }, { argv: ['true'] }]), { instanceOf: BatchProtocolError, message: /probe 0 was answered as a path read/ });
  t.throws(() => parseBatchOutput('p 0\n0 1o\n0 1e\n0 total\n\n', 2), { instanceOf: BatchProtocolError, message: /exit codes/ });
});

// A stand-in systemctl that answers as systemd's does: one block per unit in the order given,
// blank lines between, each block's properties in its own fixed order filtered by -p.
const FAKE_SYSTEMCTL = `#!/bin/sh
[ "$1" = show ] && [ "$2" = -p ] || exit 2
props=",$3,"; shift 4
first=1
for u in "$@"; do
  case $u in bad*) echo "Unit name $u is not valid." >&2; exit 1 ;; esac
  [ $first = 1 ] || echo
  first=0
  for kv in "Id=$u" LoadState=loaded ActiveState=active "SubState=running" UnitFileState=enabled NeedDaemonReload=no; do
    case $props in *",\${kv%%=*},"*) echo "$kv" ;; esac
  done
done`;

test('systemctl shows share one call and each answers as it would alone; a failed shared call leaves each to run alone', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-show-'));
  try {
    writeFileSync(join(dir, 'systemctl'), FAKE_SYSTEMCTL, { mode: 0o755 });
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
    const shows = [
      { argv: ['systemctl', 'show', '-p', 'LoadState,ActiveState,SubState', '--', 'nftables.service'] },
      { argv: ['echo', 'between'] },
      { argv: ['systemctl', 'show', '-p', 'Id,NeedDaemonReload', '--', 'a.timer', 'nftables.service', 'a.timer'] },
      { argv: ['systemctl', 'show', '-p', 'UnitFileState', '--', 'b@x.service'] },
    ];
    const run = (probes: typeof shows) => {
      const r = spawnSync('sh', ['-c', batchScript(probes)], { encoding: 'utf8', timeout: 10_000, env });
      t.is(r.status, 0, r.stderr);
      return { first: r.stdout.split('\n')[0]!, results: parseBatchOutput(r.stdout, probes.length, probes) };
    };
    const alone = (argv: string[]) => {
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env });
      return { code: r.status!, stdout: r.stdout, stderr: r.stderr };
    };
    const ok = run(shows);
    t.is(ok.first, 'u 0 u u u:0', 'the three shows were answered by one call');
    shows.forEach((p, i) => t.deepEqual(ok.results[i], alone(p.argv), p.argv.join(' ')));
    t.is(ok.results[2]!.stdout, 'Id=a.timer\nNeedDaemonReload=no\n\nId=nftables.service\nNeedDaemonReload=no\n\nId=a.timer\nNeedDaemonReload=no\n');
    // One unit the shared call refuses: every show runs alone and fails or answers on its own.
    const mixed = [shows[0]!, { argv: ['systemctl', 'show', '-p', 'Id', '--', 'bad.service'] }];
    const fallback = run(mixed);
    t.is(fallback.first, '0 1 u:1');
    mixed.forEach((p, i) => t.deepEqual(fallback.results[i], alone(p.argv), p.argv.join(' ')));
    t.deepEqual(parseBatchScript(batchScript(shows)), shows.map((p) => p.argv), 'a fake host still sees every show as its own probe');
    t.is(sharedUnitShow(['systemctl', 'show', '-p', 'Id', '--', 'ssh*']), undefined, 'a glob is never shared');
    t.is(sharedUnitShow(['systemctl', 'show', '--value', '-p', 'Id', '--', 'ssh.service']), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a shared show whose blocks do not match its units fails those shows instead of misplacing properties', (t) => {
  const asked = [{ props: ['Id'], units: ['a.service', 'b.service'] }];
  const r = unitShowResults(asked, { code: 0, stdout: 'Id=a.service\n', stderr: '' });
  t.is(r[0]!.code, 1);
  t.regex(r[0]!.stderr, /exited 0 with 1 blocks for 2 units/);
});
