#!/bin/bash
# t_hb_unicast: protocol "hamgr" with unicast-peers (n1 200 and n2 100 name
# each other, 30 ms): n1 is elected and the pair counts each other's
# heartbeats; hactl switchover hands the role to n2 and back with never
# two holders; a key holder that is not a configured peer (the rogue, with
# the pair's key, as MASTER priority 255, to n2's address) moves nothing
# and each of its heartbeats is counted as not_allowed, before the replay
# window, so it never even joins;
# kill -9 of the master: n2 takes over.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "protocol hamgr is hamgr's own"
# shellcheck source=test/netns/lib_hb.sh
. "$(dirname "$0")/lib_hb.sh"
hb_require
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client rogue 198.51.100.66
KEY=$(hb_genkey 1)
hb_keys n1 "$KEY"
hb_keys n2 "$KEY"
hb_keys rogue "$KEY"

hb_start n1 prio=200 preempt=false peers=198.51.100.2
lib_wait_state n1 MASTER 5
hb_start n2 prio=100 preempt=false peers=198.51.100.1
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_poll 3 hb_rx_above n2 20 || lib_fail "n2 accepts no unicast heartbeats of n1"
lib_poll 3 hb_rx_above n1 0 || lib_fail "n1 accepts no unicast heartbeats of n2"
hb_metrics n1
lib_log "n1's drops: $(hb_drop_deltas n1)"

lib_log "--- switchover n1 -> n2 and back, unicast"
for pair in "n1 n2" "n2 n1"; do
	read -r from to <<<"$pair"
	lib_log_mark "$from"
	lib_log_mark "$to"
	lib_sampler_start $VIP 20
	hactl "$from" switchover web
	expect_rc 0 "switchover on $from"
	lib_wait_holders $VIP "$to" 3
	sleep 0.5
	lib_sampler_check
	lib_assert_eq "holders" "$from $to" "$LIB_SAMPLED_HOLDERS"
	lib_assert_eq "$from's transitions" "MASTER->BACKUP" "$(hb_transitions "$from")"
	lib_assert_eq "$to's transitions" "BACKUP->MASTER" "$(hb_transitions "$to")"
done

lib_log "--- a key holder that is not a peer, as MASTER 255, to n2"
lib_log_mark n1
lib_log_mark n2
hb_drop_snapshot n2
lib_sampler_start $VIP 20
hb_rogue rogue send -i eth0 -D 198.51.100.2 -N n9 -P 255 -S 2 -K "$LIB_TMP/rogue.authkey" \
	-k valid -E -r 200 -n 600 -d 3
[ "$HB_RC" = 0 ] || lib_fail "hbrogue send: exit $HB_RC"
sleep 0.3
lib_sampler_check none_ok=0
lib_assert_eq "holders" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_eq "n1's transitions" "" "$(hb_transitions n1)"
lib_assert_eq "n2's transitions" "" "$(hb_transitions n2)"
hb_metrics n2
lib_log "n2's drops: $(hb_drop_deltas n2)"
lib_assert_ge "n2's not_allowed drops (of $HB_TOTAL from the non-peer)" \
	"$(hb_drop_delta n2 not_allowed)" $((HB_TOTAL * 9 / 10))
lib_assert_eq "n2's unverified drops (the non-peer never reaches the window)" \
	0 "$(hb_drop_delta n2 unverified)"

lib_log "--- kill -9 of the master n1: n2 takes over"
lib_log_mark n2
lib_sampler_start $VIP 20
t0=$(lib_now_ms)
lib_link_cut n1
lib_daemon_stop n1 KILL
lib_wait_vip n2 $VIP 3
took=$(($(lib_now_ms) - t0))
sleep 0.3
lib_sampler_check
lib_assert_eq "n2's transitions" "BACKUP->MASTER" "$(hb_transitions n2)"
lib_assert_le "takeover ms after kill -9 (unicast, 30 ms)" "$took" 1500
lib_pass
