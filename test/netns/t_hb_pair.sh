#!/bin/bash
# t_hb_pair: two nodes run protocol "hamgr" (authenticated heartbeat over
# UDP 694, one shared key) at 30 ms, n1 priority 200, n2 100, preempt off
# (so a node that starts again comes back as backup and nothing moves).
#  - n1 is elected; heartbeats flow (sent and received counted) and no
#    heartbeat of the pair is dropped for a decode or key reason;
#  - hactl switchover moves the VIP to n2, switchover --to n1 back, each
#    with one transition per node and never two holders;
#  - kill -9 of the master: the backup takes over (client outage measured
#    with the probe);
#  - the killed node starts again: it joins (nonce round trip, both count
#    each other's heartbeats again), comes back BACKUP, nothing moves;
#  - SIGTERM of the master hands over to the backup at once; the stopped
#    node starts again as backup;
#  - at 1 s heartbeats, where a release would wait Skew_Time (609 ms for
#    priority 100) and a silence Master_Down (> 3 s): switchover and SIGTERM
#    each move the VIP within 500 ms (an explicit handover, no wait).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_bin probe responder
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "protocol hamgr is hamgr's own"
# shellcheck source=test/netns/lib_hb.sh
. "$(dirname "$0")/lib_hb.sh"
hb_require
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client c 198.51.100.100
lib_responder_start n1 7000
lib_responder_start n2 7000
KEY=$(hb_genkey 1)
hb_keys n1 "$KEY"
hb_keys n2 "$KEY"

# No heartbeat of the pair may be refused for its structure or its key.
assert_no_bad_drops() {
	local n=$1 r v
	hb_metrics "$n"
	for r in $HB_R_DECODE $HB_R_AUTH; do
		v=$(hb_drops "$n" "$r")
		[ "$v" = 0 ] || lib_fail "$n dropped $v heartbeats of the pair for reason $r"
	done
	lib_log "$n: no heartbeat dropped for a decode or key reason ($(hb_drop_deltas "$n"))"
}

# A move by hactl: NODE ARGS..., the VIP ends on TO within LIMIT ms.
switch_by_hactl() {
	local from=$1 to=$2 limit=$3 t0 took
	shift 3
	lib_log_mark "$from"
	lib_log_mark "$to"
	lib_sampler_start $VIP 20
	t0=$(lib_now_ms)
	hactl "$from" switchover web "$@"
	expect_rc 0 "switchover on $from $*"
	lib_wait_holders $VIP "$to" 3
	took=$(($(lib_now_ms) - t0))
	sleep 1          # nothing may move back
	lib_sampler_check
	lib_assert_eq "holders during the switchover" "$from $to" "$LIB_SAMPLED_HOLDERS"
	lib_assert_eq "$from's transitions" "MASTER->BACKUP" "$(hb_transitions "$from")"
	lib_assert_eq "$to's transitions" "BACKUP->MASTER" "$(hb_transitions "$to")"
	lib_assert_le "switchover ms ($from -> $to)" "$took" "$limit"
}

# NODE starts again next to MASTER: BACKUP, both count each other again,
# and for 2 s nothing moves.
rejoin() {
	local n=$1 m=$2 rx_m
	lib_log_mark "$m"
	hb_metrics "$m"
	rx_m=$(hb_rx "$m")
	lib_sampler_start $VIP 20
	hb_restart "$n"
	lib_wait_state "$n" BACKUP 5
	lib_poll 3 hb_rx_above "$n" 0 || lib_fail "$n (restarted) accepts no heartbeat of $m"
	lib_poll 3 hb_rx_above "$m" "$rx_m" ||
		lib_fail "$m accepts no heartbeat of $n's new boot (no join: challenge unanswered?)"
	lib_log "$n joined: $m counts its heartbeats again ($(hb_rx "$m") received)"
	sleep 2
	lib_sampler_check none_ok=0
	lib_assert_eq "holders while $n starts again" "$m" "$LIB_SAMPLED_HOLDERS"
	lib_assert_eq "$m's transitions while $n starts again" "" "$(hb_transitions "$m")"
	lib_assert_eq "$n's transitions after its start" "INIT->BACKUP" "$(hb_transitions "$n")"
	hb_metrics "$m"
	lib_log "$m's drops: $(hb_drop_deltas "$m")"
	assert_no_bad_drops "$n"
	assert_no_bad_drops "$m"
}

