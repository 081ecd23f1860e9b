/**
 * `systemctl show -p PROPS -- UNITS` is the second most frequent probe of a run (a gateway's read
 * sends nine), and each one costs a systemctl process and its D-Bus round trips, 20-50 ms on the
 * loaded lab. systemctl prints one block per unit given, in the order given, blank lines between,
 * each block's properties in systemd's own order filtered by -p. So one call with every unit and
 * every property of a batch's shows holds each show's answer: its units' blocks, cut down to its
 * properties. Anything else (`--value`, globs, other options) is not shared.
 */
import type { ExecResult } from './types.ts';

export interface UnitShow {
  props: string[];
  units: string[];
}

const PROP = /^[A-Za-z]+$/;
// A unit name, no glob: systemctl expands patterns, and an expansion has no block per argument.
const UNIT = /^[A-Za-z0-9:_.@\\-]+$/;

/** The properties and units of a show a batch may share; undefined for any other probe. */
export function sharedUnitShow(argv: readonly string[]): UnitShow | undefined {
  if (argv.length < 6 || argv[0] !== 'systemctl' || argv[1] !== 'show' || argv[2] !== '-p' || argv[4] !== '--') return undefined;
  const props = argv[3]!.split(',');
  const units = argv.slice(5);
  if (!props.every((p) => PROP.test(p)) || !units.every((u) => UNIT.test(u) && !u.startsWith('-'))) return undefined;
  return { props, units };
}

/** Every unit of the shows, each once, in first-seen order: the union's blocks, in its order. */
const unionUnits = (shows: readonly UnitShow[]) => [...new Set(shows.flatMap((s) => s.units))];

/** The one show that answers them all: every property and every unit. */
export function unionShow(shows: readonly UnitShow[]): string[] {
  const props = [...new Set(shows.flatMap((s) => s.props))];
  return ['systemctl', 'show', '-p', props.join(','), '--', ...unionUnits(shows)];
}

/** Each show's answer cut from the union's output, as the show alone prints it. */
export function unitShowResults(shows: readonly UnitShow[], union: ExecResult): ExecResult[] {
  const units = unionUnits(shows);
  const blocks = union.stdout.replace(/\n$/, '').split('\n\n');
  if (union.code !== 0 || blocks.length !== units.length) {
    const why = `the shared systemctl show exited ${union.code} with ${blocks.length} blocks for ${units.length} units${union.stderr.trim() ? `: ${union.stderr.trim()}` : ''}`;
    return shows.map(() => ({ code: 1, stdout: '', stderr: `${why}\n` }));
  }
  const byUnit = new Map(units.map((u, i) => [u, blocks[i]!.split('\n')]));
  return shows.map((s) => {
    const want = new Set(s.props);
    const out = s.units.map((u) => byUnit.get(u)!.filter((l) => want.has(l.slice(0, l.indexOf('=')))).map((l) => `${l}\n`).join(''));
    return { code: 0, stdout: out.join('\n'), stderr: '' };
  });
}
