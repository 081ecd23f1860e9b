// Constant sh scripts of the handover module; values always arrive as positional arguments.
import { FIND_SESSION, SESSION_GONE } from '../connection/session-bound.ts';

/** `systemctl show` of the unit (with microsecond timestamps), then the watched files' mtimes. */
export const STARTED_PROBE = `unit=$1; shift
systemctl show -p ActiveEnterTimestamp --timestamp=us+utc -- "$unit" || exit 1
[ $# -gt 0 ] || exit 0
for f; do
	if [ -e "$f" ]; then stat -c 'mtime=%.6Y %n' -- "$f"; else printf 'missing %s\\n' "$f"; fi
done
exit 0`;

/** Forget what this node knew about where the VIPs live, so the next answer is fresh. */
export const FORGET_NEIGHBOURS = `for v; do ip neigh flush to "$v" 2>/dev/null; done; exit 0`;

/**
 * Pairs of (VIP, the peer's address on the VIP's link). Passes when no VIP is on this node any
 * more and each VIP answers ARP with the MAC the peer's own address answers with.
 */
export const PEER_OWNS = `rc=0
mac() { ip neigh show "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") { print $(i + 1); exit } }'; }
while [ $# -ge 2 ]; do
	vip=$1 peer=$2
	shift 2
	if ip -o -4 addr show | grep -qF " inet $vip/"; then echo "$vip is still on this node"; rc=1; continue; fi
	ping -n -q -c 1 -W 1 "$vip" >/dev/null 2>&1
	ping -n -q -c 1 -W 1 "$peer" >/dev/null 2>&1
	a=$(mac "$vip")
	b=$(mac "$peer")
	if [ -z "$a" ]; then
		echo "nothing answers ARP for $vip"; rc=1
	elif [ "$a" != "$b" ]; then
		echo "$vip answers from $a, the peer $peer from \${b:-nothing}"; rc=1
	fi
done
exit "$rc"`;

/** key=value lines: keepalived's state, conntrackd answering, the VRRP group's recorded state and whether it is newer than $3. */
export const NODE_HEALTH = `dir=$1 conf=$2 since=$3 unit=$4
echo "keepalived=$(systemctl is-active -- "$unit")"
if conntrackd -C "$conf" -s >/dev/null 2>&1; then echo conntrackd=ok; else echo conntrackd=down; fi
for f in "$dir"/group-*.state; do
	[ -f "$f" ] || continue
	echo "group=$(head -n 1 "$f")"
	if [ "$(stat -c %Y -- "$f")" -ge "$since" ]; then echo fresh=yes; else echo fresh=no; fi
	break
done
date +now=%s
exit 0`;

/**
 * Positional: unit marker seconds timer. Run before a handover stops keepalived on the holder:
 * should the session that stops it end (ts-play killed, the connection gone) before the handover
 * starts it again, the host starts it again itself, at once, from a watcher in a session of its
 * own; a transient systemd timer does the same after `seconds` as a backstop. The handover
 * disarms both (REARM_DISARM) once it has started keepalived itself.
 */
export const REARM = `u=$1 m=$2 secs=$3 timer=$4
${FIND_SESSION}
mkdir -p -- "\${m%/*}" || exit 1
rm -f -- "$m"
# A backstop left by an earlier run that was killed must not start the unit in the middle of
# this handover (its start job would cancel this run's stop): the watcher that fired stood it
# down, and whatever is left of one stands down now.
if [ -d /run/systemd/system ]; then systemctl stop -- "\${timer%-*}-*.timer" >/dev/null 2>&1; fi
setsid sh -c '
s=$1 u=$2 m=$3 timer=$4
${SESSION_GONE}
while [ ! -e "$m" ]; do
  if gone; then
    systemctl start -- "$u"
    [ -d /run/systemd/system ] && systemctl stop -- "$timer.timer" >/dev/null 2>&1
    logger -t ts-play "the run that stopped $u for a handover ended first: $u started again" 2>/dev/null
    exit 0
  fi
  sleep 1
done
rm -f -- "$m"' sh "$s" "$u" "$m" "$timer" </dev/null >/dev/null 2>&1 &
if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
  systemd-run --quiet --unit="$timer" --on-active="\${secs}s" --timer-property=AccuracySec=1s \\
    --description="ts-play: start $u again unless the handover that stopped it does" -- sh -c '[ -e "$1" ] || systemctl start -- "$2"' sh "$m" "$u" || exit 2
fi
exit 0`;

/** Positional: marker timer. The handover started keepalived itself: the watcher and the timer stand down. */
export const REARM_DISARM = `m=$1 timer=$2
touch -- "$m"
if [ -d /run/systemd/system ]; then systemctl stop -- "$timer.timer" >/dev/null 2>&1; fi
exit 0`;
