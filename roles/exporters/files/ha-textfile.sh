#!/bin/sh
# Managed by ts-play (role exporters). Run by ha-textfile.timer as root; writes node_exporter
# textfile-collector files, each atomically (temp file in the same directory, then rename):
#   ha_vrrp.prom        keepalived_vrrp_state, keepalived_vip_present, gateway_preferred_master
#   nftables.prom       nftables_counter_bytes / _packets for every named counter
#   conntrackd.prom     conntrackd cache sizes and sync channel figures from `conntrackd -s`
# The VRRP state comes from the files ha-notify writes on each ordered state change, checked
# against a running keepalived: a dead keepalived must not leave a stale MASTER behind.
CONF=${HA_TEXTFILE_CONF:-/etc/ha-textfile.conf}
TEXTFILE_DIR=/var/lib/prometheus/node-exporter
VRRP_INSTANCES=/etc/keepalived/vrrp-instances
VRRP_STATE_DIR=/run/ha-notify
PREFERRED_MASTER=0
COLLECT_VRRP=yes
COLLECT_NFTABLES=yes
COLLECT_CONNTRACKD=yes
CONNTRACKD_CONF=/etc/conntrackd/conntrackd.conf
# Seconds each probe may take: conntrackd answers its socket from its main loop, which a commit or
# a resync can hold, and a run waiting on it holds back every later refresh, ha_vrrp.prom's too.
PROBE_TIMEOUT=5
# shellcheck source=/dev/null
[ -r "$CONF" ] && . "$CONF"

# write NAME: stdin -> $TEXTFILE_DIR/NAME.prom, atomically.
write() {
	tmp=$(mktemp "$TEXTFILE_DIR/.$1.XXXXXX") || return 1
	if cat >"$tmp"; then
		chmod 0644 "$tmp" && mv -f -- "$tmp" "$TEXTFILE_DIR/$1.prom" && return 0
	fi
	rm -f -- "$tmp"
	return 1
}

state_number() {
	case $1 in
	INIT) echo 0 ;;
	BACKUP) echo 1 ;;
	MASTER) echo 2 ;;
	FAULT) echo 3 ;;
	*) echo 0 ;;
	esac
}

vrrp() {
	if pidof keepalived >/dev/null 2>&1; then up=1; else up=0; fi
	echo '# HELP keepalived_up Whether keepalived is running on this node.'
	echo '# TYPE keepalived_up gauge'
	echo "keepalived_up $up"
	echo '# HELP keepalived_vrrp_state VRRP state per instance: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT.'
	echo '# TYPE keepalived_vrrp_state gauge'
	grep -v '^#' "$VRRP_INSTANCES" 2>/dev/null | while read -r name intf vrid vip; do
		[ -n "$vip" ] || continue
		state=INIT
		[ "$up" = 1 ] && state=$(cat "$VRRP_STATE_DIR/$name.state" 2>/dev/null)
		echo "keepalived_vrrp_state{iname=\"$name\",intf=\"$intf\",vrid=\"$vrid\",ip_address=\"$vip\"} $(state_number "$state")"
	done
	echo '# HELP keepalived_vip_present Whether the VIP is configured on its interface on this node.'
	echo '# TYPE keepalived_vip_present gauge'
	addrs=$(ip -o -4 addr show 2>/dev/null | awk '{ split($4, a, "/"); print $2 " " a[1] }')
	grep -v '^#' "$VRRP_INSTANCES" 2>/dev/null | while read -r name intf vrid vip; do
		[ -n "$vip" ] || continue
		present=0
		printf '%s\n' "$addrs" | grep -qx "$intf $vip" && present=1
		echo "keepalived_vip_present{ip_address=\"$vip\",intf=\"$intf\"} $present"
	done
	echo '# HELP gateway_preferred_master Whether inventory prefers this node as VRRP master (1) or backup (0).'
	echo '# TYPE gateway_preferred_master gauge'
	echo "gateway_preferred_master $PREFERRED_MASTER"
}

