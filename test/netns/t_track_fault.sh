#!/bin/bash
# t_track_fault: a weight-0 track puts the instance in FAULT. n1 (150) and
# n2 (100) each track a TCP port of their own on a gateway host with
# agents/check-tcp (interval 300ms, rise 2, fall 2, weight 0). n1's port
# closes (its listener stops: connection refused): n1 releases first, as
# on a switchover (VIP removed, then its db resource demoted, a slow one,
# while it keeps advertising), and only then goes MASTER -> FAULT naming
# the track and sends priority 0: n2 takes over and promotes its db only
# after n1's demote has finished (never two holders, never two promoted);
# n2's hactl shows n1 in FAULT; n2's track is untouched. The port opens
# again: n1 leaves FAULT for BACKUP and preempts back to MASTER.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_track.sh
. "$(dirname "$0")/lib_track.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
trk_require
lib_require_tools python3
VIP=198.51.100.50
declare -A LISTENER=()

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
trk_gateway

# listen PORT: a TCP listener on the gateway that accepts and closes every
# connection (bounded by timeout).
listen() {
	# Not through lib_exec (a function: & would fork a subshell), so that
	# $! is timeout(1) itself (ip netns exec execs it), which passes a
	# SIGTERM on to python.
	ip netns exec "$(lib_ns gw)" timeout 120 python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
while True:
    c, _ = s.accept()
    c.close()
' "$TRK_GW" "$1" >>"$LIB_TMP/gw.listen.log" 2>&1 &
	LISTENER[$1]=$!
	LIB_BG+=("$!")
	lib_poll 10 lib_exec gw "$TRK_AGENTS/check-tcp" -t 1 "$TRK_GW" "$1" >/dev/null 2>&1 ||
		lib_fail "the listener on port $1 does not come up"
	lib_log "gw: port $1 open"
}

unlisten() {
	kill -TERM "${LISTENER[$1]}"
	wait "${LISTENER[$1]}" 2>/dev/null
	lib_log "gw: port $1 closed"
}

# conf PORT: the track on PORT and a db resource whose demote is slow.
conf() {
	trk_cmd svc 0 "$TRK_AGENTS/check-tcp -t 1 $TRK_GW $1"
	res_section db before-vips sleep_demote=1
}

listen 8001
listen 8002
lib_vrrp_start n1 prio=150 extra="$(conf 8001)"
lib_vrrp_start n2 prio=100 extra="$(conf 8002)"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_log n1 'takeover complete' 8
lib_wait_holders $VIP n1 3
lib_wait_log n1 'track svc up \(first check\); TCP OK' 3
lib_wait_log n2 'track svc up \(first check\); TCP OK' 3
trk_wait_node n2 n1 state MASTER 3
lib_sampler_start $VIP 40

lib_log "--- n1's port closes"
lib_log_mark n1
lib_log_mark n2
unlisten 8001
lib_wait_log n1 'track svc down after 2 failures in a row; TCP CRITICAL - 198\.51\.100\.254 port 8001: Connection refused: priority 150 -> 150 \(weight 0: FAULT\)$' 5
lib_wait_log n1 'instance web: releasing: track svc down \(weight 0\)' 2
lib_wait_novip n1 $VIP 2
lib_wait_log n1 'instance web: MASTER -> FAULT \(track svc down \(weight 0\)\)' 5
lib_wait_state n2 MASTER 3
lib_wait_log n2 'takeover complete' 5
lib_wait_holders $VIP n2 3
res_assert_before "n1 db demote done -> n2 db promote begins" \
	"$(res_time n1 db demote end)" "$(res_time n2 db promote begin)"
lib_assert_eq "n1 db promotes" 1 "$(res_count n1 db promote)"
lib_assert_eq "n2 db promotes" 1 "$(res_count n2 db promote)"
lib_assert_eq "n1's own state" FAULT "$(trk_self_field n1 state)"
trk_wait_node n2 n1 state FAULT 3
lib_log "n1's effective priority as n2 sees it: $(trk_node_field n2 n1 effective_priority)"
sleep 1.5
lib_assert_eq "n1's state while its port is closed" FAULT "$(lib_state n1)"
lib_assert_holders $VIP n2
lib_assert_nolog n1 'track svc up|FAULT -> '
lib_assert_nolog n2 'track svc (up|down)|MASTER -> '
lib_sampler_check
lib_assert_eq "holders over time" "n1 n2" "$LIB_SAMPLED_HOLDERS"
lib_sampler_start $VIP 40

lib_log "--- n1's port opens again"
lib_log_mark n1
lib_log_mark n2
listen 8001
lib_wait_log n1 'track svc up after 2 successes in a row; TCP OK.*: priority 150 -> 150$' 5
lib_wait_log n1 'instance web: FAULT -> BACKUP' 2
lib_wait_state n1 MASTER 3
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3
trk_wait_node n2 n1 state MASTER 3
lib_assert_eq "n1's own effective priority" 150 "$(trk_self_field n1 effective_priority)"
lib_assert_running n1
lib_assert_running n2
lib_sampler_check brief=1
lib_assert_eq "holders over time" "n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_pass
