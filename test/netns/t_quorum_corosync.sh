#!/bin/bash
# t_quorum_corosync: three nodes, each with a real corosync 3 (votequorum,
# token 500 ms, token_coefficient 0) and hamgr with quorum = "corosync"
# (vrrp3, 100 ms adverts, quorum-wait derived from corosync's token and
# consensus: 1375 ms).
#   the master cut off at the bridge (corosync's traffic too): its corosync
#     says "not quorate" and it steps down (FAULT, cause quorum) before the
#     pair's best backup takes over; at most one holder at every sample;
#     the lone node never takes the role back while cut off; healed: n1
#     preempts back, one master;
#   corosync stopped on the master: it goes FAULT (corosync went away), n2
#     takes over; corosync started again: hamgr reconnects, n1 back.
# Skips when corosync is not installed (make deps installs it).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_corosync.sh
. "$(dirname "$0")/lib_corosync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft jq
cs_require
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_node n3 198.51.100.3

cs_setup "n1 n2 n3"
q='    quorum = "corosync"'

lib_log "--- hamgr without corosync: hamgr -t warns; FAULT, no quorum"
lib_vrrp_start n1 prio=200 extra="$q"
lib_wait_log n1 'no quorum: corosync cannot be reached' 3
grep -q 'warning: .*quorum: corosync cannot be reached' "$LIB_TMP/n1.conftest" ||
	lib_fail "hamgr -t did not warn: $(cat "$LIB_TMP/n1.conftest")"
sleep 1
lib_assert_holders $VIP ""
lib_assert_no_state n1 MASTER

lib_log "--- corosync up on all three: quorate"
cs_start n1
cs_start n2
cs_start n3
for n in n1 n2 n3; do cs_wait_quorate $n yes 20; done
lib_wait_log n1 'quorum: connected to corosync' 3
lib_vrrp_start n2 prio=150 extra="$q"
lib_vrrp_start n3 prio=100 extra="$q"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_state n3 BACKUP 5
lib_wait_holders $VIP n1 3
QUIET=1 hactl n2 status --json
lib_assert_eq "n2's quorum" "corosync true true 3 3 1375" \
	"$(jqo '.instances[0].quorum | "\(.provider) \(.quorate) \(.reachable) \(.seen) \(.nodes) \(.wait_ms)"')"
QUIET=1 hactl n2 metrics
grep -q '^hamgr_quorate{instance="web"} 1$' "$LIB_TMP/out" || lib_fail "metrics: no hamgr_quorate 1"
sleep 0.5

lib_log "--- the master is cut off: it steps down, n2 takes over"
for n in n1 n2 n3; do lib_log_mark $n; done
cs_mark=$(wc -l <"$LIB_TMP/n1.corosync.log")
lib_sampler_start $VIP 30
t_cut=$(lib_now_ms)
lib_isolate n1
lib_partition_handover n1 n2 $VIP
lib_assert_log n1 'no quorum: corosync: not quorate'
lib_assert_no_state n3 MASTER
# When hamgr on n1 heard "not quorate" and when n2 took over, after the cut.
since_cut() {
	local t
	t=$(lib_log_since_mark "$1" | grep -m1 -E -- "$2" | cut -c1-12)
	[ -n "$t" ] || { echo "?"; return; }
	awk -v t="$t" -v d="$(date +%F)" -v c="$t_cut" 'BEGIN {
		split(t, a, ":"); s = a[1] * 3600 + a[2] * 60 + a[3]
		cmd = "date -d \"" d " 00:00\" +%s"; cmd | getline midnight; close(cmd)
		printf "%d", (midnight + s) * 1000 - c }'
}
lib_log "after the cut: n1 no quorum at $(since_cut n1 'no quorum: corosync') ms," \
	"n1 FAULT at $(since_cut n1 '-> FAULT') ms, n2 MASTER at $(since_cut n2 '-> MASTER') ms"
lib_log "n1's corosync: $(tail -n +$((cs_mark + 1)) "$LIB_TMP/n1.corosync.log" |
	grep -m1 -E 'non-primary|NOT provide' || echo '(no line)')"
sleep 1.5
lib_assert_no_state n1 MASTER
lib_assert_holders $VIP n2

lib_log "--- healed: n1 preempts back"
lib_heal
cs_wait_quorate n1 yes 15
lib_wait_state n1 MASTER 5
lib_wait_holders $VIP n1 3
sleep 0.5

lib_log "--- corosync stops on the master: FAULT; back when it is"
for n in n1 n2 n3; do lib_log_mark $n; done
lib_sampler_start $VIP 30
cs_stop n1
lib_wait_log n1 'corosync went away' 3
lib_wait_state n1 FAULT 3
lib_wait_state n2 MASTER 5
lib_wait_vip n2 $VIP 3
QUIET=1 hactl n1 status --json
lib_assert_eq "n1's quorum" "corosync false false" \
	"$(jqo '.instances[0].quorum | "\(.provider) \(.quorate) \(.reachable)"')"
QUIET=1 hactl n1 status
grep -q 'no quorum' "$LIB_TMP/out" || lib_fail "status does not say no quorum: $(cat "$LIB_TMP/out")"
QUIET=1 hactl n1 metrics
grep -q '^hamgr_quorate{instance="web"} 0$' "$LIB_TMP/out" || lib_fail "metrics: no hamgr_quorate 0"
sleep 1
lib_sampler_check
lib_assert_eq "holders over time" "n1 n2" "$LIB_SAMPLED_HOLDERS"
lib_assert_nolog n1 'connected to corosync'
cs_start n1
lib_wait_log n1 'quorum: connected to corosync' 15
lib_wait_state n1 MASTER 10
lib_wait_holders $VIP n1 3
lib_pass
