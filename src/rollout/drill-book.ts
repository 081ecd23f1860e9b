/**
 * A drill book (playbooks/drill.ts): which chaos scenarios `ts-play drill` runs, with which
 * parameters, and where the dashboard is. Only the shape lives here, in the package entry
 * that playbook authors import; the drill tool (src/drill) checks it against its scenarios.
 */
export interface DrillBook {
  scenarios: { name: string; params?: Record<string, number | string | boolean> }[];
  prometheus?: string;
  dashboard?: string;
  dashboardVars?: Record<string, string>;
}

export function defineDrill(b: DrillBook): DrillBook {
  return b;
}
