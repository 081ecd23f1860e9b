import { keyValues, type ExecResult, type Task } from 'ts-play';

export interface LynisArgs {
  minIndex: number;
  belowMin: 'fail' | 'warn';
  maxAgeHours: number;
  /** Paths whose change since the last report makes it stale. */
  watch: string[];
  tags?: string[];
  /** lynis's PID files (tests point them elsewhere). */
  pidFiles?: string[];
  /** The report (tests point it elsewhere). */
  report?: string;
}

export const LYNIS_REPORT = '/var/log/lynis-report.dat';
/** Where lynis (as root) keeps its PID file; `--cronjob` quits while any of these exists. */
export const LYNIS_PID_FILES = ['/var/run/lynis.pid', '/run/lynis.pid'];

export interface LynisReport {
  index?: number;
  warnings: string[];
  suggestions: number;
  version?: string;
  ended?: string;
}

export type LynisState =
  | { kind: 'absent' }
  | { kind: 'error'; message: string }
  /** `stale` says why the last report no longer describes the host (no report, too old, a watched path changed). */
  | { kind: 'report'; stale?: string; report: LynisReport };

// Positional: report max-age-minutes watched-paths... Only reads: first line "absent",
// "current" or "stale WHY", then the last report. The audit itself runs in apply. One find walks
// every watched path and names the first file newer than the report: a find per path cost 20
// processes of a gateway's no-change read.
const LYNIS_PROBE = `r=$1 age=$2
shift 2
command -v lynis >/dev/null 2>&1 || { echo absent; exit 0; }
why=
if [ ! -s "$r" ]; then why='no report yet'
elif ! grep -q '^hardening_index=' "$r" || ! grep -q '^report_datetime_end=' "$r"; then why='the last report is incomplete (an audit was interrupted)'
elif [ -n "$(find "$r" -mmin +"$age" 2>/dev/null)" ]; then why="report older than $age minutes"
elif [ $# -gt 0 ]; then
  w=$(find "$@" -newer "$r" -print 2>/dev/null | head -n 1)
  [ -z "$w" ] || why="$w changed since the last audit"
fi
if [ -n "$why" ]; then echo "stale $why"; else echo current; fi
cat "$r" 2>/dev/null
exit 0`;

// Positional: report, then lynis's PID files. The audit is slow and writes only its log and
// report: first line "ran RC", then the report. An audit killed outright leaves its PID file,
// and with it every later \`--cronjob\` run quits at once ("to prevent multiple cron jobs"): a
// PID file whose lynis is gone is removed; one whose lynis still runs is waited for (10 min).
const LYNIS_AUDIT = `r=$1
shift
for f do
  [ -f "$f" ] || continue
  p=$(cat -- "$f" 2>/dev/null)
  n=0
  while [ -n "$p" ] && grep -qs lynis "/proc/$p/cmdline"; do
    n=$((n + 1))
    [ "$n" -le 600 ] || { echo "another lynis audit (pid $p) has run for 10 minutes" >&2; exit 3; }
    sleep 1
  done
  rm -f -- "$f"
done
lynis audit system --cronjob >/dev/null 2>&1
echo "ran $?"
cat "$r" 2>/dev/null
exit 0`;

/** lynis-report.dat: key=value lines, `warning[]=TEST-ID|text|details|solution`. */
export function parseLynisReport(lines: string[]): LynisReport {
  const kv = (k: string) => keyValues(lines.join('\n'), k);
  const index = kv('hardening_index')[0];
  return {
    ...(index !== undefined && /^\d+$/.test(index) ? { index: Number(index) } : {}),
    warnings: kv('warning[]').map((w) => {
      const [id, text] = w.split('|');
      return `lynis warning ${id}: ${text ?? ''}`.trim();
    }),
    suggestions: kv('suggestion[]').length,
    ...(kv('lynis_version')[0] ? { version: kv('lynis_version')[0] } : {}),
    ...(kv('report_datetime_end')[0] ? { ended: kv('report_datetime_end')[0] } : {}),
  };
}

