# shellcheck shell=bash
# lib_scale.sh: what scale_run.sh and starvation_run.sh share: N instances
# per node (VRIDs 1..N, one VIP each: 198.51.100.4 .. .253, then
# 2001:db8:100::5:K), for hamgr or keepalived; CPU and memory of a daemon.
# Needs IMPL (hamgr, hamgr-hb: protocol "hamgr", see lib_hb.sh, or
# keepalived), N, INTERVAL and lib.sh; RT (realtime-priority, hamgr) may be
# set, 0 included (off); unset, the config leaves hamgr's default.

# shellcheck source=bench/lib_hb.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_hb.sh"

vip() {
	if [ "$1" -le 250 ]; then echo "198.51.100.$((3 + $1))/24"
	else echo "2001:db8:100::5:$1/64"; fi
}

conf() {
	local prio=$1 node=$2 k
	if [ "$IMPL" = keepalived ]; then
		printf 'global_defs {\n    router_id %s\n    vrrp_version 3\n}\n' "$node"
		for ((k = 1; k <= N; k++)); do
			printf 'vrrp_instance i%d {\n    state BACKUP\n    interface eth0\n' "$k"
			printf '    virtual_router_id %d\n    priority %d\n    advert_int %s\n' \
				"$k" "$prio" "$(lib_dur_s "$INTERVAL")"
			printf '    virtual_ipaddress {\n        %s dev eth0\n    }\n}\n' "$(vip "$k")"
		done
	else
		# RT unset: hamgr's default (auto: 10 below 50 ms intervals, else 0)
		[ -n "${RT:-}" ] && printf 'realtime-priority = %d\n' "$RT"
		if [ "$IMPL" = hamgr-hb ]; then hb_bench_global; fi
		for ((k = 1; k <= N; k++)); do
			printf 'instance i%d {\n    interface = "eth0"\n    vrid = %d\n' "$k" "$k"
			if [ "$IMPL" = hamgr-hb ]; then hb_bench_instance; fi
			printf '    priority = %d\n    advert-interval = %s\n    vips = {"%s"}\n}\n' \
				"$prio" "$INTERVAL" "$(vip "$k")"
		done
	fi
}

start() {
	if [ "$IMPL" = keepalived ]; then
		lib_keepalived_start "$1" "$(conf "$2" "$1")"
	else
		if [ "$IMPL" = hamgr-hb ]; then hb_bench_key; fi
		lib_hamgr_start "$1" "$(conf "$2" "$1")"
	fi
}

# Transitions into STATE in NODE's log since the mark.
count_state() {
	local re
	if [ "$IMPL" = keepalived ]; then re="Entering $2 STATE"; else re=" -> $2 "; fi
	lib_log_since_mark "$1" | grep -c -- "$re"
}

settled() {
	[ "$(count_state n1 MASTER)" -ge "$N" ] && [ "$(count_state n2 BACKUP)" -ge "$N" ]
}

# Every pid of NODE's daemon (keepalived: the parent and its VRRP child).
pids() {
	if [ "$IMPL" = keepalived ]; then
		local p
		for p in $(ip netns pids "$LIB_PREFIX$1"); do
			[ "$(cat /proc/"$p"/comm 2>/dev/null)" = keepalived ] && echo "$p"
		done
	else
		echo "${LIB_PID[$1]}"
	fi
}

# CPU time in nanoseconds, summed over NODE's daemon and its threads: the
# scheduler's own account (/proc/PID/task/TID/schedstat, first field),
# not utime + stime, whose 10 ms ticks cannot tell 0.03 % from 0.10 %
# over 20 s (one instance idles at a few hundredths of a percent).
cpu_ns() {
	local p t=0 v f
	for p in $(pids "$1"); do
		for f in /proc/"$p"/task/*/schedstat; do
			read -r v _ <"$f" 2>/dev/null || continue
			t=$((t + v))
		done
	done
	echo $t
}
# pct NS MS: NS of CPU over MS milliseconds, in % of one core.
pct() { awk -v d="$1" -v ms="$2" 'BEGIN { printf "%.3f", d / (ms * 10000) }'; }

rss_kb() {
	local p t=0 v
	for p in $(pids "$1"); do
		v=$(awk '/^VmRSS:/ { print $2 }' /proc/"$p"/status 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	echo $t
}

# Two nodes (n1 priority 200, n2 100) with N instances each, settled.
# Sets SETTLE_S.
scale_setup() {
	local t0
	lib_bridge
	lib_node n1 198.51.100.1 2001:db8:100::1
	lib_node n2 198.51.100.2 2001:db8:100::2
	t0=$(lib_now_ms)
	start n1 200
	start n2 100
	lib_poll $((30 + N / 4)) settled ||
		lib_fail "not settled: n1 $(count_state n1 MASTER) MASTER, n2 $(count_state n2 BACKUP) BACKUP of $N"
	SETTLE_S=$(awk -v ms=$(($(lib_now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
	lib_log "settled in $SETTLE_S s"
}
