import type { AlertName } from './config.ts';

// What every promtool scenario is made of: the grid, the onset, the shapes, label selectors.
export const STEP = 15;
/** Every scenario changes at this time (s); the samples before it are the steady state. */
export const ONSET = 120;

export interface Series {
  series: string;
  values: string;
}

export interface Scenario {
  alert: AlertName;
  name: string;
  series: Series[];
  /** Time (s) the condition first holds at an evaluation; absent for a scenario that must stay silent. */
  onset?: number;
  /** Seconds after onset until the expression surely holds (rate/increase windows filling). */
  slack?: number;
  /** Label sets that fire (without alertname and severity). */
  fires?: Record<string, string>[];
  /** Further explicit checks, e.g. "silent after only two failures". */
  extra?: { at: number; fires: Record<string, string>[] }[];
}

export type Labels = Record<string, string>;

export function sel(metric: string, labels: Labels): string {
  const body = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return `${metric}{${body}}`;
}

