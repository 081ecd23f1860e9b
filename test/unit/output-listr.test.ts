import test from 'ava';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { Listr2Renderer } from '../../src/output/listr.ts';
import { PlainRenderer } from '../../src/output/plain.ts';
import { createRenderer, usableTty } from '../../src/output/renderer.ts';
import { applyRun } from './fixtures/output-events.ts';

/** A stream that says it is an 80-column terminal and keeps what is written to it. */
function fakeTty(columns = 80) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: true, columns, rows: 40 });
  return { stream, text: () => chunks.join('') };
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

test('on a terminal each host gets a progress line that ends settled; the full transcript follows', async (t) => {
  const out = fakeTty();
  const err = fakeTty();
  const r = new Listr2Renderer(out.stream, { stderr: err.stream });
  for (const e of applyRun()) r.emit(e);
  await r.close();
  const text = out.text();
  const plain = stripAnsi(text);
  // listr2 drew something in place (cursor movement) and gave the cursor back.
  t.true(text.includes('\u001b[?25l') && text.includes('\u001b[?25h'));
  t.regex(plain, /✔ gw1 \[ok=2 changed=2 failed=0 skipped=1\]/);
  t.regex(plain, /✖ gw2 \[ok=0 changed=0 failed=1 skipped=0\]/);
  t.regex(plain, /✖ gw3 \[ok=0 changed=0 failed=0 skipped=0\]/);
  // What plain lines show is still printed in full once each batch's view has ended.
  const after = plain.slice(plain.lastIndexOf('✖ gw2'));
  for (const line of [
    'gw1 | keepalived | template /etc/keepalived/keepalived.conf | changed | content differs',
    'gw2 | keepalived | package keepalived | failed | apt-get install keepalived exited 100',
    '    E: Unable to locate package keepalived',
    '[UNREACHABLE] gw3: connect ECONNREFUSED 198.18.0.13:22',
    '[STOPPED] gateways: max_fail_percentage 0 exceeded',
  ]) t.true(after.includes(line + '\n'), line);
  t.true(plain.endsWith('gw3 : ok=0 changed=0 unreachable=1 failed=0 skipped=0\n'));
  // Batch 2 is drawn only after batch 1's transcript, and the recap comes last.
  t.true(plain.indexOf('[GATE] gateways') < plain.indexOf('gw3 ['));
  t.true(plain.indexOf('[STOPPED]') < plain.indexOf('PLAY RECAP'));
  t.is(err.text(), '');
});

test('the title follows the host through its roles and tasks while it runs', async (t) => {
  const out = fakeTty(120);
  const r = new Listr2Renderer(out.stream, { stderr: fakeTty().stream });
  r.emit({ type: 'batch-start', play: 'p', index: 0, total: 1, hosts: ['gw1'] });
  r.emit({ type: 'role-start', host: 'gw1', role: 'nftables' });
  r.emit({ type: 'task', host: 'gw1', role: 'nftables', task: 'file /etc/nftables.conf', module: 'file', status: 'ok', check: false });
  await new Promise((resolve) => setTimeout(resolve, 150));
  r.emit({ type: 'host-done', host: 'gw1' });
  await r.close();
  const plain = stripAnsi(out.text());
  t.regex(plain, /gw1 › nftables › file \/etc\/nftables\.conf \[ok=1 changed=0 failed=0 skipped=0\]/);
  t.regex(plain, /✔ gw1 \[ok=1 changed=0 failed=0 skipped=0\]/);
});

test('events for a host outside any announced batch still get a progress line', async (t) => {
  const out = fakeTty();
  const r = new Listr2Renderer(out.stream, { stderr: fakeTty().stream });
  r.emit({ type: 'task', host: 'gw9', role: 'base', task: 'package curl', module: 'package', status: 'changed', reason: 'not installed', check: true });
  await r.close();
  const plain = stripAnsi(out.text());
  t.regex(plain, /✔ gw9 \[ok=0 changed=1 failed=0 skipped=0\]/);
  t.true(plain.includes('gw9 | base | package curl | would change | not installed\n'));
});

test('createRenderer picks listr2 only for a usable terminal, plain lines otherwise', async (t) => {
  const tty = fakeTty().stream;
  const err = fakeTty().stream;
  const env = { TERM: 'xterm' };
  const listr = createRenderer({ tty: true, stream: tty, stderr: err, env });
  t.true(listr instanceof Listr2Renderer);
  await listr.close?.();
  t.true(createRenderer({ tty: false, stream: tty, stderr: err, env }) instanceof PlainRenderer);
  t.true(createRenderer({ tty: true, stream: fakeTty(20).stream, stderr: err, env }) instanceof PlainRenderer);
  t.true(createRenderer({ tty: true, stream: { write: () => true }, env }) instanceof PlainRenderer);
  t.true(createRenderer({ tty: true, stream: tty, stderr: tty, env }) instanceof PlainRenderer);
  t.true(createRenderer({ tty: true, stream: tty, stderr: err, env: { TERM: 'dumb' } }) instanceof PlainRenderer);
  t.false(usableTty(tty, { TERM: 'dumb' }));
  t.false(usableTty(tty, { TERM: 'xterm', CI: 'true' }));
  t.true(usableTty(tty, { TERM: 'xterm-256color' }));
});

test('a progress view the CLI forgets to close does not keep the process alive', (t) => {
  const child = spawnSync(process.execPath, ['--import=tsx', 'test/unit/fixtures/listr-unclosed.ts'], { encoding: 'utf8', timeout: 15_000 });
  t.is(child.error, undefined);
  t.is(child.status, 0, child.stderr);
  t.is(child.stdout, 'still drawing\n');
});
