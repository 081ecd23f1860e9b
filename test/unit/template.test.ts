import test from 'ava';
import { join } from 'node:path';
import { renderTemplate, TemplateError } from '../../src/engine/template.ts';

const dir = join(import.meta.dirname, '../fixtures/templates');

test('templates render values verbatim, never HTML-escaped', (t) => {
  t.is(renderTemplate(join(dir, 'ok.ejs'), { alpha: 1, beta: 'two' }), 'a = 1\nb = two\nc = <x>&\n');
});

test('an undefined variable names the template file, the line and the variable', (t) => {
  const e = t.throws(() => renderTemplate(join(dir, 'bad.ejs'), {}), { instanceOf: TemplateError });
  t.regex(e!.message, /bad\.ejs:2: missing_var is not defined/);
});