lib_log "--- election at 30 ms"
hb_start n1 prio=200 preempt=false
lib_wait_state n1 MASTER 5
hb_start n2 prio=100 preempt=false
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_poll 3 hb_rx_above n2 20 || lib_fail "n2 accepts no heartbeats of n1 ($(hb_rx n2) in 3 s)"
sleep 1
hb_metrics n1
tx1=$(hb_tx n1)
hb_metrics n2
rx2=$(hb_rx n2)
lib_assert_ge "n1's heartbeats sent (master, 30 ms, > 1 s)" "$tx1" 25
lib_assert_ge "n2's heartbeats received" "$rx2" 25
assert_no_bad_drops n1
assert_no_bad_drops n2
lib_assert_eq "n2's transitions" "INIT->BACKUP" "$(hb_transitions n2)"
QUIET=1 hactl n2 status --json
lib_log "n2's status names the master: $(jq -c '.instances[0].master // "none"' "$LIB_TMP/out")"

lib_log "--- hactl switchover: n1 -> n2, then --to n1: n2 -> n1"
switch_by_hactl n1 n2 1000
switch_by_hactl n2 n1 1000 --to n1

lib_log "--- kill -9 of the master n1: n2 takes over"
lib_log_mark n2
lib_sampler_start $VIP 30
lib_probe_start c -d 8 -u -t 500 $VIP 7000
sleep 1
t0=$(lib_now_ms)
# The link first: at 30 ms the backup takes over within ~110 ms, before a
# killed master's stale VIP would be out of the sampler's sight.
lib_link_cut n1
lib_daemon_stop n1 KILL
lib_wait_vip n2 $VIP 5
took=$(($(lib_now_ms) - t0))
lib_log "n2 holds the VIP $took ms after the kill"
lib_probe_wait 15
lib_sampler_check
lib_assert_eq "n2's transitions" "BACKUP->MASTER" "$(hb_transitions n2)"
lib_assert_eq "first answering node" n1 "$PROBE_first"
lib_assert_eq "last answering node" n2 "$PROBE_last"
lib_assert_eq "switches" 1 "$PROBE_switches"
lib_log "client-visible outage: longest gap $PROBE_longest_gap_ms ms, switch $PROBE_switch_ms ms"
lib_assert_le "takeover ms after kill -9 at 30 ms" "$took" 1500
lib_assert_le "client-visible outage ms" "$PROBE_longest_gap_ms" 1500

lib_log "--- n1 starts again: joins, BACKUP, nothing moves"
# Back as after a reboot: without the address kill -9 may have left on it
# (hamgr would remove it at start, but the sampler must not see it
# before); n1 may also have seen its link go down first and released it.
ip -n "$(lib_ns n1)" addr del $VIP/24 dev eth0 2>/dev/null
lib_link_restore n1
rejoin n1 n2

lib_log "--- SIGTERM of the master n2: hands over to n1"
lib_log_mark n1
lib_sampler_start $VIP 20
t0=$(lib_now_ms)
lib_daemon_signal n2 TERM
lib_wait_vip n1 $VIP 3
took=$(($(lib_now_ms) - t0))
lib_daemon_reap n2
lib_assert_eq "n2's exit status after SIGTERM" 0 "$LIB_EXIT"
sleep 0.5
lib_sampler_check
lib_assert_eq "holders during the SIGTERM handover" "n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_assert_eq "n1's transitions" "BACKUP->MASTER" "$(hb_transitions n1)"
lib_assert_le "SIGTERM handover ms" "$took" 1000

lib_log "--- n2 starts again: joins, BACKUP, nothing moves"
rejoin n2 n1

lib_log "--- 1 s heartbeats: switchover and SIGTERM move at once (no Skew_Time, no Master_Down)"
lib_hamgr_stop n2
lib_hamgr_stop n1
hb_start n1 prio=200 preempt=false int=1s
lib_wait_state n1 MASTER 10
hb_start n2 prio=100 preempt=false int=1s
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_poll 5 hb_rx_above n2 0 || lib_fail "n2 accepts no heartbeats of n1 at 1 s"
lib_poll 5 hb_rx_above n1 0 || lib_fail "n1 accepts no heartbeats of n2 at 1 s"
switch_by_hactl n1 n2 500
lib_log_mark n1
lib_sampler_start $VIP 20
t0=$(lib_now_ms)
lib_daemon_signal n2 TERM
lib_wait_vip n1 $VIP 4
took=$(($(lib_now_ms) - t0))
lib_daemon_reap n2
sleep 0.5
lib_sampler_check
lib_assert_eq "holders during the SIGTERM handover at 1 s" "n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_assert_le "SIGTERM handover ms at 1 s heartbeats (Skew_Time would be 609)" "$took" 500
lib_assert_running n1
lib_pass
