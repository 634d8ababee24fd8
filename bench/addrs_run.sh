#!/bin/bash
# addrs_run.sh: how long a takeover takes to bring up 1,000 addresses
# (one run of bench/addrs.sh), in fresh namespaces.
#
#   bench/addrs_run.sh IMPL [N4 N6]
#     IMPL   hamgr | keepalived | ip
#     N4 N6  IPv4 and IPv6 VIPs of the one instance (default 200 and 800).
#            IPv4: 198.51.100.10 .. .209/24 (the advert's subnet), then
#            198.18.0.0/15 (the rest moved unlisted, as the other family);
#            IPv6 2001:db8:100::b:K/64, moved unlisted (keepalived's
#            virtual_ipaddress_excluded)
#   ADDRS_V6_PLAN=shared: the IPv6 VIPs 2001:db8:100:0:b:K:0:1/64
#            instead, all with the same last 24 bits, so they share one
#            solicited-node multicast group (the kernel walks every group
#            of the interface on each IPv6 add: hamgr.conf(5), vips)
#
# n1 (priority 200) holds every VIP, n2 (100) is backup, advert interval
# 100 ms. `ip -ts monitor address` runs on n2; n1 gets SIGTERM (it
# releases with priority 0) and the run ends once n2 holds every VIP.
# From the monitor's timestamps: the first and the last VIP seen on n2,
# against the moment of the SIGTERM and, for hamgr, the BACKUP -> MASTER
# decision in n2's log. IMPL "ip" is what a script would do: no daemon,
# one `ip -batch` adds them all on n2 (decision: the moment before ip
# starts; one request per address), watched by the same monitor.
# Last line of stdout:
#   RESULT impl=I vips=N v4=N4 v6=N6 stop_to_first_ms=A first_to_last_ms=B
#          stop_to_last_ms=C decision_to_last_ms=D plan=own|shared
# (decision_to_last_ms is -1 for keepalived, whose log has no
# milliseconds; stop_to_* are -1 for ip). Exit status: 0 measured,
# 1 failed, 77 skipped.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/../test/netns/lib.sh"

IMPL=${1:?usage: addrs_run.sh IMPL [N4 N6]}
N4=${2:-200}
N6=${3:-800}
N=$((N4 + N6))
case $IMPL in hamgr | keepalived | ip) ;; *) lib_fail "unknown implementation $IMPL" ;; esac
[ "$N4" -ge 1 ] && [ "$N4" -le 4000 ] || lib_fail "N4 must be 1..4000"
LIB_IMPL=$IMPL
[ "$IMPL" = ip ] && LIB_IMPL=hamgr
HM_HAMGR_ARGS=${HM_HAMGR_ARGS-}
lib_require_root
[ "$IMPL" = keepalived ] && lib_require_tools keepalived
[ "$IMPL" = hamgr ] && lib_require_hamgr

# the first 200 in the advert's subnet, the rest in 198.18.0.0/15
v4() {
	if [ "$1" -lt 200 ]; then echo "198.51.100.$((10 + $1))/24"
	else echo "198.18.$((($1 - 200) / 250)).$((1 + ($1 - 200) % 250))/15"; fi
}
PLAN=${ADDRS_V6_PLAN:-own}
case $PLAN in
own) V6_FMT='2001:db8:100::b:%x/64' V6_RE='2001:db8:100::b:' ;;
shared) V6_FMT='2001:db8:100:0:b:%x:0:1/64' V6_RE='2001:db8:100:0:b:' ;;
*) lib_fail "ADDRS_V6_PLAN must be own or shared" ;;
esac
v6() { printf "$V6_FMT" "$1"; }
conf() {
	local prio=$1 k
	if [ "$IMPL" = keepalived ]; then
		printf 'global_defs {\n    router_id n%s\n    vrrp_version 3\n}\n' "$prio"
		printf 'vrrp_instance big {\n    state BACKUP\n    interface eth0\n'
		printf '    virtual_router_id 70\n    priority %d\n    advert_int 0.1\n' "$prio"
		printf '    virtual_ipaddress {\n'
		for ((k = 0; k < N4 && k < 200; k++)); do printf '        %s dev eth0\n' "$(v4 $k)"; done
		printf '    }\n    virtual_ipaddress_excluded {\n'
		for ((k = 200; k < N4; k++)); do printf '        %s dev eth0\n' "$(v4 $k)"; done
		for ((k = 1; k <= N6; k++)); do printf '        %s dev eth0\n' "$(v6 $k)"; done
		printf '    }\n}\n'
	else
		printf 'instance big {\n    interface = "eth0"\n    vrid = 70\n    priority = %d\n' "$prio"
		printf '    advert-interval = 100ms\n    vips = {'
		{
			for ((k = 0; k < N4; k++)); do v4 $k; done
			for ((k = 1; k <= N6; k++)); do v6 $k; echo; done
		} | sed 's/.*/"&"/' | paste -sd, | tr -d '\n'
		printf '}\n}\n'
	fi
}
held() {
	ip -n "$LIB_PREFIX$1" -o addr show dev eth0 2>/dev/null |
		grep -Ec "inet6 $V6_RE"'|inet 198\.51\.100\.(1?[0-9]{2}|2[0-4][0-9])/|inet 198\.1[89]\.'
}
held_is() { [ "$(held "$1")" = "$2" ]; }
start() {
	if [ "$IMPL" = keepalived ]; then lib_keepalived_start "$1" "$(conf "$2")"
	else lib_hamgr_start "$1" "$(conf "$2")"; fi
}
# HH:MM:SS.frac -> milliseconds since midnight
ms_of() { awk -v t="$1" 'BEGIN { split(t, a, ":"); printf "%d", (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }'; }

