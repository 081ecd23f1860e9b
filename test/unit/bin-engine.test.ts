// The prebuilt engine (bin/engine.js, bin/build.js): a current build runs, a stale or missing one
// never does (the process says so and runs src/), and either way a playbook's `import 'ts-play'`
// is the engine the process runs. On a copy of the project, so this checkout's dist/ is untouched.
import test from 'ava';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runProcess } from '../../src/base/process.ts';
import { ROOT } from '../helpers/cli.ts';
// @ts-expect-error plain JavaScript without declarations: it runs before any TypeScript can load
import { chooseEngine, sourceDigests, staleness, STAMP_FILE } from '../../bin/engine.js';

const copy = mkdtempSync(join(tmpdir(), 'tsp-engine-'));
test.after.always(() => rmSync(copy, { recursive: true, force: true }));
for (const p of ['bin', 'src', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(ROOT, p), join(copy, p), { recursive: true });
mkdirSync(join(copy, 'playbooks'));
cpSync(join(ROOT, 'test/fixtures/playbooks/engine-identity.ts'), join(copy, 'playbooks/identity.ts'));
symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
writeFileSync(join(copy, 'hosts.yml'), 'all:\n  hosts:\n    h1:\n      ansible_connection: local\n');

const errorsOf = (kind: 'dist' | 'src') => pathToFileURL(join(copy, kind, kind === 'dist' ? 'base/errors.js' : 'base/errors.ts')).href;

async function listHosts(expect: 'dist' | 'src', env: NodeJS.ProcessEnv = {}) {
  const env0 = { ...process.env, NO_COLOR: '1', TSPLAY_ENGINE: '', TSPLAY_TEST_ENGINE_ERRORS: errorsOf(expect), ...env };
  return runProcess([process.execPath, join(copy, 'bin/ts-play.js'), 'playbooks/identity.ts', '-i', 'hosts.yml', '--list-hosts'], { cwd: copy, env: env0, timeoutMs: 120_000 });
}

test.serial('not built: src/ runs, said on stderr, and the playbook imports that same engine', async (t) => {
  const r = await listHosts('src');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^ts-play: the engine has not been built \(no dist\/\.build-stamp\.json\): running src\/ through tsx instead \(slower start\); `npm run build` makes it current\n$/);
  t.regex(r.stdout, /^one engine: true$/m);
  t.regex(r.stdout, /^ {2}h1$/m);
});

test.serial('built: dist/ runs with nothing said, one module graph across the playbook boundary', async (t) => {
  const b = await runProcess([process.execPath, join(copy, 'bin/build.js')], { cwd: copy, timeoutMs: 300_000 });
  t.is(b.code, 0, b.stderr);
  t.regex(b.stdout, /ts-play build: \d+ modules -> dist\//);
  const r = await listHosts('dist');
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  t.regex(r.stdout, /^one engine: true$/m);
  // The check itself tells engines apart: the other engine's TsPlayError is not the one running.
  const crossed = await listHosts('src');
  t.regex(crossed.stdout, /^one engine: false$/m);
});

test.serial('a source edited after the build: the build is not run, the file is named; TSPLAY_ENGINE=dist refuses', async (t) => {
  appendFileSync(join(copy, 'src/base/text.ts'), '\n// edited after the build\n');
  const r = await listHosts('src');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^ts-play: the engine in dist\/ was built from other sources \(src\/base\/text\.ts changed since the build\): running src\/ through tsx instead/);
  t.regex(r.stdout, /^one engine: true$/m);
  const refused = await listHosts('dist', { TSPLAY_ENGINE: 'dist' });
  t.is(refused.code, 1);
  t.regex(refused.stderr, /src\/base\/text\.ts changed since the build\); TSPLAY_ENGINE=dist runs only a current build: `npm run build` makes it current/);
  t.is(refused.stdout, '');
  const forced = await listHosts('src', { TSPLAY_ENGINE: 'source' });
  t.is(forced.stderr, '', 'asked for by name: nothing to say');
});

test('staleness names a removed source and a changed config, and chooses by TSPLAY_ENGINE', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tsp-stamp-'));
  try {
    mkdirSync(join(root, 'src/x'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    for (const f of ['src/a.ts', 'src/x/b.ts', 'tsconfig.json', 'tsconfig.build.json']) writeFileSync(join(root, f), `// ${f}\n`);
    writeFileSync(join(root, 'dist', STAMP_FILE), JSON.stringify({ files: sourceDigests(root) }));
    t.is(staleness(root), undefined);
    t.is(chooseEngine(root, {}).kind, 'dist');
    t.is(chooseEngine(root, { TSPLAY_ENGINE: 'source' }).kind, 'source');
    rmSync(join(root, 'src/x/b.ts'));
    t.regex(staleness(root), /\(src\/x\/b\.ts changed since the build\)/);
    writeFileSync(join(root, 'tsconfig.build.json'), '{}\n');
    t.regex(staleness(root), /\(tsconfig\.build\.json and 1 more changed since the build\)/);
    t.is(chooseEngine(root, { TSPLAY_ENGINE: 'dist' }).kind, 'refused');
    t.true(chooseEngine(root, {}).module('cli/main').endsWith('/src/cli/main.ts'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
