import { flap, soak } from './flap.ts';
import { partitionBoth, partitionSync, partitionVrrp } from './partition.ts';
import { hard } from './hard.ts';
import { rebootScenario } from './reboot.ts';
import { reconcileScenario } from './reconcile.ts';
import { stress } from './stress.ts';
import { soft, switchSeries, tcp } from './switchover.ts';
import type { Scenario } from './types.ts';

const udp: Scenario = {
  name: 'udp',
  title: 'UDP stream at 1000 pps across soft failovers',
  defaults: { switches: 4, settle: 2 },
  run: (ctx, p) => switchSeries(ctx, Number(p.switches), Number(p.settle)),
};

export const SCENARIOS: readonly Scenario[] = [soft, hard, tcp, udp, rebootScenario, flap, soak, stress, reconcileScenario, partitionVrrp, partitionSync, partitionBoth];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
