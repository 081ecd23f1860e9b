/** What the bench measured: one cell per target, scenario and tool. */
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

export class Results {
  readonly cells: Cell[] = [];
  /** SSH floor per round on the light hosts, by scenario. */
  readonly floor = new Map<Scenario, number[]>();
  readonly commands: string[] = [];

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
