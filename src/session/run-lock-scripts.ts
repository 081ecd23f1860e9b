// Host-side sh of the run lock (run-lock.ts). Values travel as positional arguments and the
// record on stdin; nothing here is built from values. Every script prints the host's clock
// (epoch seconds) on its first line, so expiry is judged by one clock, the host's.

/** Exit status of a script that found the lock held by another, live run (EX_TEMPFAIL). */
export const LOCK_HELD = 75;

// Serialises the read-decide-write of every lock script on one host: flock where util-linux is
// (Debian), else an mkdir mutex that a dead holder cannot keep for more than 10 s.
const MUTEX = `g="$f.guard"
if command -v flock >/dev/null 2>&1; then
  exec 9>>"$g" && flock -w 10 9 || { echo "cannot lock $g" >&2; exit 92; }
else
  n=0
  until mkdir "$g.d" 2>/dev/null; do
    n=$((n + 1)); [ "$n" -lt 100 ] || { rm -rf -- "$g.d"; n=0; }
    sleep 0.1
  done
  trap 'rm -f -- "\${t:-$g.d/none}"; rmdir -- "$g.d" 2>/dev/null' EXIT
fi`;

// A user who may not write the lock's directory (a login without root and without become)
// cannot change root's files either: its runs lock among themselves, in a directory of its own.
const WHERE = `if ! { mkdir -p -- "\${f%/*}" 2>/dev/null && [ -w "\${f%/*}" ]; }; then
  d="\${TMPDIR:-/tmp}/ts-play-$(id -u)"
  mkdir -p -m 0700 -- "$d" && [ -w "$d" ] && [ -O "$d" ] || { echo "no writable lock directory (\${f%/*}, $d)" >&2; exit 90; }
  f="$d/lock"
fi`;

/**
 * The lock's fields (id, expires) from the file, empty when it is absent or unreadable: the first
 * line of each, read by the shell itself (two sed|head pipelines cost four processes a script).
 */
const READ = `held= exp= hs= es=
if [ -f "$f" ]; then
  while IFS= read -r l || [ -n "$l" ]; do
    case $l in
      id=*) [ -n "$hs" ] || { held=\${l#id=} hs=1; } ;;
      expires=*) [ -n "$es" ] || { exp=\${l#expires=} es=1; } ;;
    esac
  done 2>/dev/null < "$f"
fi
case $exp in ''|*[!0-9]*) exp=0 ;; esac`;

/**
 * Positional: file id ttl break(yes|no); stdin: the record. Takes or refreshes the lock unless
 * another run's unexpired lock is there (exit 75, its record printed) and break is not asked.
 * A record without an expiry (half written by hand, or by something else) counts as expired.
 * After taking over someone else's lock, the previous record is printed after the clock.
 */
export const LOCK_SCRIPT = `f=$1 id=$2 ttl=$3 brk=$4
${WHERE}
umask 077
t="$f.$id.tmp"
trap 'rm -f -- "$t"' EXIT
cat > "$t" || exit 91
${MUTEX}
now=$(date +%s)
${READ}
if [ -n "$held" ] && [ "$held" != "$id" ] && [ "$exp" -gt "$now" ] && [ "$brk" != yes ]; then
  echo "$now"; cat -- "$f"; exit ${LOCK_HELD}
fi
printf 'expires=%s\\n' "$((now + ttl))" >> "$t" || exit 91
echo "$now"
if [ -n "$held" ] && [ "$held" != "$id" ]; then cat -- "$f"; fi
mv -f -- "$t" "$f" || exit 93`;

/** Positional: file id. Removes the lock if it is still this run's. */
export const RELEASE_SCRIPT = `f=$1 id=$2
${WHERE}
[ -f "$f" ] || exit 0
${MUTEX}
${READ}
if [ "$held" = "$id" ]; then rm -f -- "$f"; fi
exit 0`;

/** Positional: file. Exit 75 with the clock and the record when another run's lock is live. */
export const PEEK_SCRIPT = `f=$1
now=$(date +%s)
[ -f "$f" ] || exit 0
${READ}
if [ -n "$held" ] && [ "$exp" -gt "$now" ]; then echo "$now"; cat -- "$f"; exit ${LOCK_HELD}; fi
exit 0`;

/** Marks the end of a lock script's output when a command follows it in the same round trip. */
export const THEN_MARK = '#tsp-then';

/**
 * Runs `script` (with its first `n` positional arguments) and then, when it exited with one of
 * `proceed` (0: the lock was taken; a look at the lock goes on whatever it found), the
 * rest of the positional arguments as a command, in one round trip: the run lock and the facts
 * every host's run starts with, which are read once the lock is held. Positional: a nonce, the
 * script's n arguments, the command. Prints the script's output, then `#tsp-then NONCE CODE`,
 * then the command's output; exits with the script's code when it failed, else the command's.
 */
export function thenScript(script: string, n: number, proceed: readonly number[] = [0]): string {
  return `m=$1; shift
o=$( (
${script}
); echo ".$?")
rc=\${o##*.}
printf '%s${THEN_MARK} %s %s\\n' "\${o%.*}" "$m" "$rc"
case $rc in ${proceed.join('|')}) ;; *) exit "$rc" ;; esac
shift ${n}
exec "$@"`;
}
