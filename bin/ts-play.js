#!/usr/bin/env node
// Registers tsx so that the engine, roles and user playbooks run as TypeScript
// with no build step, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { EXIT_INTERNAL, errorText } = await import('../src/base/errors.ts');
const { redact } = await import('../src/vault/redact.ts');
// A promise nobody awaited that failed is a bug of ours, not of the user's input: one line that
// says so (secrets redacted) instead of Node's stack dump, and the exit code of an internal error.
const internal = (e) => {
  const debug = Boolean(process.env.TSPLAY_DEBUG);
  process.stderr.write(redact(`ts-play: internal error: ${errorText(e, debug)}${debug ? '' : ' (TSPLAY_DEBUG=1 shows where)'}\n`));
  process.exit(EXIT_INTERNAL);
};
process.on('unhandledRejection', internal);
process.on('uncaughtException', internal);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
