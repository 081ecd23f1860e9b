// Proves the modules' sh scripts on a real shell: LocalConnection runs the same argv a host would
// get. Every write happens inside one fresh directory under /tmp; sysctls, the dpkg database and
// init scripts (`status`) are only read.
import test from 'ava';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { LocalConnection } from '../../src/connection/local.ts';
import { absent, command, directory, file, pkg, service, symlink, sysctl } from '../../src/modules/index.ts';
import { renderSysctlFile } from '../../src/modules/sysctl.ts';
import { runProbes } from '../../src/connection/batch.ts';
import type { AnyTask } from '../../src/task/task.ts';
import { makeFacts } from '../helpers/facts.ts';
import { applyTask, readAndCompare } from '../helpers/run-task.ts';

const facts = makeFacts();
const root = mkdtempSync('/tmp/tsp-modules-');
let n = 0;
/** A fresh subdirectory per test, so tests can run concurrently. */
function dir(): string {
  const d = `${root}/t${++n}`;
  mkdirSync(d);
  return d;
}
test.after.always(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (p: string) => statSync(p).mode & 0o7777;
const backupsOf = (d: string, base: string) => readdirSync(d).filter((f) => new RegExp(`^${base}\\.\\d{8}T\\d{6}~$`).test(f)).sort();

test('file: create, then a second compare is ok', async (t) => {
  const d = dir();
  const conn = new LocalConnection();
  const content = "weird 'quotes' \"and\" $HOME `cmd` \\ ünïcode\nno newline at end";
  const task = file({ path: `${d}/a.conf`, content, mode: '0640', owner: 'nobody', group: 'nogroup' });
  const { first, outcome } = await applyTask(task, conn, facts);
  t.is(first.status, 'change');
  t.deepEqual(outcome, { changed: true });
  t.is(readFileSync(`${d}/a.conf`, 'utf8'), content);
  t.is(modeOf(`${d}/a.conf`), 0o640);
  t.is((await readAndCompare(task, conn, facts)).status, 'ok');
  t.deepEqual(readdirSync(d), ['a.conf'], 'no temp file or backup left behind');
});

test('file: replacing keeps a backup with the old content and mode; only the newest 3 of that file stay', async (t) => {
  const d = dir();
  const conn = new LocalConnection();
  writeFileSync(`${d}/a.conf`, 'old\n', { mode: 0o600 });
  chmodSync(`${d}/a.conf`, 0o600);
  for (const s of ['20200101T000000', '20200102T000000', '20200103T000000']) writeFileSync(`${d}/a.conf.${s}~`, s);
  writeFileSync(`${d}/b.conf.20190101T000000~`, 'other file');
  writeFileSync(`${d}/a.conf.bak`, 'not ours');
  const res = await applyTask(file({ path: `${d}/a.conf`, content: 'new\n', mode: '0600' }), conn, facts);
  t.is(res.first.status, 'change');
  t.is(readFileSync(`${d}/a.conf`, 'utf8'), 'new\n');
  const backups = backupsOf(d, 'a\\.conf');
  t.is(backups.length, 3);
  t.deepEqual(backups.slice(0, 2), ['a.conf.20200102T000000~', 'a.conf.20200103T000000~']);
  const newest = `${d}/${backups[2]}`;
  t.is(readFileSync(newest, 'utf8'), 'old\n');
  t.is(modeOf(newest), 0o600);
  t.true(existsSync(`${d}/b.conf.20190101T000000~`));
  t.true(existsSync(`${d}/a.conf.bak`));
});

test('file: a failing validator keeps the old file and leaves no temp file', async (t) => {
  const d = dir();
  const conn = new LocalConnection();
  writeFileSync(`${d}/nft.conf`, 'good\n');
  const task = file({ path: `${d}/nft.conf`, content: 'bad\n', validate: ['sh', '-c', 'grep -q good "$1" || { echo "syntax error in $1" >&2; exit 1; }', 'sh', '%s'] });
  const err = await t.throwsAsync(applyTask(task, conn, facts));
  t.regex(err!.message, /validation `.*` exited 1; the file was not replaced: syntax error in .*\/\.nft\.conf\.tsp-[0-9a-f]{8}/);
  t.is(readFileSync(`${d}/nft.conf`, 'utf8'), 'good\n');
  t.deepEqual(readdirSync(d), ['nft.conf']);
});

test('file: a passing validator sees the new content at the temp path', async (t) => {
  const d = dir();
  const task = file({ path: `${d}/ok.conf`, content: 'good\n', validate: ['grep', '-q', 'good', '%s'] });
  await applyTask(task, new LocalConnection(), facts);
  t.is(readFileSync(`${d}/ok.conf`, 'utf8'), 'good\n');
});

test('file: a missing directory is a change to compare and a clear failure to apply', async (t) => {
  const d = dir();
  const task = file({ path: `${d}/nope/x.conf`, content: 'x' });
  const conn = new LocalConnection();
  const c = await readAndCompare(task, conn, facts);
  t.is(c.status, 'change');
  t.regex(c.status === 'change' ? c.reason : '', /does not exist yet/);
  await t.throwsAsync(applyTask(task, conn, facts), { message: `localhost: ${d}/nope/x.conf: directory ${d}/nope does not exist` });
});

test('file: a mode-only difference is fixed in place without a rewrite or backup', async (t) => {
  const d = dir();
  writeFileSync(`${d}/m.conf`, 'same\n');
  chmodSync(`${d}/m.conf`, 0o666);
  const inode = statSync(`${d}/m.conf`).ino;
  const { first } = await applyTask(file({ path: `${d}/m.conf`, content: 'same\n', mode: '0644' }), new LocalConnection(), facts);
  t.is(first.status === 'change' ? first.reason : '', 'mode 0666 -> 0644');
  t.is(modeOf(`${d}/m.conf`), 0o644);
  t.is(statSync(`${d}/m.conf`).ino, inode);
  t.deepEqual(readdirSync(d), ['m.conf']);
});

test('directory: create with parents, then ok, then a mode fix', async (t) => {
  const d = dir();
  const conn = new LocalConnection();
  const task = directory({ path: `${d}/a/b`, mode: '0750' });
  t.is((await applyTask(task, conn, facts)).first.status, 'change');
  t.true(statSync(`${d}/a/b`).isDirectory());
  t.is(modeOf(`${d}/a/b`), 0o750);
  t.is((await readAndCompare(task, conn, facts)).status, 'ok');
  chmodSync(`${d}/a/b`, 0o700);
  const again = await applyTask(task, conn, facts);
  t.is(again.first.status === 'change' ? again.first.reason : '', 'mode 0700 -> 0750');
  t.is(modeOf(`${d}/a/b`), 0o750);
});

test('symlink: create, idempotent, retarget; a regular file needs force', async (t) => {
  const d = dir();
  const conn = new LocalConnection();
  const link = `${d}/current`;
  await applyTask(symlink({ path: link, target: 'v1' }), conn, facts);
  t.is(readlinkSync(link), 'v1');
  t.is((await readAndCompare(symlink({ path: link, target: 'v1' }), conn, facts)).status, 'ok');
  await applyTask(symlink({ path: link, target: `${d}/v2` }), conn, facts);
  t.is(readlinkSync(link), `${d}/v2`);

  writeFileSync(`${d}/plain`, 'keep me');
  const refused = await readAndCompare(symlink({ path: `${d}/plain`, target: 'v1' }), conn, facts);
  t.is(refused.status, 'fail');
  t.is(readFileSync(`${d}/plain`, 'utf8'), 'keep me');
  await applyTask(symlink({ path: `${d}/plain`, target: 'v1', force: true }), conn, facts);
  t.true(lstatSync(`${d}/plain`).isSymbolicLink());

  mkdirSync(`${d}/adir/sub`, { recursive: true });
  await applyTask(symlink({ path: `${d}/adir`, target: 'v1', force: true }), conn, facts);
  t.is(readlinkSync(`${d}/adir`), 'v1');
  t.deepEqual(readdirSync(d).filter((f) => f.includes('.tsp-')), []);
});

test('absent: file, symlink (target kept), directory tree, already absent', async (t) => {
  const d = dir();
  const conn = new LocalConnection();
  writeFileSync(`${d}/f`, 'x');
  mkdirSync(`${d}/tree/deep`, { recursive: true });
  writeFileSync(`${d}/tree/deep/f`, 'x');
  mkdirSync(`${d}/target`);
  symlinkSync(`${d}/target`, `${d}/link`);
  for (const p of ['f', 'tree', 'link']) {
    const { first } = await applyTask(absent({ path: `${d}/${p}` }), conn, facts);
    t.is(first.status, 'change', p);
    t.false(existsSync(`${d}/${p}`) || lstatExists(`${d}/${p}`), p);
  }
  t.true(statSync(`${d}/target`).isDirectory());
  const again = await readAndCompare(absent({ path: `${d}/f` }), conn, facts);
  t.deepEqual(again, { status: 'ok', reason: 'already absent' });
});

function lstatExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

test('command: the creates guard turns the second run into ok', async (t) => {
  const d = dir();
  const conn = new LocalConnection();
  const task = command({ argv: ['touch', `${d}/done`], creates: `${d}/done` });
  t.is((await applyTask(task, conn, facts)).first.status, 'change');
  t.true(existsSync(`${d}/done`));
  t.deepEqual(await readAndCompare(task, conn, facts), { status: 'ok', reason: `${d}/done exists` });
});

test('command: a failing command reports exit code and stderr', async (t) => {
  const d = dir();
  const task = command({ argv: ['ls', `${d}/missing`] });
  await t.throwsAsync(applyTask(task, new LocalConnection(), facts), { message: /^localhost: `ls .*\/missing` exited 2: ls: cannot access/ });
});

test('sysctl: the live probe reads /proc/sys as it is (compare only: nothing is ever written)', async (t) => {
  const d = dir();
  const range = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).join(' ');
  const values = { 'net.ipv4.ip_local_port_range': range, 'fs.file-nr': '0 0 0', 'net.ipv4.tsp_no_such_key': 1 };
  const task = sysctl({ file: `${d}/90-test.conf`, values });
  writeFileSync(`${d}/90-test.conf`, renderSysctlFile(Object.entries(values).map(([k, v]) => [k, String(v)])));
  chmodSync(`${d}/90-test.conf`, 0o644);
  const c = await readAndCompare(task, new LocalConnection(), facts);
  t.is(c.status, 'ok', JSON.stringify(c));
  const warnings = c.status === 'ok' ? (c.warnings ?? []) : [];
  t.is(warnings.length, 2, JSON.stringify(warnings));
  t.regex(warnings[0] ?? '', /^fs\.file-nr: not settable on this host \(read-only\); live value \d+ \d+ \d+ stays$/);
  t.regex(warnings[1] ?? '', /^net\.ipv4\.tsp_no_such_key: not present/);
});

