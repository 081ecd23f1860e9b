import test from 'ava';
import { spawnSync } from 'node:child_process';
import { batchScript, parseBatchOutput, parseBatchScript, BatchProtocolError } from '../../src/connection/batch.ts';

// The script is run by a real sh here: the framing must survive binary-ish content,
// empty output, failing probes and arguments that need quoting.
test('a batch of probes runs in one sh and every result comes back in order', (t) => {
  const probes = [
    { argv: ['printf', '%s', 'line one\nline two\n'] },
    { argv: ['sh', '-c', 'echo oops >&2; exit 3'] },
    { argv: ['true'] },
    { argv: ['printf', '%s', "it's \"quoted\" $HOME `x`"] },
    { argv: ['cat'] }, // stdin must be closed, or this would hang
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
});

test('a missing or garbled result is an error, not a silent empty state', (t) => {
  t.throws(() => parseBatchOutput('0 0  \n', 2), { instanceOf: BatchProtocolError, message: /probe 1/ });
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
