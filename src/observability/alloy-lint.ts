/**
 * A structural check of Alloy configuration text, for tests: Alloy is not in Debian's archive,
 * so the real parser cannot run here. Finds unbalanced braces/brackets outside strings and
 * comments, unterminated strings, the top-level components declared, and references of the form
 * `a.b.label.export` to components that are not declared.
 */
export interface AlloyComponent {
  name: string;
  label: string;
  line: number;
}

export interface AlloyLint {
  errors: string[];
  components: AlloyComponent[];
}

/** The text with strings replaced by "" and comments by spaces, keeping line numbers. */
function strip(text: string, errors: string[]): string {
  let out = '';
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) {
        errors.push(`line ${line}: unterminated /* comment`);
        return out;
      }
      const body = text.slice(i, end + 2);
      out += body.replace(/[^\n]/g, ' ');
      line += (body.match(/\n/g) ?? []).length;
      i = end + 2;
      continue;
    }
    if (c === '"') {
      const start = line;
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\n') {
          errors.push(`line ${start}: string not closed on its line`);
          break;
        }
        i += text[i] === '\\' ? 2 : 1;
      }
      if (i >= text.length) errors.push(`line ${start}: unterminated string`);
      out += '""';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

export function lintAlloy(text: string): AlloyLint {
  const errors: string[] = [];
  const code = strip(text, errors);
  const stack: { ch: string; line: number }[] = [];
  const pairs: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
  const components: AlloyComponent[] = [];
  const lines = code.split('\n');
  lines.forEach((l, idx) => {
    const line = idx + 1;
    if (stack.length === 0) {
      const m = /^\s*([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)\s+""\s*\{/.exec(l);
      if (m) {
        const label = /"((?:[^"\\]|\\.)*)"/.exec(text.split('\n')[idx]!)?.[1] ?? '';
        components.push({ name: m[1]!, label, line });
      } else if (/\S/.test(l)) errors.push(`line ${line}: top-level text is not a component block: ${l.trim()}`);
    }
    for (const ch of l) {
      if (ch === '{' || ch === '[' || ch === '(') stack.push({ ch, line });
      else if (ch in pairs) {
        const top = stack.pop();
        if (!top || top.ch !== pairs[ch]) errors.push(`line ${line}: "${ch}" does not close ${top ? `"${top.ch}" from line ${top.line}` : 'anything'}`);
      }
    }
  });
  for (const open of stack) errors.push(`line ${open.line}: "${open.ch}" never closed`);
  const seen = new Set<string>();
  for (const c of components) {
    const key = `${c.name} "${c.label}"`;
    if (seen.has(key)) errors.push(`line ${c.line}: ${key} declared twice`);
    seen.add(key);
  }
  // References: component.name.label.export where the component is loki.write, loki.process, ...
  const declared = new Set(components.map((c) => `${c.name}.${c.label}`));
  for (const [idx, l] of lines.entries()) {
    for (const m of l.matchAll(/=\s*\[?\s*((?:[a-z][a-z0-9_]*\.)+[a-z][a-z0-9_]*)/g)) {
      const ref = m[1]!;
      const parts = ref.split('.');
      const target = parts.slice(0, -1).join('.');
      if (parts.length < 3 || ref.startsWith('sys.')) continue;
      if (!declared.has(target)) errors.push(`line ${idx + 1}: reference ${ref} names no declared component (${target})`);
    }
  }
  return { errors, components };
}
