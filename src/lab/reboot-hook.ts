// Run by a host's supervisor between a container's reboot and its next boot.
import { readPulled } from './cables.ts';
import { resetHostNet } from './netns.ts';
import { existsSync } from 'node:fs';
import { BASTION_MARK } from './paths.ts';
import { findHost } from './topology.ts';

const name = process.argv[2] ?? '';
const host = findHost(name, existsSync(BASTION_MARK));
if (!host) {
  console.error(`ts-play lab reboot hook: unknown host ${JSON.stringify(name)}`);
  process.exit(2);
}
try {
  await resetHostNet(host, (await readPulled())[name] ?? []);
} catch (e) {
  console.error(`ts-play lab reboot hook: ${name}: ${(e as Error).message}`);
  process.exit(1);
}
