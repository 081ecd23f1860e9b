// Host-side shell for guarded activations (see guarded.ts). Every value travels as a
// positional argument; nothing here is built from values.
//
// State of one activation lives in $d (tmpfs): $id.prev (the file it replaces, if any),
// $id.lock (created by whichever of "confirm" and "revert" comes first: mkdir is atomic, so
// exactly one of them acts), $id.reverted (exit status of the revert command).

export const GUARD_DIR = '/run/ts-play/guard';

/**
 * Positional: d id path n, then n words of the activate argv, then the argv that applies when
 * there was no previous file. Restores the previous file (or removes the new one) and runs the
 * matching argv. Exits 0 without acting when the activation was confirmed first.
 */
export const REVERT_SCRIPT = `d=$1 id=$2 p=$3 n=$4
shift 4
mkdir "$d/$id.lock" 2>/dev/null || exit 0
if [ -e "$d/$id.prev" ]; then
  cp -p -- "$d/$id.prev" "$p"
  i=0
  for a do
    i=$((i + 1))
    if [ "$i" -le "$n" ]; then set -- "$@" "$a"; fi
  done
  shift "$i"
else
  rm -f -- "$p"
  shift "$n"
fi
"$@"
rc=$?
echo "$rc" > "$d/$id.reverted"
rm -f -- "$d/$id.prev"
logger -t ts-play-guard "$p: not confirmed in time: previous version restored, \\\`$*\\\` exited $rc" 2>/dev/null
exit 0`;

/**
 * Positional: d id path window unit, then the REVERT_SCRIPT arguments (without d id path).
 * Saves the current file and arms the revert: a transient systemd timer where systemd runs,
 * else a detached sleep whose pid is kept in $id.pid.
 */
export const ARM_SCRIPT = `d=$1 id=$2 p=$3 w=$4 unit=$5 revert=$6
shift 6
umask 077
mkdir -p -- "$d" || exit 1
if [ -e "$p" ]; then cp -p -- "$p" "$d/$id.prev" || exit 1; fi
if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
  systemd-run --quiet --unit="$unit" --on-active="$w" --timer-property=AccuracySec=1s \\
    --description="ts-play: revert $p unless confirmed" -- sh -c "$revert" sh "$d" "$id" "$p" "$@" || exit 2
  echo systemd
else
  setsid sh -c 'sleep "$1"; shift; exec sh -c "$@"' sh "$w" "$revert" sh "$d" "$id" "$p" "$@" </dev/null >/dev/null 2>&1 &
  echo $! > "$d/$id.pid"
  echo sleep
fi`;

/**
 * Positional: d id unit. Wins the lock (so the revert can no longer act), stops the timer and
 * drops the saved copy; the lock stays as the record that it was confirmed. Exit 3: the revert
 * already ran.
 */
export const CONFIRM_SCRIPT = `d=$1 id=$2 unit=$3
mkdir "$d/$id.lock" 2>/dev/null || exit 3
if [ -e "$d/$id.pid" ]; then kill "$(cat "$d/$id.pid")" 2>/dev/null; rm -f -- "$d/$id.pid"; fi
if [ -d /run/systemd/system ]; then systemctl stop "$unit.timer" >/dev/null 2>&1; fi
rm -f -- "$d/$id.prev"
exit 0`;

/** Positional: d id. Prints the revert command's exit status once the revert has run. */
export const REVERTED_PROBE = `cat "$1/$2.reverted" 2>/dev/null`;
