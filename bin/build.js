#!/usr/bin/env node
// `npm run build`, and npm's prepare on `npm ci`: emits the engine (src/) as JavaScript into
// dist/ with a stamp of the sources it was built from (bin/engine.js reads it at every start).
// Only emits: `npm run typecheck` is what checks types, and a type error must not stop an
// install. The new tree is built beside dist/ and swapped in whole, so a process starting
// meanwhile finds the old build or the new one, never half of one.
// --if-possible (prepare): without TypeScript (an install without dev dependencies), say so
// and leave the engine to run from src/.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, STAMP_FILE, sourceDigests } from './engine.js';

const lenient = process.argv.includes('--if-possible');
let ts;
try {
  ts = (await import('typescript')).default;
} catch {
  process.stderr.write('ts-play build: TypeScript is not installed, dist/ not built: ts-play will run src/ through tsx\n');
  process.exit(lenient ? 0 : 1);
}

// Read before compiling: a source edited during the build leaves a stamp that no longer matches.
const files = sourceDigests(ROOT);
const out = join(ROOT, `dist.tmp-${process.pid}`);
const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), { outDir: out }, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => fail([d]),
});
const program = ts.createProgram(config.fileNames, config.options);
const problems = [...config.errors, ...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics()];
if (problems.length) fail(problems);
const emitted = program.emit();
if (emitted.emitSkipped || emitted.diagnostics.length) fail(emitted.diagnostics);

// Files the engine reads next to its modules (the drill's Python agents).
for (const e of readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || e.name.endsWith('.ts')) continue;
  const from = join(e.parentPath ?? e.path, e.name);
  const to = join(out, from.slice(join(ROOT, 'src').length));
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
}
writeFileSync(join(out, STAMP_FILE), JSON.stringify({ typescript: ts.version, files }, null, 1) + '\n');

const dist = join(ROOT, 'dist');
const old = join(ROOT, `dist.old-${process.pid}`);
if (existsSync(dist)) renameSync(dist, old);
renameSync(out, dist);
rmSync(old, { recursive: true, force: true });
process.stdout.write(`ts-play build: ${config.fileNames.length} modules -> dist/\n`);

function fail(diagnostics) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
  process.stderr.write(ts.formatDiagnostics(diagnostics, host));
  rmSync(out, { recursive: true, force: true });
  process.stderr.write('ts-play build: failed, dist/ left as it was\n');
  process.exit(1);
}
