#!/bin/bash
# t_track_ping: a command track moves the priority. n1 (150) and n2 (100)
# both track a gateway host with agents/check-ping (interval 300ms, rise 2,
# fall 2, weight -60). The gateway becomes unreachable from n1 only (its
# echo requests are dropped on the way out, so each check runs into the
# track's timeout): after two failures n1
# competes with 90, advertises it at once, and n2 (100) preempts; n2's
# hactl shows n1 with effective priority 90. When the gateway answers again
# n1 goes back to 150 and preempts back. Never two holders for longer than
# the preemption handover (single samples).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_track.sh
. "$(dirname "$0")/lib_track.sh"
lib_require_root
lib_require_hamgr
trk_require
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
trk_gateway

tracks() {
	trk_cmd gw -60 "$TRK_AGENTS/check-ping -c 1 -W 1 $TRK_GW"
}
lib_vrrp_start n1 prio=150 extra="$(tracks)"
lib_vrrp_start n2 prio=100 extra="$(tracks)"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_wait_log n1 'track gw up \(first check\); PING OK' 3
lib_wait_log n2 'track gw up \(first check\); PING OK' 3
trk_wait_node n2 n1 effective_priority 150 3
lib_assert_eq "n1's own effective priority" 150 "$(trk_self_field n1 effective_priority)"
lib_sampler_start $VIP 40

lib_log "--- the gateway becomes unreachable from n1 only"
lib_log_mark n1
lib_log_mark n2
trk_block_out n1
# check-ping -W 1 outlives the track's timeout (the interval, 300ms): a
# run that is killed counts as a failure.
lib_wait_log n1 'track gw down after 2 failures in a row; .*: priority 150 -> 90$' 5
lib_wait_state n2 MASTER 3
lib_wait_state n1 BACKUP 3
lib_wait_holders $VIP n2 3
lib_assert_eq "n1's own effective priority" 90 "$(trk_self_field n1 effective_priority)"
lib_assert_eq "n1's configured priority" 150 "$(trk_self_field n1 priority)"
trk_wait_node n2 n1 effective_priority 90 3
lib_assert_eq "n1's configured priority as n2 sees it" 150 "$(trk_node_field n2 n1 priority)"
lib_assert_eq "n1's state as n2 sees it" BACKUP "$(trk_node_field n2 n1 state)"
lib_assert_eq "n2's master as n1 sees it" n2 "$(jq -r '.instances[0].master.node' "$LIB_TMP/n1.status")"
# The track stays down while the gateway is unreachable; n2's is untouched.
sleep 1.5
lib_assert_holders $VIP n2
lib_assert_nolog n1 'track gw up'
lib_assert_nolog n2 'track gw (up|down)'
lib_assert_eq "n1's state" BACKUP "$(lib_state n1)"

lib_log "--- the gateway answers n1 again"
lib_log_mark n1
lib_log_mark n2
trk_unblock_out n1
lib_wait_log n1 'track gw up after 2 successes in a row; PING OK.*: priority 90 -> 150$' 5
lib_wait_state n1 MASTER 3
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3
trk_wait_node n2 n1 effective_priority 150 3
lib_assert_eq "n1's own effective priority" 150 "$(trk_self_field n1 effective_priority)"
# hactl log: the track's changes are events.
lib_exec n1 "$HACTL" -s "$LIB_TMP/n1.sock" log --json >"$LIB_TMP/n1.events" ||
	lib_fail "hactl log on n1"
lib_assert_eq "n1's track events" \
	"gw down after 2 failures in a row: priority 150 -> 90|gw up after 2 successes in a row: priority 90 -> 150" \
	"$(jq -r '[.events[] | select(.type == "track" and (.message | test("^gw (up|down)( [^:]*)?: priority [0-9]+ -> [0-9]+$"))) | .message] | .[-2:] | join("|")' "$LIB_TMP/n1.events")"
lib_assert_running n1
lib_assert_running n2

lib_sampler_check brief=1
lib_assert_eq "holders over time" "n1 n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_pass
