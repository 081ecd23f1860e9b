#!/bin/sh
# Managed by ts-play (role healthcheck). keepalived's vrrp_script runs this as keepalived_script.
# Check groups run in parallel, each with short timeouts:
#   gateway  ping the default route's gateway
#   icmp     ping external targets (the group passes when any target answers)
#   http     GET URLs that must answer the expected status (any URL passing is enough)
# Healthy when the passing groups reach the quorum (0 = every configured group).
# Exit 0 healthy, 1 unhealthy. One syslog line per failing check (tag ha-check), and a
# textfile-collector file with the result and a persisted failure counter.
# keepalived starts scripts with umask 0177, which makes mktemp's directory 0600: no one could
# create the result files in it. State stays private to the script user; the .prom file is
# made readable explicitly.
umask 077
CONF=${HA_CHECK_CONF:-/etc/ha-check.conf}
HA_CHECK_GATEWAY=yes
HA_CHECK_ICMP_TARGETS=
HA_CHECK_HTTP_URLS=
HA_CHECK_HTTP_STATUS=204
HA_CHECK_QUORUM=0
HA_CHECK_TIMEOUT=1
HA_CHECK_STATE_DIR=/var/lib/ha-check
# shellcheck source=/dev/null
[ -r "$CONF" ] && . "$CONF"

STATE=$HA_CHECK_STATE_DIR
# keepalived kills a run that outlives its timeout before the trap below can tidy up.
find "$STATE" -maxdepth 1 -name 'run.*' -mmin +1 -exec rm -rf -- {} + 2>/dev/null
WORK=$(mktemp -d "$STATE/run.XXXXXX") || { logger -t ha-check -- "cannot create a work directory in $STATE"; exit 1; }
trap 'rm -rf -- "$WORK"' EXIT HUP INT TERM

fail() { logger -t ha-check -- "$*"; }

check_gateway() {
	gw=$(ip route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "via") { print $(i + 1); exit } }')
	if [ -z "$gw" ]; then
		fail "gateway: no default route"
		return 1
	fi
	ping -n -q -c 1 -W "$HA_CHECK_TIMEOUT" "$gw" >/dev/null 2>&1 && return 0
	fail "gateway: ping $gw failed"
	return 1
}

check_icmp() {
	ok=1
	for t in $HA_CHECK_ICMP_TARGETS; do
		if ping -n -q -c 1 -W "$HA_CHECK_TIMEOUT" "$t" >/dev/null 2>&1; then ok=0; else fail "icmp: ping $t failed"; fi
	done
	return "$ok"
}

check_http() {
	ok=1
	for u in $HA_CHECK_HTTP_URLS; do
		code=$(curl -s --max-time "$HA_CHECK_TIMEOUT" -o /dev/null -w '%{http_code}' "$u" 2>/dev/null)
		if [ "$code" = "$HA_CHECK_HTTP_STATUS" ]; then ok=0; else fail "http: $u answered ${code:-nothing} (want $HA_CHECK_HTTP_STATUS)"; fi
	done
	return "$ok"
}

groups=
[ "$HA_CHECK_GATEWAY" = yes ] && groups="$groups gateway"
[ -n "$HA_CHECK_ICMP_TARGETS" ] && groups="$groups icmp"
[ -n "$HA_CHECK_HTTP_URLS" ] && groups="$groups http"

# Each group publishes its result by rename. The script polls for the results rather than
# using `wait`: under keepalived (which runs scripts with its signal mask) `wait` returned before
# the checks had finished, seen in the lab as every group failing.
n=1
for g in $groups; do
	( if "check_$g"; then r=1; else r=0; fi; echo "$r" >"$WORK/.$g" && mv -f -- "$WORK/.$g" "$WORK/$g" ) &
done
for t in $HA_CHECK_ICMP_TARGETS $HA_CHECK_HTTP_URLS; do n=$((n + 1)); done
ticks=$((n * HA_CHECK_TIMEOUT * 10 + 10))
while [ "$ticks" -gt 0 ]; do
	done_all=yes
	for g in $groups; do [ -e "$WORK/$g" ] || done_all=no; done
	[ "$done_all" = yes ] && break
	sleep 0.1
	ticks=$((ticks - 1))
done

total=0
passed=0
for g in $groups; do
	total=$((total + 1))
	[ "$(cat "$WORK/$g" 2>/dev/null)" = 1 ] && passed=$((passed + 1))
done
need=$HA_CHECK_QUORUM
[ "$need" -gt 0 ] 2>/dev/null || need=$total

failures=$(cat "$STATE/failures_total" 2>/dev/null)
case $failures in '' | *[!0-9]*) failures=0 ;; esac
if [ "$total" -gt 0 ] && [ "$passed" -ge "$need" ]; then
	up=1
else
	up=0
	failures=$((failures + 1))
	fail "unhealthy: $passed of $total check groups passed, quorum $need"
	printf '%s\n' "$failures" >"$WORK/failures" && mv -f -- "$WORK/failures" "$STATE/failures_total"
fi

prom=$WORK/ha_check.prom
{
	echo '# HELP ha_check_up Whether the last ha-check run found the node healthy (1) or not (0).'
	echo '# TYPE ha_check_up gauge'
	echo "ha_check_up $up"
	echo '# HELP ha_check_group_up Whether a check group passed in the last ha-check run.'
	echo '# TYPE ha_check_group_up gauge'
	for g in $groups; do echo "ha_check_group_up{group=\"$g\"} $(cat "$WORK/$g" 2>/dev/null || echo 0)"; done
	echo '# HELP ha_check_failures_total ha-check runs that found the node unhealthy.'
	echo '# TYPE ha_check_failures_total counter'
	echo "ha_check_failures_total $failures"
	echo '# HELP ha_check_last_run_timestamp_seconds When ha-check last ran.'
	echo '# TYPE ha_check_last_run_timestamp_seconds gauge'
	echo "ha_check_last_run_timestamp_seconds $(date +%s)"
} >"$prom"
chmod 0644 "$prom"
mv -f -- "$prom" "$STATE/ha_check.prom"

[ "$up" = 1 ]
