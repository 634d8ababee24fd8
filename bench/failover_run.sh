#!/bin/bash
# failover_run.sh: one measurement of bench/failover.sh, in fresh namespaces.
#
#   bench/failover_run.sh IMPL INTERVAL SCENARIO
#     IMPL      hamgr | keepalived (both nodes run it)
#     INTERVAL  1s | 100ms | 10ms (any VRRPv3 interval: 10ms steps)
#     SCENARIO  death  the master's link is cut and its daemon SIGKILLed
#               stop   SIGTERM to the master daemon (priority 0 release)
#               switch `hactl switchover` on the master (hamgr only)
#               rate   no failover: capture the master's adverts on its
#                      bridge port and report the interval really sent
#
# Two nodes (priority 200 and 100, same VIP, a responder on each) and a
# client on one bridge, built by test/netns/lib.sh (sourced read-only). The
# client's probe runs BENCH_RATE requests/s to the VIP from 0.5 s before the
# event until max(2 s, 3 x interval + skew + 1 s) after it. The last line
# of stdout is the machine line failover.sh reads:
#   RESULT impl=I interval=I scenario=S phase=P gap_ms=X switch_ms=Y wire_ms=W
#          sent=N answered=N lost=N first=A last=B switches=K
# gap_ms is the client-visible outage (the probe's longest_gap_ms); wire_ms
# is the takeover seen on the wire, free of the advert phase: from n1's last
# advert (death) or priority-0 advert (stop) to n2's first advert or
# gratuitous ARP.
#   RATE impl=I interval=I n=N min_ms=X median_ms=X max_ms=X field=F
# Exit status: 0 measured, 1 failed (setup or run), 77 skipped.
# Environment: BENCH_RATE (default 4000), BENCH_PHASE (0..1: where in the
# advert interval the event falls, default random), and lib.sh's HM_PREFIX,
# HM_LOGDIR, HM_BUILD, HAMGR (failover.sh sets them).

# LIB_IMPL, LIB_INST are lib.sh's; lib_probe_wait sets the PROBE_* variables.
# shellcheck disable=SC2034,SC2154
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/../test/netns/lib.sh"

IMPL=${1:?usage: failover_run.sh IMPL INTERVAL SCENARIO}
INTERVAL=${2:?interval}
SCENARIO=${3:?scenario}
RATE=${BENCH_RATE:-4000}
VIP=198.51.100.50
PORT=7000
INST=bench

case $IMPL in hamgr | keepalived) ;; *) lib_fail "unknown implementation $IMPL" ;; esac
case $SCENARIO in death | stop | rate) ;; switch) [ "$IMPL" = hamgr ] ||
	lib_fail "switch needs hactl: hamgr only" ;; *) lib_fail "unknown scenario $SCENARIO" ;; esac
LIB_IMPL=$IMPL
# Transitions are logged at notice level: no -d, so that hamgr does not pay
# for debug lines keepalived does not write either.
HM_HAMGR_ARGS=${HM_HAMGR_ARGS-}

lib_require_root
lib_require_hamgr
lib_require_bin probe responder
if [ "$IMPL" = hamgr ] && [ ! -f "$LIB_HAMGR" ]; then
	lib_skip "$LIB_HAMGR is not a file (make build/hamgr)"
fi
lib_require_tools tcpdump awk

INT_S=$(lib_dur_s "$INTERVAL")
# Skew_Time of a priority-P node (RFC 5798: (256 - P) / 256 x interval).
skew_s() { awk -v p="$1" -v i="$INT_S" 'BEGIN { printf "%.6f", (256 - p) * i / 256 }'; }
# Seconds: a + b x interval + Skew_Time(prio), formatted for sleep/timeout.
secs() { awk -v a="$1" -v b="$2" -v i="$INT_S" -v s="$(skew_s "$3")" \
	'BEGIN { printf "%.3f", a + b * i + s }'; }

