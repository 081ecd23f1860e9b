import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkImports, describe, readTree } from '../helpers/imports.ts';
import { FLOORS } from '../helpers/layers.ts';

const root = join(import.meta.dirname, '../..');
const tree = (files: Record<string, string>) => new Map(Object.entries(files));

test('every file under src/, roles/, playbooks/, bench/ and bin/ imports downward only, with no cycle', (t) => {
  const files = readTree(root, ['src', 'roles', 'playbooks', 'bench', 'bin', 'test/fixtures/role-package']);
  t.true(files.size > 150, 'the tree was read');
  const violations = checkImports(files).map(describe);
  t.deepEqual(violations, [], violations.join('\n'));
});

test('an upward import is caught, naming the file and the import', (t) => {
  const v = checkImports(tree({
    'src/connection/ssh.ts': "import { planPlaybook } from '../engine/plan.ts';",
    'src/engine/plan.ts': "import type { Connection } from '../connection/ssh.ts';",
  })).map(describe);
  t.true(v.some((m) => m.startsWith("src/connection/ssh.ts (import '../engine/plan.ts'): imports upward: layer connection may not import layer engine")), v.join('\n'));
});

test('type-only and dynamic imports count like any other', (t) => {
  const v = checkImports(tree({
    'src/facts/gather.ts': "import type { Task } from '../task/task.ts';\nconst m = await import('../engine/runner.ts');",
    'src/task/task.ts': '',
    'src/engine/runner.ts': '',
  })).map(describe);
  t.is(v.length, 2, v.join('\n'));
});

test('an import cycle is caught, even inside one layer', (t) => {
  const v = checkImports(tree({
    'src/cli/vault.ts': "import { edit } from './vault-edit.ts';",
    'src/cli/vault-edit.ts': "import type { VaultIo } from './vault.ts';",
  })).map(describe);
  t.deepEqual(v, ["src/cli/vault.ts (import './vault-edit.ts'): closes an import cycle: src/cli/vault-edit.ts -> src/cli/vault.ts -> src/cli/vault-edit.ts"]);
});

test('sibling layers on one floor stay independent', (t) => {
  const v = checkImports(tree({ 'src/output/plain.ts': "import { gatewayPair } from '../rollout/gates.ts';", 'src/rollout/gates.ts': '' })).map(describe);
  t.regex(v.join('\n'), /imports a sibling layer: output and rollout/);
});

test('roles see the package entry and their own folder only; playbooks the entry and roles', (t) => {
  const v = checkImports(tree({
    'roles/a/index.ts': "import { defineRole } from 'ts-play';\nimport { d } from './defaults.ts';\nimport { x } from '../b/index.ts';\nimport { file } from '../../src/modules/index.ts';",
    'roles/a/defaults.ts': "import { stringify } from 'yaml';",
    'roles/b/index.ts': '',
    'playbooks/site.ts': "import { definePlaybook } from 'ts-play';\nimport { a } from '../roles/a/index.ts';\nimport { gatewayPair } from '../src/rollout/index.ts';",
    'src/index.ts': '',
    'src/modules/index.ts': '',
    'src/rollout/index.ts': '',
  })).map(describe);
  t.deepEqual(v, [
    "roles/a/index.ts (import '../b/index.ts'): imports another role's file (roles/b/index.ts): share it through the package entry",
    "roles/a/index.ts (import '../../src/modules/index.ts'): imports src/modules/index.ts (layer modules): roles import only 'ts-play' and their own folder",
    "playbooks/site.ts (import '../src/rollout/index.ts'): imports src/rollout/index.ts (layer rollout): playbooks import only 'ts-play' and roles",
  ]);
});

test('the engine importing the package entry is upward (the entry sits above it), and a file outside the table is named', (t) => {
  const v = checkImports(tree({ 'src/engine/plan.ts': "import { file } from 'ts-play';", 'src/index.ts': '', 'src/newthing/x.ts': '' })).map(describe);
  t.true(v.includes("src/engine/plan.ts (import 'ts-play'): imports upward: layer engine may not import layer api (src/index.ts)"), v.join('\n'));
  t.true(v.some((m) => m.startsWith('src/newthing/x.ts: belongs to no layer')), v.join('\n'));
});

test('docs/architecture.md names every layer of the table, so the rule and its description agree', (t) => {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  for (const layer of FLOORS.flat()) for (const p of layer.paths) if (!p.startsWith('test/')) t.true(doc.includes(`\`${p}\``), `docs/architecture.md does not mention \`${p}\``);
});
