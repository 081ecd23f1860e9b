import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ejs from 'ejs';
import { TsPlayError } from '../base/errors.ts';

export class TemplateError extends TsPlayError {}

/**
 * Renders a role template. Output is never HTML-escaped (these are config files, so `<%=` and
 * `<%-` both write the value as is). A name the template uses but the role does not define
 * throws, naming the template file and line: that is how a typo is caught before any host is
 * touched.
 */
export function renderTemplate(file: string, locals: Record<string, unknown>): string {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    throw new TemplateError(`template ${shortPath(file)} not found`);
  }
  try {
    return ejs.render(source, locals, { filename: file, escape: (s: unknown) => String(s), async: false }) as string;
  } catch (e) {
    throw new TemplateError(`template ${describeEjsError(file, (e as Error).message)}`);
  }
}

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** ejs puts the file:line and a source excerpt first and the cause last; keep file:line and cause. */
function describeEjsError(file: string, message: string): string {
  const lines = message.split('\n');
  const where = /:(\d+)$/.exec(lines[0] ?? '');
  const cause = lines[lines.length - 1] ?? message;
  return `${shortPath(file)}${where ? `:${where[1]}` : ''}: ${cause}`;
}

export function templatePath(roleDir: string, name: string): string {
  return join(roleDir, 'templates', name);
}