nftables() {
	json=$(timeout "$PROBE_TIMEOUT" nft -j list counters 2>/dev/null) || return 1
	rows=$(printf '%s' "$json" | jq -r '.nftables[] | select(.counter) | .counter | [.name, .table, .family, .packets, .bytes] | @tsv') || return 1
	echo '# HELP nftables_counter_bytes Bytes counted by a named nftables counter.'
	echo '# TYPE nftables_counter_bytes counter'
	printf '%s\n' "$rows" | awk -F '\t' 'NF == 5 { printf "nftables_counter_bytes{name=\"%s\",table=\"%s\",family=\"%s\"} %s\n", $1, $2, $3, $5 }'
	echo '# HELP nftables_counter_packets Packets counted by a named nftables counter.'
	echo '# TYPE nftables_counter_packets counter'
	printf '%s\n' "$rows" | awk -F '\t' 'NF == 5 { printf "nftables_counter_packets{name=\"%s\",table=\"%s\",family=\"%s\"} %s\n", $1, $2, $3, $4 }'
}

conntrackd_stats() {
	if out=$(timeout "$PROBE_TIMEOUT" conntrackd -C "$CONNTRACKD_CONF" -s 2>/dev/null); then up=1; else up=0; fi
	echo '# HELP conntrackd_up Whether conntrackd answered its statistics request.'
	echo '# TYPE conntrackd_up gauge'
	echo "conntrackd_up $up"
	[ "$up" = 1 ] || return 0
	printf '%s\n' "$out" | awk '
		/^cache internal:/ { cache = "internal"; next }
		/^cache external:/ { cache = "external"; next }
		/^current active connections:/ && cache != "" { entries[cache] = $NF; next }
		/^connections (created|updated|destroyed):/ && cache != "" { ev = $2; sub(/:$/, "", ev); events[cache "\t" ev] = $3; next }
		/^UDP traffic|^TCP traffic/ { cache = "" }
		/Bytes sent/ { bs = $1; br = $4 }
		/Pckts sent/ { ps = $1; pr = $4 }
		/Error send/ { es = $1; er = $4 }
		/Malformed msgs/ { mal = $1; lost = $4 }
		END {
			print "# HELP conntrackd_cache_entries Entries in a conntrackd cache (internal: this node'"'"'s flows; external: the peer'"'"'s)."
			print "# TYPE conntrackd_cache_entries gauge"
			for (c in entries) printf "conntrackd_cache_entries{cache=\"%s\"} %s\n", c, entries[c]
			print "# HELP conntrackd_cache_events_total Entries a conntrackd cache created, updated and destroyed (external: what the peer'"'"'s messages did here)."
			print "# TYPE conntrackd_cache_events_total counter"
			for (k in events) { split(k, p, "\t"); printf "conntrackd_cache_events_total{cache=\"%s\",event=\"%s\"} %s\n", p[1], p[2], events[k] }
			print "# HELP conntrackd_sync_bytes_total Bytes on the sync channel."
			print "# TYPE conntrackd_sync_bytes_total counter"
			printf "conntrackd_sync_bytes_total{direction=\"sent\"} %d\nconntrackd_sync_bytes_total{direction=\"received\"} %d\n", bs, br
			print "# HELP conntrackd_sync_packets_total Packets on the sync channel."
			print "# TYPE conntrackd_sync_packets_total counter"
			printf "conntrackd_sync_packets_total{direction=\"sent\"} %d\nconntrackd_sync_packets_total{direction=\"received\"} %d\n", ps, pr
			print "# HELP conntrackd_sync_errors_total Send and receive errors on the sync channel."
			print "# TYPE conntrackd_sync_errors_total counter"
			printf "conntrackd_sync_errors_total{direction=\"sent\"} %d\nconntrackd_sync_errors_total{direction=\"received\"} %d\n", es, er
			print "# HELP conntrackd_sync_malformed_messages_total Malformed sync messages received."
			print "# TYPE conntrackd_sync_malformed_messages_total counter"
			printf "conntrackd_sync_malformed_messages_total %d\n", mal
			print "# HELP conntrackd_sync_lost_messages_total Sync messages lost (sequence gaps seen by FTFW)."
			print "# TYPE conntrackd_sync_lost_messages_total counter"
			printf "conntrackd_sync_lost_messages_total %d\n", lost
		}'
}

rc=0
if [ "$COLLECT_VRRP" = yes ]; then vrrp | write ha_vrrp || rc=1; fi
if [ "$COLLECT_NFTABLES" = yes ]; then
	if body=$(nftables); then printf '%s\n' "$body" | write nftables || rc=1; else logger -t ha-textfile -- "nft -j list counters failed"; rc=1; fi
fi
if [ "$COLLECT_CONNTRACKD" = yes ]; then conntrackd_stats | write conntrackd || rc=1; fi
exit "$rc"