# The two configs describe the same instance; nothing set that the brief
# leaves at its default (preempt on, keepalived's garp defaults).
start_daemon() {
	local n=$1 prio=$2
	if [ "$IMPL" = keepalived ]; then
		lib_keepalived_start "$n" "global_defs {
    router_id $n
    vrrp_version 3
}
vrrp_instance $INST {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $prio
    advert_int $INT_S
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
}"
	else
		lib_hamgr_start "$n" "instance $INST {
    interface = \"eth0\"
    vrid = 51
    priority = $prio
    advert-interval = $INTERVAL
    vips = {\"$VIP/24\"}
}"
	fi
	LIB_INST[$n]=$INST
}

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client c 198.51.100.100
lib_responder_start n1 $PORT
lib_responder_start n2 $PORT

start_daemon n1 200
start_daemon n2 100
# n1 wins the election after its Master_Down_Interval; n2 stays backup.
lib_wait_vip n1 $VIP "$(secs 3 3 200)"
lib_wait_state n2 BACKUP 2
lib_wait_holders $VIP n1 2
lib_wait_state n1 MASTER 1
# Let the takeover's gratuitous ARPs and the backup's first timers settle.
sleep "$(awk -v i="$INT_S" 'BEGIN { s = 3 * i; if (s < 0.3) s = 0.3; if (s > 0.5) s = 0.5; printf "%.3f", s }')"
lib_assert_running n1
lib_assert_running n2

if [ "$SCENARIO" = rate ]; then
	# What n1 really puts on the wire: its bridge port sees every frame it
	# sends. Bounded by time and by count.
	win=$(awk -v i="$INT_S" 'BEGIN { w = 4.5 * i; printf "%.2f", w < 1.2 ? 1.2 : w }')
	cnt=$(awk -v w="$win" -v i="$INT_S" 'BEGIN { printf "%d", 3 * w / i + 20 }')
	ip netns exec "$LIB_BR" timeout "$win" tcpdump -i vn1 -nn -tt -l -c "$cnt" \
		'ip proto 112 and src 198.51.100.1' >"$LIB_TMP/adverts.txt" 2>"$LIB_TMP/tcpdump.err"
	sed -n '1,3p' "$LIB_TMP/adverts.txt" | sed 's/^/    /'
	awk -v impl="$IMPL" -v iv="$INTERVAL" '
		$1 ~ /^[0-9]+\.[0-9]+$/ && /VRRP/ { t[n++] = $1 }
		/intvl/ { for (k = 1; k <= NF; k++) if ($k == "intvl") f = $(k + 1); sub(/,$/, "", f) }
		END {
			m = 0
			for (k = 1; k < n; k++) d[m++] = (t[k] - t[k - 1]) * 1000
			# insertion sort: at most a few hundred deltas
			for (a = 1; a < m; a++) { v = d[a]; for (b = a - 1; b >= 0 && d[b] > v; b--) d[b + 1] = d[b]; d[b + 1] = v }
			if (m == 0) { printf "RATE impl=%s interval=%s n=0 min_ms=- median_ms=- max_ms=- field=%s\n", impl, iv, f ? f : "-"; exit }
			med = (m % 2) ? d[int(m / 2)] : (d[m / 2 - 1] + d[m / 2]) / 2
			printf "RATE impl=%s interval=%s n=%d min_ms=%.2f median_ms=%.2f max_ms=%.2f field=%s\n",
				impl, iv, m, d[0], med, d[m - 1], f ? f : "-"
		}' "$LIB_TMP/adverts.txt"
	exit 0
fi

