import { type ExecResult, type Task } from 'ts-play';

export interface LynisArgs {
  minIndex: number;
  belowMin: 'fail' | 'warn';
  maxAgeHours: number;
  /** Paths whose change since the last report makes it stale. */
  watch: string[];
  tags?: string[];
}

export const LYNIS_REPORT = '/var/log/lynis-report.dat';

export type LynisState =
  | { kind: 'absent' }
  | { kind: 'error'; message: string }
  | { kind: 'report'; fresh: boolean; why: string; index?: number; warnings: string[]; suggestions: number; version?: string; ended?: string };

// Positional: report max-age-minutes watched-paths... First output line: "absent", "cached",
// or "ran RC WHY"; then the report. The audit is read-only towards the system (it writes only
// its log and report) and slow, so a report newer than every watched path is reused.
const LYNIS_PROBE = `r=$1 age=$2
shift 2
command -v lynis >/dev/null 2>&1 || { echo absent; exit 0; }
why=
if [ ! -s "$r" ]; then why='no report yet'
elif [ -n "$(find "$r" -mmin +"$age" 2>/dev/null)" ]; then why="report older than $age minutes"
else
  for w do
    if [ -e "$w" ] && [ -n "$(find "$w" -newer "$r" -print 2>/dev/null | head -n 1)" ]; then why="$w changed since the last audit"; break; fi
  done
fi
if [ -n "$why" ]; then
  lynis audit system --cronjob >/dev/null 2>&1
  echo "ran $? $why"
else
  echo cached
fi
cat "$r" 2>/dev/null
exit 0`;

export function parseLynis(r: ExecResult | undefined): LynisState {
  if (!r || r.code !== 0) return { kind: 'error', message: `lynis probe failed (exit ${r?.code}): ${r?.stderr.trim().slice(-300) ?? ''}` };
  const [head = '', ...lines] = r.stdout.split('\n');
  if (head === 'absent') return { kind: 'absent' };
  const ran = /^ran (\d+) (.*)$/.exec(head);
  if (ran && ran[1] !== '0') return { kind: 'error', message: `\`lynis audit system --cronjob\` exited ${ran[1]} (${ran[2]})` };
  const kv = (k: string) => lines.filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));
  const index = kv('hardening_index')[0];
  return {
    kind: 'report',
    fresh: !!ran,
    why: ran ? ran[2]! : 'reused',
    ...(index !== undefined && /^\d+$/.test(index) ? { index: Number(index) } : {}),
    // warning[]=TEST-ID|text|details|solution
    warnings: kv('warning[]').map((w) => {
      const [id, text] = w.split('|');
      return `lynis warning ${id}: ${text ?? ''}`.trim();
    }),
    suggestions: kv('suggestion[]').length,
    ...(kv('lynis_version')[0] ? { version: kv('lynis_version')[0] } : {}),
    ...(kv('report_datetime_end')[0] ? { ended: kv('report_datetime_end')[0] } : {}),
  };
}

/**
 * An audit, not a change: reports the hardening index and lynis' warnings as ok (or fails
 * below the minimum). Only when lynis is not installed yet does it say "change", so that in
 * apply mode the engine reads again after the package task and audits in the same run.
 */
export function lynisAudit(args: LynisArgs): Task<LynisState, null> {
  return {
    module: 'lynis',
    name: `lynis audit (hardening_index >= ${args.minIndex})`,
    ...(args.tags ? { tags: args.tags } : {}),
    probes: () => [{ argv: ['sh', '-c', LYNIS_PROBE, 'sh', LYNIS_REPORT, String(Math.round(args.maxAgeHours * 60)), ...args.watch] }],
    parse: ([r]) => parseLynis(r),
    compare(s) {
      if (s.kind === 'error') return { status: 'fail', reason: s.message };
      if (s.kind === 'absent') return { status: 'change', reason: 'lynis is not installed yet: audit after the package task', plan: null };
      if (s.index === undefined) return { status: 'fail', reason: `${LYNIS_REPORT} has no hardening_index (audit interrupted?)` };
      const summary = `hardening_index ${s.index} (min ${args.minIndex}), ${s.warnings.length} warning(s), ${s.suggestions} suggestion(s); lynis ${s.version ?? '?'}, report ${s.ended ?? '?'} (${s.fresh ? `audited: ${s.why}` : 'reused'})`;
      if (s.index < args.minIndex && args.belowMin === 'fail') return { status: 'fail', reason: `${summary}: below hardening_lynis_min_index; ${s.warnings.join('; ')}` };
      const below = s.index < args.minIndex ? [`hardening_index ${s.index} is below hardening_lynis_min_index ${args.minIndex}`] : [];
      return { status: 'ok', reason: summary, warnings: [...below, ...s.warnings] };
    },
    async apply(conn) {
      throw new Error(`${conn.host}: lynis is still not installed: no audit`);
    },
  };
}
