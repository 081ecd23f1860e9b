import test from 'ava';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonSink, type RunDocument } from '../../src/output/json.ts';
import { applyRun } from './fixtures/output-events.ts';

const clock = () => {
  let ms = Date.parse('2025-01-01T00:00:00.000Z');
  return () => new Date((ms += 1000));
};

test('--json writes one document: run fields, every event with its time, the recap and the exit code', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-json-'));
  const file = join(dir, 'sub', 'run.json');
  const sink = new JsonSink(file, clock());
  const events = applyRun();
  for (const e of events) sink.emit(e);
  await sink.close();

  const doc = JSON.parse(await readFile(file, 'utf8')) as RunDocument;
  t.deepEqual(Object.keys(doc), ['version', 'playbook', 'check', 'diff', 'startedAt', 'finishedAt', 'events', 'recap', 'exitCode']);
  t.is(doc.version, 1);
  t.is(doc.playbook, 'playbooks/site.ts');
  t.false(doc.check);
  t.true(doc.diff);
  t.is(doc.startedAt, '2025-01-01T00:00:01.000Z');
  t.is(doc.events.length, events.length);
  t.is(doc.events[0]!.time, '2025-01-01T00:00:02.000Z');
  t.deepEqual(
    doc.events.map(({ time: _time, ...e }) => e),
    events,
  );
  t.deepEqual(doc.recap, (events.at(-1) as { hosts: unknown }).hosts);
  t.is(doc.exitCode, 4);
  t.true(doc.finishedAt > doc.events.at(-1)!.time);
  // Only the document is left behind, not its temp file; not readable by other users.
  t.deepEqual(await readdir(join(dir, 'sub')), ['run.json']);
  t.is((await stat(file)).mode & 0o077, 0);
});

test('a run that ended before its recap still gets a document, with recap and exit code null', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-json-'));
  const file = join(dir, 'run.json');
  const sink = new JsonSink(file);
  for (const e of applyRun().slice(0, 5)) sink.emit(e);
  await sink.close();
  const doc = JSON.parse(await readFile(file, 'utf8')) as RunDocument;
  t.is(doc.recap, null);
  t.is(doc.exitCode, null);
  t.is(doc.events.length, 5);
});

test('closing twice writes once and does not throw', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-json-'));
  const sink = new JsonSink(join(dir, 'run.json'));
  sink.emit({ type: 'run-start', playbook: 'p.ts', check: true, diff: false });
  await sink.close();
  await t.notThrowsAsync(() => sink.close());
});
