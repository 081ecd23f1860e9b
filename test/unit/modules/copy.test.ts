import test from 'ava';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../src/connection/local.ts';
import { copy } from '../../../src/modules/copy.ts';
import { applyTask, readAndCompare } from '../../helpers/run-task.ts';
import { makeFacts } from '../../helpers/facts.ts';

// Every byte value, NUL and invalid UTF-8 included: what a text channel would mangle.
const BINARY = Buffer.from([...Array(256).keys(), 0xff, 0xfe, 0x00, 0x0a, 0x0d]);

test('copy writes any bytes unchanged, then is up to date; a mode change alone is a metadata change', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'h17-copy-'));
  const path = join(dir, 'blob.bin');
  const me = userInfo().username;
  const conn = new LocalConnection();
  const facts = makeFacts();
  const first = await applyTask(copy({ path, content: BINARY, owner: me, group: String(userInfo().gid), mode: '0600' }), conn, facts);
  t.is(first.first.status, 'change');
  t.deepEqual(readFileSync(path), BINARY);
  t.is(statSync(path).mode & 0o777, 0o600);
  const again = await readAndCompare(copy({ path, content: BINARY, owner: me, group: String(userInfo().gid), mode: '0600' }), conn, facts);
  t.like(again, { status: 'ok' });
  const mode = await readAndCompare(copy({ path, content: BINARY, owner: me, group: String(userInfo().gid), mode: '0640' }), conn, facts);
  t.like(mode, { status: 'change', plan: { action: 'metadata' } });
  const changed = await readAndCompare(copy({ path, content: Buffer.concat([BINARY, Buffer.from([1])]), owner: me, group: String(userInfo().gid), mode: '0600' }), conn, facts);
  t.like(changed, { status: 'change', plan: { action: 'write' } });
  const onDir = await readAndCompare(copy({ path: dir, content: BINARY }), conn, facts);
  t.like(onDir, { status: 'fail' });
});
