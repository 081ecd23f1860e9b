import test from 'ava';
import { spawnSync } from 'node:child_process';
import { batchOutput, batchScript, parseBatchOutput, parseBatchScript, BatchProtocolError } from '../../src/connection/batch.ts';

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
