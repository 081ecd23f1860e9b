import test from 'ava';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { EngineEvent } from '../../src/engine/events.ts';
import { errorText } from '../../src/output/error.ts';
import { JsonSink } from '../../src/output/json.ts';
import { Listr2Renderer } from '../../src/output/listr.ts';
import { PlainRenderer } from '../../src/output/plain.ts';
import { REDACTED, registerSecret } from '../../src/vault/redact.ts';
import { stats } from './fixtures/output-events.ts';

const SECRET = 'vrrp-S3cret-pass';
const OLD_SECRET = 'old-S3cret-pass';
const LATE_SECRET = 'registered-late-9f2';
registerSecret(SECRET);
registerSecret(OLD_SECRET);

/** The secret in every string field a sink writes: reasons, diffs, warnings, messages, names. */
const events: EngineEvent[] = [
  { type: 'run-start', playbook: `playbooks/${SECRET}.ts`, check: false, diff: true },
  { type: 'play-start', play: `play ${SECRET}`, hosts: ['gw1', 'gw2'] },
  { type: 'batch-start', play: 'p', index: 0, total: 1, hosts: ['gw1', 'gw2'] },
  { type: 'role-start', host: 'gw1', role: 'keepalived' },
  {
    type: 'task',
    host: 'gw1',
    role: 'keepalived',
    task: `template auth ${SECRET}`,
    module: 'template',
    status: 'changed',
    reason: `auth_pass differs: ${SECRET}`,
    diffs: [{ path: '/etc/keepalived/keepalived.conf', before: `auth_pass ${OLD_SECRET}\npriority 100\n`, after: `auth_pass ${SECRET}\npriority 150\n` }],
    warnings: [`sysctl refused, value ${SECRET}`],
    check: false,
  },
  { type: 'task', host: 'gw1', role: 'keepalived', task: 'ok task', module: 'file', status: 'ok', reason: `same ${SECRET}`, check: false },
  { type: 'task', host: 'gw2', role: 'keepalived', task: 'cmd', module: 'command', status: 'failed', reason: `exit 1\nstderr: bad password ${SECRET}\n${LATE_SECRET}`, check: false },
  { type: 'host-failed', host: 'gw2', reason: `stopped: ${SECRET}` },
  { type: 'gate', play: 'p', gate: 'health', passed: false, reason: `curl said ${SECRET}` },
  { type: 'warning', host: 'gw1', message: `warned ${SECRET}` },
  { type: 'warning', message: `global ${SECRET}` },
  { type: 'info', host: 'gw1', message: `info ${SECRET}` },
  { type: 'unreachable', host: 'gw1', reason: `ssh banner ${SECRET}` },
  { type: 'play-end', play: 'p', stopped: `stopped because ${SECRET}` },
  { type: 'recap', hosts: { gw1: stats({ changed: 1, unreachable: 1 }), gw2: stats({ failed: 1 }) } },
];

function assertClean(t: import('ava').ExecutionContext, text: string) {
  t.false(text.includes(SECRET), 'secret leaked');
  t.false(text.includes(OLD_SECRET), 'old secret leaked');
  t.false(text.includes('S3cret'), 'part of a secret leaked');
  t.true(text.includes(REDACTED));
}

test('plain lines (verbose, with diffs) never show a registered secret', (t) => {
  let out = '';
  const r = new PlainRenderer({ write: (c: string) => (out += c) }, { verbose: true, diff: true });
  for (const e of events) r.emit(e);
  assertClean(t, out);
  t.true(out.includes(`gw1 | keepalived | template auth ${REDACTED} | changed | auth_pass differs: ${REDACTED}`));
  t.true(out.includes(`[WARN] gw1: warned ${REDACTED}`));
  t.true(out.includes(`    stderr: bad password ${REDACTED}`));
  // Old and new secret both read <vaulted>: the line is context, and the note says it changed.
  t.true(out.includes(` auth_pass ${REDACTED}\n-priority 100\n+priority 150\n`));
  t.true(out.includes('(a vaulted value changed)'));
});

test('the listr2 progress view and its transcript never show a registered secret', async (t) => {
  const chunks: string[] = [];
  const stream = new Writable({ write: (c, _e, cb) => (chunks.push(c.toString()), cb()) }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: true, columns: 200, rows: 40 });
  const stderr = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;
  const r = new Listr2Renderer(stream, { stderr, diff: true, verbose: true });
  for (const e of events) r.emit(e);
  await r.close();
  assertClean(t, chunks.join(''));
});

test('the --json document is redacted, including secrets registered after the event was emitted', async (t) => {
  const file = join(await mkdtemp(join(tmpdir(), 'tsplay-redact-')), 'run.json');
  const sink = new JsonSink(file);
  for (const e of events) sink.emit(e);
  registerSecret(LATE_SECRET);
  await sink.close();
  const text = await readFile(file, 'utf8');
  assertClean(t, text);
  t.false(text.includes(LATE_SECRET));
  // The raw before/after of a diff are in the document too, so they are redacted as well.
  t.true(text.includes(`"before": "auth_pass ${REDACTED}\\npriority 100\\n"`));
});

test('error text for the terminal is redacted, message and stack', (t) => {
  const err = new Error(`template failed near ${SECRET}`);
  t.is(errorText(err), `template failed near ${REDACTED}`);
  assertClean(t, errorText(err, true));
  t.is(errorText(`thrown string ${SECRET}`), `thrown string ${REDACTED}`);
});
