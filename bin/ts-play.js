#!/usr/bin/env node
// Runs the engine prebuilt in dist/ when its build stamp matches src/ (bin/engine.js), and src/
// through tsx when it does not, saying so. User playbooks and roles stay TypeScript with no
// build step: tsx loads them, and bin/resolve-hook.js makes their `import 'ts-play'` this engine.
import { register } from 'node:module';
import { chooseEngine } from './engine.js';

const engine = chooseEngine();
if (engine.kind === 'refused') {
  process.stderr.write(engine.error);
  process.exit(1);
}
if (engine.notice) process.stderr.write(engine.notice);
const { register: registerTsx } = await import('tsx/esm/api');
// From source, tsx compiles the engine too; a prebuilt engine loads before any hook, untranslated.
if (engine.kind === 'source') registerTsx();
const { EXIT_INTERNAL, errorText } = await import(engine.module('base/errors'));
const { redact } = await import(engine.module('vault/redact'));
// A promise nobody awaited that failed is a bug of ours, not of the user's input: one line that
// says so (secrets redacted) instead of Node's stack dump, and the exit code of an internal error.
const internal = (e) => {
  const debug = Boolean(process.env.TSPLAY_DEBUG);
  process.stderr.write(redact(`ts-play: internal error: ${errorText(e, debug)}${debug ? '' : ' (TSPLAY_DEBUG=1 shows where)'}\n`));
  process.exit(EXIT_INTERNAL);
};
process.on('unhandledRejection', internal);
process.on('uncaughtException', internal);
const { main } = await import(engine.module('cli/main'));
if (engine.kind === 'dist') {
  // The package entry, which every playbook imports, is loaded before tsx's hooks too: through
  // them each of its modules would cross to the loader thread and back.
  await import(engine.module('index'));
  registerTsx();
}
// Registered last, so it answers before tsx's tsconfig paths do.
register(new URL('./resolve-hook.js', import.meta.url), { data: { entry: engine.module('index') } });
process.exitCode = await main(process.argv.slice(2));
