import type { Probe } from '../connection/batch.ts';
import type { ExecResult } from '../connection/types.ts';

/** Whether a host needs a reboot to run what is installed, and every reason found. */
export interface RebootNeed {
  needed: boolean;
  reasons: string[];
}

// Read only. Each line is "<kind> <value...>":
//   running K / installed K: the running kernel and the kernels whose modules are installed;
//   required [pkg]: /run/reboot-required (written by packages' postinst, Debian's convention);
//   needrestart KEY VALUE: `needrestart -b` (kernel status, services on outdated libraries);
//   deleted PID UNIT PATH: without needrestart, a library or program a running process still
//   maps after the package replaced it (the maps entry ends in "(deleted)").
const REBOOT_PROBE = `printf 'running %s\\n' "$(uname -r)"
for d in /lib/modules/*; do [ -d "$d" ] && printf 'installed %s\\n' "\${d##*/}"; done
if [ -e /run/reboot-required ]; then
  echo required
  [ -f /run/reboot-required.pkgs ] && sed 's/^/required /' /run/reboot-required.pkgs
fi
if command -v needrestart >/dev/null 2>&1; then
  needrestart -b 2>/dev/null | sed -n 's/^NEEDRESTART-\\([A-Z]*\\): */needrestart \\1 /p'
  exit 0
fi
for m in /proc/[0-9]*/maps; do
  p=\${m#/proc/}; p=\${p%/maps}
  f=$(awk '$7 == "(deleted)" && $6 ~ /^\\/(usr\\/)?(lib|lib64|bin|sbin)\\// { print $6 }' "$m" 2>/dev/null | sort -u)
  [ -n "$f" ] || continue
  u=$(sed -n 's|.*/\\([^/]*\\.service\\).*|\\1|p' "/proc/$p/cgroup" 2>/dev/null | head -n 1)
  [ -n "$u" ] || u=$(cat "/proc/$p/comm" 2>/dev/null)
  for x in $f; do printf 'deleted %s %s %s\\n' "$p" "\${u:-?}" "$x"; done
done
exit 0`;

export const REBOOT_NEED_PROBE: Probe = { argv: ['sh', '-c', REBOOT_PROBE] };

/** Orders kernel release strings ("6.1.0-18-amd64" < "6.1.0-20-amd64") by their numbers. */
export function compareKernels(a: string, b: string): number {
  const parts = (s: string) => s.split(/[^0-9]+/).filter(Boolean).map(Number);
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

const KSTA: Record<string, string> = { '2': 'an ABI-compatible kernel upgrade is pending', '3': 'a kernel version upgrade is pending' };

export function parseRebootNeed(r: ExecResult | undefined): RebootNeed | { error: string } {
  if (!r || r.code !== 0) return { error: `reading whether a reboot is needed failed (exit ${r?.code ?? '?'}): ${r?.stderr.trim() ?? 'no result'}` };
  let running = '';
  const installed: string[] = [];
  const required: string[] = [];
  let requiredFlag = false;
  const services: string[] = [];
  let ksta: string | undefined;
  const deleted = new Map<string, Set<string>>();
  for (const line of r.stdout.split('\n')) {
    const [kind, ...rest] = line.trim().split(/\s+/);
    if (kind === 'running') running = rest[0] ?? '';
    else if (kind === 'installed' && rest[0]) installed.push(rest[0]);
    else if (kind === 'required') {
      requiredFlag = true;
      if (rest[0]) required.push(rest[0]);
    } else if (kind === 'needrestart') {
      if (rest[0] === 'KSTA') ksta = rest[1];
      if (rest[0] === 'SVC' && rest[1]) services.push(rest[1]);
    } else if (kind === 'deleted' && rest.length >= 3) {
      const [pid, unit, path] = rest as [string, string, string];
      const who = `${unit} (pid ${pid})`;
      if (!deleted.has(path)) deleted.set(path, new Set());
      deleted.get(path)!.add(who);
    }
  }
  const reasons: string[] = [];
  const newest = [...installed].sort(compareKernels).pop();
  // No kernel installed at all (a container shares its host's kernel): nothing to compare.
  if (newest && running && newest !== running && compareKernels(newest, running) > 0) reasons.push(`kernel ${newest} installed, ${running} running`);
  if (ksta && KSTA[ksta]) reasons.push(`needrestart: ${KSTA[ksta]}`);
  if (requiredFlag) reasons.push(`/run/reboot-required${required.length ? ` (${[...new Set(required)].join(', ')})` : ''}`);
  if (services.length) reasons.push(`needrestart: ${services.join(', ')} run on outdated libraries`);
  for (const [path, who] of deleted) reasons.push(`${path} replaced under ${[...who].join(', ')}`);
  return { needed: reasons.length > 0, reasons };
}

/** One line for reasons and reports. */
export function describeRebootNeed(n: RebootNeed): string {
  return n.needed ? `reboot needed: ${n.reasons.join('; ')}` : 'no reboot needed';
}
