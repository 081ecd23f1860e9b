/**
 * Remote commands end when their session does. sshd sends SIGHUP to a session's processes only
 * when it has a pty, and a pty would merge stderr into stdout and mangle binary stdin; without
 * one, a command whose connection died (ts-play killed, Ctrl-C, the network gone) lives on: a
 * lynis audit started by a killed run was still running when the next run came. So every
 * command runs under this wrapper: it finds the sshd process of its session (the nearest
 * ancestor named sshd or sshd-session; the parent when there is none, as for the local
 * connection), starts the command in a process group of its own, and kills that group (TERM,
 * then KILL 3 s later) as soon as the session process is gone (or a zombie nobody reaped yet). Stdin, stdout, stderr and the
 * exit status pass through unchanged.
 *
 * Anything a command deliberately detaches (a transient systemd timer, a `setsid` revert
 * timer of a guarded change) is in another session and process group, and outlives it as meant.
 * The watcher polls once a second and holds none of the channel's pipes. Stdin is passed on
 * through fd 3: sh gives a background job /dev/null as stdin before any redirection of its own.
 * The wrapper and its watcher ignore HUP and INT: with the local connection they share ts-play's
 * process group, and a Ctrl-C or a closed terminal must not end them before ts-play decides (the
 * first Ctrl-C lets the running task finish; when ts-play itself is gone, the watcher acts).
 */
/**
 * sh that sets $s to this session's sshd process: the nearest ancestor named sshd or
 * sshd-session, else the parent (the local connection's ts-play). Builtins only: no fork.
 */
export const FIND_SESSION = `s=$PPID p=$PPID i=0
while [ "$p" -gt 1 ] && [ "$i" -lt 10 ] && [ -r "/proc/$p/status" ]; do
  read -r c < "/proc/$p/comm" || break
  case $c in sshd|sshd-session) s=$p; break ;; esac
  q=
  while read -r k v; do case $k in PPid:) q=$v; break ;; esac; done < "/proc/$p/status"
  [ -n "$q" ] || break
  p=$q i=$((i + 1))
done`;

/** sh function `gone`: true once process $s has ended (or is a zombie nobody reaped yet). */
export const SESSION_GONE = `gone() {
  [ -e "/proc/$s" ] || return 0
  while read -r k v; do case $k in State:) case $v in Z*) return 0 ;; esac; return 1 ;; esac; done < "/proc/$s/status"
  return 1
}`;

export const SESSION_BOUND = `trap '' HUP INT
${FIND_SESSION}
exec 3<&0
setsid "$@" <&3 3<&- &
c=$!
(
  ${SESSION_GONE.replace(/\n/g, '\n  ')}
  while kill -0 "$c" 2>/dev/null; do
    if gone; then
      kill -TERM "-$c" 2>/dev/null
      sleep 3
      kill -KILL "-$c" 2>/dev/null
      exit 0
    fi
    sleep 1
  done
) </dev/null >/dev/null 2>&1 3<&- &
w=$!
wait "$c"
rc=$?
kill "$w" 2>/dev/null
exit "$rc"`;

/** The argv that runs `argv` bound to the life of its session. */
export function sessionBound(argv: readonly string[]): string[] {
  if (argv.length === 0) throw new Error('empty command');
  return ['sh', '-c', SESSION_BOUND, 'tsp-run', ...argv];
}
