#!/usr/bin/env node
// Registers tsx so that the engine, roles and user playbooks run as TypeScript
// with no build step, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
