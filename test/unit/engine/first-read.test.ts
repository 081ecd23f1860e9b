import test from 'ava';
import { spawnSync } from 'node:child_process';
import { firstReadPlan, MAX_FIRST_READ, parseFirstRead } from '../../../src/engine/first-read.ts';
import { quoteArgv } from '../../../src/connection/quote.ts';

// sshd gives the login shell the whole command as one argument, which Linux caps at 128 KiB.
test('a first read too big for one command leaves only the facts in the lock round trip', (t) => {
  const big = firstReadPlan((f) => [{ argv: ['printf', '%s', `${f.init}:${'x'.repeat(MAX_FIRST_READ)}`] }]);
  t.deepEqual(big.sent.map((s) => s.probes), [undefined]);
  t.true(quoteArgv(big.command).length < MAX_FIRST_READ);
  const r = spawnSync(big.command[0]!, big.command.slice(1), { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.false('read' in parseFirstRead('h1', big, { code: r.status!, stdout: r.stdout, stderr: r.stderr }));
  const small = firstReadPlan((f) => [{ argv: ['printf', '%s', f.init] }]);
  t.is(small.sent.length, 2, 'a read per init when the probes differ');
  const s = spawnSync(small.command[0]!, small.command.slice(1), { encoding: 'utf8' });
  const got = parseFirstRead('h1', small, { code: s.status!, stdout: s.stdout, stderr: s.stderr });
  t.is(got.read?.results[0]!.stdout, got.facts.init, 'the read that ran is the one for the host\'s own facts');
});
