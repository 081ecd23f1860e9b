#!/bin/sh
# Managed by ts-play (role conntrackd). Called by keepalived's notify handler (ha-notify)
# and by the role's restart handler. Follows the upstream primary-backup.sh pattern:
#   primary  commit the external cache, flush caches, resync with the kernel, bulk send
#   commit   the first step of primary alone: the one that traffic must wait for
#   takeover the rest of primary (flush, resync, bulk send), run once forwarding is released
#   backup   make sure the daemon runs, shorten kernel timers, request a resync
#   fault    shorten kernel timers
#   resync   after a daemon restart: request the peer's state and send ours
# Every step is logged to syslog (tag conntrackd-ha); a failing step is logged and the
# sequence goes on, as keepalived cannot do anything better with an error.
CONF=${CONNTRACKD_CONF:-/etc/conntrackd/conntrackd.conf}
LOCK=${CONNTRACKD_LOCK:-/var/lock/conntrackd.lock}

log() { logger -t conntrackd-ha -- "$*"; }

ctd() {
	out=$(conntrackd -C "$CONF" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		log "conntrackd $*: ok${out:+ ($(printf '%s' "$out" | tr '\n' ' '))}"
		return 0
	fi
	log "conntrackd $*: failed (exit $rc): $(printf '%s' "$out" | tr '\n' ' ')"
	return "$rc"
}

running() { conntrackd -C "$CONF" -s >/dev/null 2>&1; }

ensure_running() {
	running && return 0
	log "conntrackd not answering: starting it"
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		systemctl start conntrackd || log "systemctl start conntrackd failed"
	else
		rm -f -- "$LOCK"
		conntrackd -C "$CONF" -d || log "conntrackd -d failed"
	fi
	# The daemon answers on its socket once it has dumped the kernel table.
	i=0
	while [ "$i" -lt 50 ]; do
		running && return 0
		sleep 0.1
		i=$((i + 1))
	done
	log "conntrackd still not answering after start"
	return 1
}

case "$1" in
primary)
	log "becoming primary"
	ctd -c
	ctd -f
	ctd -R
	ctd -B
	;;
commit)
	# Forwarding waits for this one: the log line comes after the commit.
	ctd -c
	log "became primary: external cache committed"
	;;
takeover)
	ctd -f
	ctd -R
	ctd -B
	;;
backup)
	log "becoming backup"
	ensure_running
	ctd -t
	ctd -n
	;;
fault)
	log "entering fault"
	ctd -t
	;;
resync)
	ensure_running || exit 1
	ctd -n
	ctd -B
	;;
*)
	echo "usage: $0 primary|commit|takeover|backup|fault|resync" >&2
	exit 2
	;;
esac
exit 0