test("probes give the same answers through the engine's one-round-trip batch", async (t) => {
  const d = dir();
  writeFileSync(`${d}/f`, 'trailing blank lines\n\n\n');
  const tasks: AnyTask[] = [file({ path: `${d}/f`, content: 'trailing blank lines\n\n\n' }), directory({ path: d, mode: '0755' }), absent({ path: `${d}/none` }), command({ argv: ['true'], creates: `${d}/f` })];
  chmodSync(d, 0o755);
  const conn = new LocalConnection();
  const results = await runProbes(conn, tasks.flatMap((task) => task.probes(facts)));
  t.is(conn.roundTrips, 1);
  const statuses = tasks.map((task, i) => task.compare(task.parse([results[i]!], facts), facts).status);
  t.deepEqual(statuses, ['ok', 'ok', 'ok', 'ok']);
});

test('pkg and sysvinit service probes read this machine as it is (compare only: nothing is installed or started)', async (t) => {
  const conn = new LocalConnection();
  const have = await readAndCompare(pkg({ names: ['dpkg', 'bash'], minVersion: '1.0' }), conn, facts);
  t.is(have.status, 'ok');
  t.regex(have.status === 'ok' ? (have.reason ?? '') : '', /^installed: dpkg \d\S+, bash \d\S+$/);
  const missing = await readAndCompare(pkg({ names: ['bash', 'tsp-no-such-package'] }), conn, facts);
  t.deepEqual(missing.status === 'change' ? missing.plan : undefined, { action: 'install', names: ['tsp-no-such-package'] });

  const sysv = makeFacts({ init: 'sysvinit' });
  const dbus = await readAndCompare(service({ unit: 'dbus', enabled: true }), conn, sysv);
  t.is(dbus.status, 'ok', JSON.stringify(dbus));
  t.regex(dbus.status === 'ok' ? (dbus.reason ?? '') : '', /, enabled$/);
  const none = await readAndCompare(service({ unit: 'tsp-no-such-service', state: 'started' }), conn, sysv);
  t.is(none.status === 'depends' ? none.reason : '', 'unit tsp-no-such-service not present yet (would be started)');
});