post=$(awk -v v="$(secs 1 3 100)" 'BEGIN { printf "%.3f", v < 2 ? 2 : v }')
# The event comes 0.5 s + PHASE x interval after the probe starts. Without
# it the event would sit at a nearly fixed phase of the master's advert
# schedule (setup takes about the same time every run) and every run would
# measure the same point of the [MDI - interval, MDI] range.
phase=${BENCH_PHASE:-$(awk -v r="$RANDOM" 'BEGIN { printf "%.4f", r / 32768 }')}
lead=$(awk -v p="$phase" -v i="$INT_S" 'BEGIN { printf "%.4f", 0.5 + p * i }')
dur=$(awk -v p="$post" -v l="$lead" 'BEGIN { printf "%.3f", p + l }')

# The wire as the client's port sees it: VRRP and ARP only (not the probe's
# traffic), for the phase-free takeover time. Bounded by time and count.
cnt=$(awk -v d="$dur" -v i="$INT_S" 'BEGIN { printf "%d", 3 * d / i + 200 }')
ip netns exec "$LIB_BR" timeout "$(awk -v d="$dur" 'BEGIN { printf "%d", d + 5 }')" \
	tcpdump -i vc -e -nn -tt -l -c "$cnt" 'ip proto 112 or arp' \
	>"$LIB_TMP/wire.txt" 2>"$LIB_TMP/wire.err" &
WIRE=$!
LIB_BG+=("$WIRE")
lib_poll 3 grep -q 'listening on' "$LIB_TMP/wire.err" || lib_fail "tcpdump did not start"

lib_log_mark n2
lib_probe_start c -r "$RATE" -d "$dur" $VIP $PORT
sleep "$lead"
lib_log "event $SCENARIO (phase $phase of the interval)"
if [ "$SCENARIO" = death ]; then
	# Power-off: the cable first (no advert, no answer can leave after
	# this), then the process, so the order cannot leak a priority-0 advert.
	lib_link_cut n1
	lib_daemon_stop n1 KILL
elif [ "$SCENARIO" = switch ]; then
	lib_exec n1 "$LIB_BUILD/hactl" -s "$LIB_TMP/n1.sock" switchover "$INST" --no-wait \
		>"$LIB_TMP/hactl.out" 2>&1 || lib_fail "hactl switchover: $(cat "$LIB_TMP/hactl.out")"
else
	lib_daemon_stop n1 TERM
fi
lib_probe_wait "$(awk -v d="$dur" 'BEGIN { printf "%d", d + 10 }')"
kill -TERM "$WIRE" 2>/dev/null
wait "$WIRE" 2>/dev/null
lib_assert_running n2
lib_has_addr n2 $VIP || lib_log "note: n2 does not hold $VIP at the end"

# Wire takeover: from n1's last advert (death) or its priority-0 advert
# (stop) to n2's first advert or gratuitous ARP as master, in ms.
mac2=$(ip -n "$(lib_ns n2)" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
wire=$(awk -v sc="$SCENARIO" -v mac2="$mac2" '
	$1 !~ /^[0-9]+\.[0-9]+$/ { next }
	/: 198\.51\.100\.1 > 224\.0\.0\.18: VRRP/ {
		if (newt) next
		if (sc == "death" || (/prio 0,/ && !ref)) ref = $1
		next
	}
	ref && !newt && $2 == mac2 && (/: 198\.51\.100\.2 > 224\.0\.0\.18: VRRP/ ||
	    /who-has 198\.51\.100\.50 tell 198\.51\.100\.50/ || /Reply 198\.51\.100\.50 is-at/) {
		newt = $1
	}
	END { if (ref && newt) printf "%.2f", (newt - ref) * 1000; else printf "-" }' "$LIB_TMP/wire.txt")
lib_log "wire takeover: $wire ms"
echo "RESULT impl=$IMPL interval=$INTERVAL scenario=$SCENARIO phase=$phase" \
	"gap_ms=$PROBE_longest_gap_ms switch_ms=$PROBE_switch_ms wire_ms=$wire" \
	"sent=$PROBE_sent answered=$PROBE_answered lost=$PROBE_lost first=$PROBE_first" \
	"last=$PROBE_last switches=$PROBE_switches"
exit 0
