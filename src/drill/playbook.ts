import { DrillError } from './exec.ts';
import { findScenario, SCENARIOS } from './scenarios/index.ts';
import type { ScenarioParams } from './scenarios/types.ts';

/** playbooks/drill.ts: which scenarios to run, with which parameters, and where the dashboard is. */
export interface DrillBook {
  scenarios: { name: string; params?: ScenarioParams }[];
  prometheus?: string;
  dashboard?: string;
  dashboardVars?: Record<string, string>;
}

export function defineDrill(b: DrillBook): DrillBook {
  return b;
}

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
