import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Playbook } from './play.ts';
import { TsPlayError } from '../base/errors.ts';

export class PlaybookError extends TsPlayError {}

/**
 * Imports a TypeScript playbook (tsx is registered by bin/ts-play.js). A syntax error, a role
 * module that does not exist, or a default export that is not a playbook is reported naming
 * the file, before any host is contacted.
 */
export async function loadPlaybook(file: string): Promise<Playbook> {
  const path = resolve(file);
  if (!existsSync(path)) throw new PlaybookError(`playbook ${file} not found`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    const err = e as Error & { code?: string };
    const msg = err.message.split('\n').slice(0, 6).join('\n');
    if (err.code === 'ERR_MODULE_NOT_FOUND') throw new PlaybookError(`playbook ${file}: ${msg} (unknown role or module?)`);
    throw new PlaybookError(`playbook ${file} could not be loaded: ${msg}`);
  }
  const book = mod.default as Playbook | undefined;
  if (!book || !Array.isArray(book.plays)) {
    throw new PlaybookError(`playbook ${file} must \`export default definePlaybook([...])\``);
  }
  book.plays.forEach((p, i) => {
    if (!p || typeof p.name !== 'string' || typeof p.hosts !== 'string' || !Array.isArray(p.roles)) {
      throw new PlaybookError(`playbook ${file}: play ${i + 1} needs a name, a hosts pattern and a roles list`);
    }
    p.roles.forEach((r, j) => {
      if (!r || typeof r !== 'object' || !('def' in r)) {
        throw new PlaybookError(`playbook ${file}: play "${p.name}" role ${j + 1} is not a role (call the role factory: keepalived({...}))`);
      }
    });
  });
  return book;
}
