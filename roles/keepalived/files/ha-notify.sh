#!/bin/sh
# Managed by ts-play (role keepalived). keepalived starts this once as its vrrp_notify_fifo_script
# (as root) and writes one line per VRRP state change to the fifo given as $1, in order:
#   INSTANCE "VI_LAN" MASTER 150     GROUP "G_NAT" BACKUP
# Instance lines only record the state (read by the exporters' textfile script). Sync-group lines
# drive the node: conntrackd takes over or hands back, ha-hold keeps forwarded traffic from being
# answered with RST until the synced state is committed, and in bgp mode the node announces the
# shared IPs as primary (MASTER) or secondary (anything else) through the bgp role's ha-bgp.
# Every step goes to syslog (ha-notify).
CONF=${HA_NOTIFY_CONF:-/etc/keepalived/ha-notify.conf}
HA_VIP_MODE=arp
HA_STATE_DIR=/run/ha-notify
HA_HOLD=/usr/local/sbin/ha-hold
HA_CONNTRACKD=/usr/local/sbin/conntrackd-ha.sh
HA_BGP=/usr/local/sbin/ha-bgp
# shellcheck source=/dev/null
[ -r "$CONF" ] && . "$CONF"

log() { logger -t ha-notify -- "$*"; }

report() {
	if [ "$2" -eq 0 ]; then log "$1: ok"; else log "$1: failed (exit $2)"; fi
}

step() {
	"$@"
	report "$*" "$?"
}

hold() {
	if [ -x "$HA_HOLD" ]; then step "$HA_HOLD" "$1"; else log "no $HA_HOLD: traffic not held ($1)"; fi
}

record() {
	printf '%s\n' "$2" >"$HA_STATE_DIR/.$1.tmp" && mv -f -- "$HA_STATE_DIR/.$1.tmp" "$HA_STATE_DIR/$1.state"
}

on_group() {
	case $2 in
	MASTER)
		# Forwarding is already held (BACKUP and FAULT hold, and a ruleset load holds unless
		# this node owns the VIP): only the commit has to finish before live flows may pass;
		# the cache flush, resync and bulk send run with traffic flowing again. keepalived's
		# GARPs have already drawn the traffic here, so every fork before the release is
		# traffic dropped: the log lines come after it.
		"$HA_CONNTRACKD" commit
		committed=$?
		released=none
		if [ -x "$HA_HOLD" ]; then
			"$HA_HOLD" off
			released=$?
		fi
		# In bgp mode the route servers send the traffic here only once this node announces
		# as primary: that comes right after the release, before any logging.
		announced=none
		if [ "$HA_VIP_MODE" = bgp ]; then
			"$HA_BGP" primary "VRRP MASTER"
			announced=$?
		fi
		log "group $1 MASTER: taking over"
		report "$HA_CONNTRACKD commit" "$committed"
		if [ "$released" = none ]; then log "no $HA_HOLD: traffic not held (off)"; else report "$HA_HOLD off" "$released"; fi
		[ "$announced" = none ] || report "$HA_BGP primary" "$announced"
		step "$HA_CONNTRACKD" takeover
		log "group $1 MASTER: done"
		;;
	BACKUP)
		log "group $1 BACKUP"
		[ "$HA_VIP_MODE" = bgp ] && step "$HA_BGP" secondary "VRRP BACKUP"
		step "$HA_CONNTRACKD" backup
		hold on
		;;
	FAULT)
		log "group $1 FAULT"
		[ "$HA_VIP_MODE" = bgp ] && step "$HA_BGP" secondary "VRRP FAULT"
		hold on
		step "$HA_CONNTRACKD" fault
		;;
	*)
		log "group $1 $2"
		;;
	esac
}

handle() {
	type=$1 name=$2 state=$3
	name=${name#\"}
	name=${name%\"}
	case $type in
	INSTANCE)
		# keepalived logs the instance's state itself; the group line that follows is the one
		# that acts, and on a takeover it should not wait for a logger here.
		record "$name" "$state"
		;;
	GROUP)
		record "group-$name" "$state"
		on_group "$name" "$state"
		;;
	esac
}

if [ $# -ne 1 ]; then
	echo "usage: $0 FIFO (started by keepalived as its vrrp_notify_fifo_script)" >&2
	exit 2
fi
mkdir -p -- "$HA_STATE_DIR" || log "cannot create $HA_STATE_DIR: instance states not recorded"
log "listening on $1"
while read -r type name state prio; do
	handle "$type" "$name" "$state" "$prio"
done <"$1"
log "fifo $1 closed"
