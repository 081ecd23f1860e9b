import test from 'ava';
import { ProcessError, mustRunProcess, runProcess } from '../../../src/base/process.ts';

test('collects output, exit status and duration; stdin is fed and closed', async (t) => {
  const r = await runProcess(['sh', '-c', 'cat; echo err >&2; exit 3'], { input: 'in\n' });
  t.is(r.code, 3);
  t.is(r.stdout, 'in\n');
  t.is(r.stderr, 'err\n');
  t.true(r.durationMs >= 0);
  t.false(r.timedOut);
});

test('a program that cannot start is exit 127 with the reason, not a throw', async (t) => {
  const r = await runProcess(['/nonexistent/tsp-binary']);
  t.is(r.code, 127);
  t.regex(r.stderr, /ENOENT/);
});

test('a timeout sends SIGTERM, then SIGKILL to a program that ignores it', async (t) => {
  const term = await runProcess(['sleep', '5'], { timeoutMs: 100 });
  t.true(term.timedOut);
  t.is(term.signal, 'SIGTERM');
  t.is(term.code, 143);
  const kill = await runProcess(['sh', '-c', 'trap "" TERM; sleep 1'], { timeoutMs: 100, killGraceMs: 100 });
  t.is(kill.signal, 'SIGKILL');
  t.is(kill.code, 137);
});

test('stdout lines arrive as they are printed', async (t) => {
  const lines: string[] = [];
  await runProcess(['sh', '-c', 'echo one; echo two'], { onLine: (l) => lines.push(l) });
  t.deepEqual(lines, ['one', 'two']);
});

test('a failing program throws a ProcessError in the execa model, control characters escaped', async (t) => {
  const e = await t.throwsAsync(mustRunProcess(['sh', '-c', 'printf "bad\\033[31m\\n" >&2; exit 4']), { instanceOf: ProcessError });
  t.is(e!.code, 4);
  t.is(e!.command, 'sh -c printf "bad\\033[31m\\n" >&2; exit 4');
  t.is(e!.stderr, 'bad\x1b[31m\n');
  t.true(e!.durationMs >= 0);
  t.regex(e!.message, /exited 4\nbad\\x1b\[31m$/);
});

test('held signals are reported instead of ending ts-play', async (t) => {
  const r = await runProcess(['sh', '-c', `kill -INT ${process.pid}; sleep 0.2`], { holdSignals: true });
  t.is(r.interrupted, 'SIGINT');
  t.is(r.code, 0);
});
