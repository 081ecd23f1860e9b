import type { Probe } from '../connection/batch.ts';
import type { ExecResult } from '../connection/types.ts';
import { trimStderr } from '../connection/errors.ts';

/** One package an upgrade would install, as `apt-get -s` describes it. */
export interface PendingUpgrade {
  name: string;
  /** The installed version; absent for a package the upgrade brings in new (a new kernel's image). */
  from?: string;
  to: string;
  /** Where the new version comes from: "Debian:12.5/stable, Debian-Security:12/stable-security". */
  origins: string;
  /** Programs (by process name) that map a library of this package now: they keep the old copy until restarted. */
  usedBy: string[];
}

export interface AptPlan {
  upgrades: PendingUpgrade[];
  /** Packages marked hold (`apt-mark hold`): never upgraded here. */
  held: string[];
}

// Read only: `apt-get -s` simulates without root or the dpkg lock. `upgrade --with-new-pkgs`
// is "upgrade" that may install new dependencies (a new kernel ABI) but never removes anything.
// For each package it would upgrade, the shared libraries of it that a running process maps
// are listed: after the upgrade that process keeps running the old library until restarted.
const PLAN_PROBE = `out=$(LC_ALL=C apt-get -s -q -o Debug::NoLocking=1 upgrade --with-new-pkgs 2>&1) || { printf '%s\\n' "$out" >&2; exit 1; }
printf '%s\\n' "$out" | sed -n 's/^Inst /inst /p'
apt-mark showhold 2>/dev/null | sed 's/^/hold /'
t=$(mktemp -d) || exit 0
trap 'rm -rf "$t"' EXIT
grep -H '\\.so' /proc/[0-9]*/maps 2>/dev/null | awk '{ split($1, a, "/"); print $6, a[3] }' | sort -u >"$t/maps"
printf '%s\\n' "$out" | sed -n 's/^Inst \\([^ ]*\\) .*/\\1/p' | while read -r n; do
  for l in /var/lib/dpkg/info/"$n".list /var/lib/dpkg/info/"$n":*.list; do
    [ -f "$l" ] || continue
    grep '\\.so' "$l" | while read -r f; do
      [ -f "$f" ] && [ ! -L "$f" ] && printf '%s %s\\n' "$n" "$(readlink -f -- "$f")"
    done
  done
done >"$t/files"
for p in $(cut -d' ' -f2 "$t/maps" | sort -u); do printf '%s %s\\n' "$p" "$(cat "/proc/$p/comm" 2>/dev/null | tr -c 'A-Za-z0-9_.:@\\n-' _)"; done >"$t/comm"
awk 'FILENAME == ARGV[1] { name[$1] = $2; next }
FILENAME == ARGV[2] { if (!seen[$1 SUBSEP name[$2]]++) who[$1] = who[$1] " " name[$2]; next }
($2 in who) && !done[$1 SUBSEP $2]++ { print "uses " $1 who[$2] }' "$t/comm" "$t/maps" "$t/files"
exit 0`;

export const APT_PLAN_PROBE: Probe = { argv: ['sh', '-c', PLAN_PROBE] };

// "Inst NAME [OLD] (NEW RELEASES [ARCH])", [OLD] absent for a new package, maybe a trailing "[]".
const INST = /^(\S+)(?: \[([^\]]*)\])? \((\S+)(?: (.*?))? \[[^\]]*\]\)/;

export function parseAptPlan(r: ExecResult | undefined): AptPlan | { error: string } {
  if (!r || r.code !== 0) return { error: `apt-get -s upgrade failed (exit ${r?.code ?? '?'}): ${trimStderr(r?.stderr ?? 'no result')}` };
  const upgrades: PendingUpgrade[] = [];
  const held: string[] = [];
  const uses = new Map<string, Set<string>>();
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('inst ')) {
      const m = INST.exec(line.slice(5));
      if (!m) continue;
      upgrades.push({ name: m[1]!, ...(m[2] ? { from: m[2] } : {}), to: m[3]!, origins: m[4] ?? '', usedBy: [] });
    } else if (line.startsWith('hold ')) {
      held.push(line.slice(5).trim());
    } else if (line.startsWith('uses ')) {
      const [, name, ...who] = line.trim().split(/\s+/);
      if (name) {
        if (!uses.has(name)) uses.set(name, new Set());
        who.forEach((p) => uses.get(name)!.add(p));
      }
    }
  }
  for (const u of upgrades) u.usedBy = [...(uses.get(u.name) ?? [])].sort();
  return { upgrades, held: held.filter(Boolean) };
}

/** From Debian's security archive (bookworm-security): what "security only" upgrades. */
export function isSecurityUpgrade(u: PendingUpgrade): boolean {
  return /(^|[\s,/:-])security\b|-security\b|Debian-Security/i.test(u.origins);
}

/** A kernel image package: upgrading it means a reboot to run it. */
export function isKernelPackage(name: string): boolean {
  return /^linux-image-/.test(name);
}

/** When the package lists were last refreshed and what time the host says it is (seconds since the epoch). */
export const APT_LISTS_AGE_PROBE: Probe = {
  argv: ['sh', '-c', 'date +%s; stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0'],
};

export function parseListsAge(r: ExecResult | undefined): { now: number; refreshed: number } | { error: string } {
  const [now, refreshed] = (r?.stdout ?? '').trim().split('\n').map(Number);
  if (!r || r.code !== 0 || !Number.isFinite(now) || !Number.isFinite(refreshed)) return { error: `cannot read the age of the package lists (exit ${r?.code ?? '?'})` };
  return { now: now!, refreshed: refreshed! };
}
