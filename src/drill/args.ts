import { UsageError } from '../base/errors.ts';

export const DRILL_USAGE = `usage: ts-play drill PLAYBOOK -i INVENTORY [-i ...] [--scenario NAME[,NAME...]] [--repeat N]
                     [--set SCENARIO.PARAM=VALUE ...] [--out DIR] [--json]
  Runs the chaos/acceptance scenarios of PLAYBOOK (e.g. playbooks/drill.ts) against the lab and
  writes reports/<timestamp>/ (report.md, results.json, SVG charts). Needs root and a running lab.`;

export interface DrillArgs {
  playbook: string;
  inventories: string[];
  scenarios?: string[];
  repeat: number;
  set: Record<string, Record<string, string | number | boolean>>;
  out?: string;
  json: boolean;
}

const scalar = (v: string): string | number | boolean => (v === 'true' ? true : v === 'false' ? false : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);

export function parseDrillArgs(argv: readonly string[]): DrillArgs | 'help' {
  const a: DrillArgs = { playbook: '', inventories: [], repeat: 1, set: {}, json: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${x} needs a value`);
      return v;
    };
    if (x === '-h' || x === '--help') return 'help';
    else if (x === '-i' || x === '--inventory') a.inventories.push(val());
    else if (x === '--scenario') a.scenarios = [...(a.scenarios ?? []), ...val().split(',').filter(Boolean)];
    else if (x === '--repeat') {
      a.repeat = Number(val());
      if (!Number.isInteger(a.repeat) || a.repeat < 1 || a.repeat > 100) throw new UsageError('--repeat takes a whole number from 1 to 100');
    } else if (x === '--set') {
      const m = /^(\w+)\.(\w+)=(.*)$/.exec(val());
      if (!m) throw new UsageError('--set takes SCENARIO.PARAM=VALUE');
      (a.set[m[1]!] ??= {})[m[2]!] = scalar(m[3]!);
    } else if (x === '--out') a.out = val();
    else if (x === '--json') a.json = true;
    else if (x.startsWith('-')) throw new UsageError(`unknown option ${x}`);
    else if (!a.playbook) a.playbook = x;
    else throw new UsageError(`unexpected argument ${x}`);
  }
  if (!a.playbook) throw new UsageError('a drill playbook is required (e.g. playbooks/drill.ts)');
  if (a.inventories.length === 0) throw new UsageError('an inventory is required (-i inventory/lab.yml)');
  return a;
}
