import { DrillError } from './exec.ts';
import { findScenario, SCENARIOS } from './scenarios/index.ts';
import type { DrillBook } from '../rollout/drill-book.ts';

export type { DrillBook };

export function checkBook(b: unknown, file: string): DrillBook {
  const book = b as DrillBook;
  if (!book || !Array.isArray(book.scenarios)) throw new DrillError(`${file}: the default export must be defineDrill({ scenarios: [...] })`);
  for (const s of book.scenarios) {
    const sc = findScenario(s?.name);
    if (!sc) throw new DrillError(`${file}: unknown scenario ${JSON.stringify(s?.name)} (known: ${SCENARIOS.map((x) => x.name).join(', ')})`);
    for (const k of Object.keys(s.params ?? {})) {
      if (!(k in sc.defaults)) throw new DrillError(`${file}: scenario ${s.name} has no parameter ${JSON.stringify(k)} (it has: ${Object.keys(sc.defaults).join(', ')})`);
    }
  }
  return book;
}