export function parseLynis(r: ExecResult | undefined): LynisState {
  if (!r || r.code !== 0) return { kind: 'error', message: `lynis probe failed (exit ${r?.code}): ${r?.stderr.trim().slice(-300) ?? ''}` };
  const [head = '', ...lines] = r.stdout.split('\n');
  if (head === 'absent') return { kind: 'absent' };
  const stale = /^stale (.*)$/.exec(head);
  return { kind: 'report', ...(stale ? { stale: stale[1]! } : {}), report: parseLynisReport(lines) };
}

type Verdict = { ok: true; reason: string; warnings: string[] } | { ok: false; reason: string };

function judge(args: LynisArgs, r: LynisReport, how: string): Verdict {
  if (r.index === undefined) return { ok: false, reason: `${LYNIS_REPORT} has no hardening_index (audit interrupted?)` };
  const summary = `hardening_index ${r.index} (min ${args.minIndex}), ${r.warnings.length} warning(s), ${r.suggestions} suggestion(s); lynis ${r.version ?? '?'}, report ${r.ended ?? '?'} (${how})`;
  if (r.index < args.minIndex && args.belowMin === 'fail') return { ok: false, reason: `${summary}: below hardening_lynis_min_index; ${r.warnings.join('; ')}` };
  const below = r.index < args.minIndex ? [`hardening_index ${r.index} is below hardening_lynis_min_index ${args.minIndex}`] : [];
  return { ok: true, reason: summary, warnings: [...below, ...r.warnings] };
}

/**
 * An audit: a current report is judged as it is (ok, or fail below the minimum). A stale one is
 * a change whose apply runs the audit, so --check runs nothing on the host; the audit leaves the
 * system as it was, so apply reports it as ok with the new report's verdict. Until the package
 * task has installed lynis, the task depends on that earlier change.
 */
export function lynisAudit(args: LynisArgs): Task<LynisState, { why: string }> {
  return {
    module: 'lynis',
    name: `lynis audit (hardening_index >= ${args.minIndex})`,
    ...(args.tags ? { tags: args.tags } : {}),
    probes: () => [{ argv: ['sh', '-c', LYNIS_PROBE, 'sh', args.report ?? LYNIS_REPORT, String(Math.round(args.maxAgeHours * 60)), ...args.watch] }],
    parse: ([r]) => parseLynis(r),
    compare(s) {
      if (s.kind === 'error') return { status: 'fail', reason: s.message };
      if (s.kind === 'absent') return { status: 'depends', reason: 'lynis is not installed yet: audit after the package task' };
      if (s.stale) return { status: 'change', reason: `audit: ${s.stale}`, plan: { why: s.stale } };
      // A report an interrupted audit left half-written is redone, never a reason to fail.
      if (s.report.index === undefined) {
        const why = 'the last report is incomplete (an audit was interrupted)';
        return { status: 'change', reason: `audit: ${why}`, plan: { why } };
      }
      const v = judge(args, s.report, 'reused');
      return v.ok ? { status: 'ok', reason: v.reason, warnings: v.warnings } : { status: 'fail', reason: v.reason };
    },
    async apply(conn, plan) {
      const r = await conn.exec(['sh', '-c', LYNIS_AUDIT, 'sh', args.report ?? LYNIS_REPORT, ...(args.pidFiles ?? LYNIS_PID_FILES)]);
      const [head = '', ...lines] = r.stdout.split('\n');
      const rc = /^ran (\d+)$/.exec(head)?.[1];
      if (r.code !== 0 || rc === undefined) throw new Error(`${conn.host}: lynis audit failed (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
      if (rc !== '0') throw new Error(`\`lynis audit system --cronjob\` exited ${rc} (${plan.why})`);
      const v = judge(args, parseLynisReport(lines), `audited: ${plan.why}`);
      if (!v.ok) throw new Error(v.reason);
      return { changed: false, reason: v.reason, warnings: v.warnings };
    },
  };
}