lib_bridge
lib_node n1 198.51.100.1 2001:db8:100::1
lib_node n2 198.51.100.2 2001:db8:100::2
LIB_INST[n1]=big LIB_INST[n2]=big
stop=-1
if [ "$IMPL" = ip ]; then
	{
		for ((k = 0; k < N4; k++)); do echo "address add $(v4 $k) dev eth0"; done
		for ((k = 1; k <= N6; k++)); do echo "address add $(v6 $k) dev eth0 nodad"; done
	} >"$LIB_TMP/batch"
else
	start n1 200
	lib_poll 20 held_is n1 $N || lib_fail "n1 holds $(held n1) of $N VIPs"
	start n2 100
	sleep 3
	held_is n2 0 || lib_fail "n2 holds $(held n2) VIPs as backup"
fi
lib_exec n2 timeout 30 ip -ts monitor address >"$LIB_TMP/mon" 2>&1 &
mon=$!
LIB_BG+=("$mon")
sleep 0.5
if [ "$IMPL" = ip ]; then
	dec_t=$(date +%H:%M:%S.%N)
	ip -n "$(lib_ns n2)" -batch "$LIB_TMP/batch" || lib_fail "ip -batch failed"
else
	lib_log_mark n2
	stop=$(ms_of "$(date +%H:%M:%S.%N)")
	lib_daemon_signal n1 TERM
fi
lib_poll 25 held_is n2 $N || lib_fail "n2 holds $(held n2) of $N VIPs"
sleep 0.3
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
[ "$IMPL" = ip ] || lib_daemon_reap n1
# [2025-12-01T15:58:52.123456] 3: eth0    inet 198.51.100.10/24 ...
grep -v Deleted "$LIB_TMP/mon" | grep -E 'inet6? (198\.51\.100\.|198\.1[89]\.|'"$V6_RE)" |
	sed -E 's/^\[[0-9-]+T([0-9:.]+)\].*/\1/' >"$LIB_TMP/mon.t"
seen=$(wc -l <"$LIB_TMP/mon.t")
[ "$seen" -ge "$N" ] || lib_fail "ip monitor saw $seen of $N addresses"
first=$(ms_of "$(head -n 1 "$LIB_TMP/mon.t")")
last=$(ms_of "$(tail -n 1 "$LIB_TMP/mon.t")")
dec=-1
if [ "$IMPL" = hamgr ]; then
	dec_t=$(lib_log_since_mark n2 | grep -E 'instance big: BACKUP -> MASTER' | head -n 1 | awk '{ print $1 }')
fi
[ -n "${dec_t:-}" ] && dec=$((last - $(ms_of "$dec_t")))
s2f=-1 s2l=-1
[ "$stop" -ge 0 ] && s2f=$((first - stop)) s2l=$((last - stop))
lib_log "SIGTERM -> first $s2f ms, first -> last $((last - first)) ms, decision -> last $dec ms"
[ "$IMPL" = ip ] || lib_daemon_stop n2 TERM
echo "RESULT impl=$IMPL vips=$N v4=$N4 v6=$N6 stop_to_first_ms=$s2f first_to_last_ms=$((last - first))" \
	"stop_to_last_ms=$s2l decision_to_last_ms=$dec plan=$PLAN"
lib_pass
