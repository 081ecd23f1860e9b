/** What the bench measured: one cell per target, scenario and tool, and the scale rounds. */
export type Target = 'gateways' | 'light';
export type Scenario = 'first run (bare)' | 'no-change' | 'one-variable change';

export interface Cell {
  target: Target;
  scenario: Scenario;
  tool: string;
  seconds: number[];
  /** ts-play only: SSH round trips per host per run (median over the hosts of each run). */
  roundtrips: number[];
}

/** One round of the scale runs: the SSH floor and a no-change ts-play run on the same light hosts. */
export interface ScaleRound {
  hosts: number;
  floorS: number;
  /** The in-process ssh2 floor of the same round (clientFloor), when measured. */
  clientFloorS?: number;
  tsplayS: number;
  /** The ts-play process's CPU (user + system) and peak resident memory. */
  cpuS?: number;
  maxRssMiB?: number;
  roundtrips?: number;
  /** The lab at this size (first round only): seconds `lab up --light N` took, MemAvailable it used, network namespaces. */
  labUpS?: number;
  labMemMiB?: number;
  netns?: number;
}

export class Results {
  readonly cells: Cell[] = [];
  readonly scale: ScaleRound[] = [];
  /** SSH floor per round on the light hosts, by scenario. */
  readonly floor = new Map<Scenario, number[]>();
  readonly commands: string[] = [];
  /** The bench invocation and date that measured each target. */
  readonly measuredBy: Record<string, string> = {};

  add(target: Target, scenario: Scenario, tool: string, seconds: number, roundtrips?: number): void {
    let c = this.cells.find((x) => x.target === target && x.scenario === scenario && x.tool === tool);
    if (!c) {
      c = { target, scenario, tool, seconds: [], roundtrips: [] };
      this.cells.push(c);
    }
    c.seconds.push(seconds);
    if (roundtrips !== undefined) c.roundtrips.push(roundtrips);
  }

  addFloor(scenario: Scenario, seconds: number): void {
    this.floor.set(scenario, [...(this.floor.get(scenario) ?? []), seconds]);
  }

  command(line: string): void {
    if (!this.commands.includes(line)) this.commands.push(line);
  }
}

/** The raw figures as saved next to the report (docs/benchmarks.json). */
export interface SavedResults {
  cells: Cell[];
  floor: Array<[Scenario, number[]]>;
  commands: string[];
  measuredBy?: Record<string, string>;
  scale?: ScaleRound[];
}

export function saveResults(r: Results): SavedResults {
  return { cells: r.cells, floor: [...r.floor], commands: r.commands, measuredBy: r.measuredBy, scale: r.scale };
}

/** The key under which measuredBy records the scale runs. */
export const SCALE_PART = 'scale / no-change';

/** "gateways / no-change": the key of what one bench run measured. */
export const part = (t: Target, s: Scenario): string => `${t} / ${s}`;

/**
 * Keeps the previous run's figures of every target and scenario this run did not measure, so
 * the halves (--only, --first-runs 0) can be measured under separate holds of the lab lock and
 * still give one report.
 */
export function mergeKept(r: Results, previous: SavedResults | undefined): void {
  if (!previous) return;
  const now = new Set(r.cells.map((c) => part(c.target, c.scenario)));
  for (const c of previous.cells) if (!now.has(part(c.target, c.scenario))) r.cells.push(c);
  for (const [s, v] of previous.floor) if (!r.floor.has(s)) r.floor.set(s, v);
  for (const c of previous.commands) r.command(c);
  if (r.scale.length) now.add(SCALE_PART);
  else r.scale.push(...(previous.scale ?? []));
  for (const [k, by] of Object.entries(previous.measuredBy ?? {})) if (!now.has(k)) r.measuredBy[k] = by;
}
