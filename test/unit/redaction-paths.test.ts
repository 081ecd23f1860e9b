// Issue 14: a vaulted value must be redacted on its raw text, before anything escapes, quotes or
// cuts it, at every sink. Each test takes one path by which a secret used to escape.
import test from 'ava';
import { leaksOf } from '../helpers/leaks.ts';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRoleVars } from '../../src/inventory/typecheck.ts';
import { ipv4Address } from '../../src/vars/checks.ts';
import { command } from '../../src/modules/command.ts';
import { CommandError, trimStderr } from '../../src/connection/errors.ts';
import { JsonSink } from '../../src/output/json.ts';
import { PlainRenderer } from '../../src/output/plain.ts';
import { errorText } from '../../src/output/error.ts';
import { ProcessError } from '../../src/base/process.ts';
import { TsPlayError } from '../../src/base/errors.ts';
import { clearSecrets, registerSecret } from '../../src/vault/redact.ts';
import { loadExtraVars } from '../../src/inventory/extra-vars.ts';

// Long (over the 57 characters a type error used to keep), with a quote, a double quote and a
// backslash: each of them is escaped by one sink or another.
const SECRET = `tok-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4Y5z6'q"b\\s-end-7f3a`;

const leaks = (text: string): string[] => leaksOf(SECRET, text, 4);

test.before(() => {
  clearSecrets();
  registerSecret(SECRET);
});
test.after.always(() => clearSecrets());

test.serial('a type error quoting a long vaulted value (over 57 characters, with quotes) shows none of it', (t) => {
  const { errors } = checkRoleVars('r', 'gw1', { psk: 0, list: [] as string[] }, { psk: SECRET, list: SECRET }, {});
  t.is(errors.length, 2);
  for (const e of errors) t.deepEqual(leaks(e), [], e);
  t.regex(errors[0]!, /got string "<vaulted>"$/);
});

test.serial('a value inside a list or mapping in a type error is redacted before it is cut', (t) => {
  const { errors } = checkRoleVars('r', 'gw1', { psk: 0 }, { psk: { a: `x${SECRET}` } }, {});
  t.deepEqual(leaks(errors[0]!), [], errors[0]);
});

test.serial('a shared check quoting the value (ipv4Address) redacts before JSON escapes', (t) => {
  const [e] = ipv4Address('mgmt_address', SECRET);
  t.deepEqual(leaks(e!), [], e);
  t.regex(e!, /got "<vaulted>"$/);
});

test.serial('argv shown shell-quoted in a task name: the name holds no part of the secret', (t) => {
  const task = command({ argv: ['curl', '-H', `Authorization: Bearer ${SECRET}`, 'https://api.example'] });
  t.deepEqual(leaks(task.name), [], task.name);
  t.regex(task.name, /<vaulted>/);
  const guarded = command({ argv: ['true'], unless: ['grep', '-q', SECRET, '/etc/x'] });
  const cmp = guarded.compare([0] as never, { init: 'systemd' });
  t.deepEqual(leaks(cmp.reason ?? ''), [], cmp.reason);
});

test.serial('a failed command: argv and stderr redacted before quoting and before the cut to the last 2000 characters', (t) => {
  // The cut lands inside the secret: before, the tail of the secret went through.
  const stderr = `${'x'.repeat(10)}${SECRET}${'y'.repeat(2000 - 20)}`;
  const err = new CommandError('gw1', ['sh', '-c', `echo '${SECRET}'`], { code: 1, stdout: '', stderr });
  t.deepEqual(leaks(err.message), [], err.message);
  t.deepEqual(leaks(trimStderr(stderr)), []);
  t.deepEqual(leaks(errorText(err)), []);
});

test.serial('a control-side process error (ProcessError) is redacted before its output is escaped and cut', (t) => {
  const err = new ProcessError({ argv: ['tool'], code: 2, stdout: '', stderr: `${'z'.repeat(30)}\u001b${SECRET}${'w'.repeat(570)}`, durationMs: 1, timedOut: false });
  t.deepEqual(leaks(err.message), [], err.message);
});

test.serial('an error whose message escaped control characters before redaction is still caught', (t) => {
  const ctl = `ctl-\u001b[31m-${SECRET.slice(0, 20)}`;
  registerSecret(ctl);
  const text = new TsPlayError(`bad value ${ctl}`).userMessage();
  t.false(text.includes('[31m-tok-A1b2'), text);
  t.regex(text, /bad value <vaulted>/);
});

test.serial('--json: a task name holding a quoted secret is redacted in the document', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsp-redact-json-'));
  const sink = new JsonSink(join(dir, 'run.json'));
  const task = command({ argv: ['sh', '-c', `printf %s '${SECRET}'`] });
  sink.emit({ type: 'task', host: 'gw1', role: 'r', task: task.name, module: 'command', status: 'failed', reason: new CommandError('gw1', ['x', SECRET], { code: 1, stdout: '', stderr: '' }).message, check: false });
  await sink.close();
  const text = await readFile(join(dir, 'run.json'), 'utf8');
  t.deepEqual(leaks(text), [], text);
});

test.serial('plain lines: a task name and reason quoting the secret show none of it', (t) => {
  let out = '';
  const r = new PlainRenderer({ write: (s: string) => (out += s) }, { verbose: true });
  r.emit({ type: 'task', host: 'gw1', role: 'r', task: command({ argv: ['x', SECRET] }).name, module: 'command', status: 'changed', reason: `run ${JSON.stringify(SECRET)}`, check: false });
  t.deepEqual(leaks(out), [], out);
});

test.serial('an -e argument quoted in an error is redacted before it is cut to 40 characters', async (t) => {
  // The cut at 40 characters falls inside the secret: the part before the cut used to show.
  const err = await t.throwsAsync(loadExtraVars([`a=1 b=2 token=${SECRET} "unterminated`], process.cwd()));
  t.deepEqual(leaks(errorText(err)), [], errorText(err));
  t.regex(errorText(err), /token=<vaulted>/);
});
