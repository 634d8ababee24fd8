#!/bin/bash
# t_hb_replay: a rogue captures 50 heartbeats of the master n1 (protocol
# "hamgr", 30 ms, n1 200, n2 100, preempt off) and sends them again, from
# n1's address, at 1000 per second:
#  A  while n1 lives: refused (dup/old), nothing moves;
#  B  while n1 dies (kill -9): the replays of the dead boot do not keep n2
#     waiting, it takes over on time and stays master;
#  C  while n2, the receiver, restarts (n1 still dead): n2 has never heard
#     that boot, the replays are unverified (no one answers its
#     challenge), n2 becomes master on time anyway;
#  D  both restarted since the capture, n2 master and n1 backup: the old
#     MASTER-200 heartbeats of n1, taken, would make n2 step down; every
#     one is refused and counted, nothing moves.
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
RK=$LIB_TMP/rogue.authkey
CAP=$LIB_TMP/n1.capture

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client rogue 198.51.100.66
KEY=$(hb_genkey 1)
hb_keys n1 "$KEY"
hb_keys n2 "$KEY"
hb_keys rogue "$KEY"       # capture keeps only what verifies

# Replay refusals of NODE since its snapshot.
refused() {
	local n=$1 r t=0
	for r in $HB_R_REPLAY; do
		t=$((t + $(hb_drop_delta "$n" "$r")))
	done
	echo $t
}

hb_start n1 prio=200 preempt=false
lib_wait_state n1 MASTER 5
hb_start n2 prio=100 preempt=false
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_poll 3 hb_rx_above n2 20 || lib_fail "n2 accepts no heartbeats of n1"

lib_log "--- capture: 50 MASTER heartbeats of n1 that verify"
hb_rogue rogue capture -i eth0 -N n1 -t 1 -S 2 -K "$RK" -n 50 -d 5 -o "$CAP"
[ "$HB_RC" = 0 ] || lib_fail "capture failed (exit $HB_RC)"
lib_assert_eq "datagrams captured" 50 "$(grep -vc '^#' "$CAP")"
lib_assert_eq "captured from n1's address" 50 "$(grep -c '^198\.51\.100\.1 ' "$CAP")"
BOOT=$(grep -o 'boot=[0-9a-f]*' "$LIB_TMP/hbrogue.out" | sort -u)
lib_assert_eq "boot ids in the capture" 1 "$(wc -l <<<"$BOOT")"
lib_log "n1's captured boot: $BOOT"

lib_log "--- A: replay while n1 lives"
lib_log_mark n1
lib_log_mark n2
hb_drop_snapshot n2
lib_sampler_start $VIP 20
hb_rogue rogue replay -i eth0 -f "$CAP" -A -r 1000 -n 3000 -d 3
[ "$HB_RC" = 0 ] || lib_fail "replay failed (exit $HB_RC)"
sleep 0.3
lib_sampler_check none_ok=0
lib_assert_eq "holders during the replay" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_eq "n1's transitions" "" "$(hb_transitions n1)"
lib_assert_eq "n2's transitions" "" "$(hb_transitions n2)"
hb_metrics n2
lib_log "n2's drops: $(hb_drop_deltas n2)"
lib_assert_ge "n2's dup+old drops (of $HB_TOTAL replayed)" \
	$(($(hb_drop_delta n2 dup) + $(hb_drop_delta n2 old))) $((HB_TOTAL * 9 / 10))

lib_log "--- B: n1 killed while its heartbeats are replayed from its address"
lib_log_mark n2
hb_drop_snapshot n2
lib_sampler_start $VIP 20
hb_rogue_bg rogue replay -i eth0 -f "$CAP" -A -r 1000 -n 5000 -d 5
sleep 0.5
t0=$(lib_now_ms)
# The link first: at 30 ms the backup takes over within ~110 ms, before a
# killed master's stale VIP would be out of the sampler's sight.
lib_link_cut n1
lib_daemon_stop n1 KILL
lib_wait_vip n2 $VIP 4
took=$(($(lib_now_ms) - t0))
lib_log "n2 holds the VIP $took ms after the kill (replay still on)"
hb_rogue_wait
[ "$HB_RC" = 0 ] || lib_fail "replay failed (exit $HB_RC)"
lib_sampler_check
lib_assert_eq "holders" "n1 n2" "$LIB_SAMPLED_HOLDERS"
lib_assert_le "takeover ms under the replay" "$took" 1500
lib_assert_eq "n2's transitions (no step down for a replay)" "BACKUP->MASTER" "$(hb_transitions n2)"
hb_metrics n2
lib_log "n2's drops: $(hb_drop_deltas n2)"
lib_assert_ge "n2's replay refusals (of $HB_TOTAL replayed)" "$(refused n2)" $((HB_TOTAL * 9 / 10))

lib_log "--- C: n2, the receiver, restarts during the replay (n1 still dead)"
hb_rogue_bg rogue replay -i eth0 -f "$CAP" -A -r 1000 -n 6000 -d 6
sleep 0.3
lib_hamgr_stop n2
t0=$(lib_now_ms)
hb_restart n2
hb_drop_zero n2
lib_wait_vip n2 $VIP 3
took=$(($(lib_now_ms) - t0))
lib_log "restarted n2 holds the VIP $took ms after its start (replay still on)"
hb_rogue_wait
lib_assert_eq "n2's transitions" "INIT->BACKUP BACKUP->MASTER" "$(hb_transitions n2)"
lib_assert_le "ms from n2's start to the VIP under the replay" "$took" 2000
hb_metrics n2
lib_log "n2's drops since its start: $(hb_drop_deltas n2)"
lib_assert_ge "n2's unverified drops (a boot n2 never joined)" "$(hb_drops n2 unverified)" 1000
lib_assert_eq "n2's accepted heartbeats (nobody else runs)" 0 "$(hb_rx n2)"

lib_log "--- D: both restarted since the capture; n2 master, n1 backup"
lib_link_restore n1
hb_restart n1
lib_wait_state n1 BACKUP 5
lib_poll 3 hb_rx_above n1 0 || lib_fail "n1 accepts no heartbeat of n2"
lib_poll 3 hb_rx_above n2 0 || lib_fail "n2 accepts no heartbeat of n1's new boot"
lib_assert_holders $VIP n2
sleep 0.5
lib_log_mark n1
lib_log_mark n2
hb_drop_snapshot n1
hb_drop_snapshot n2
lib_sampler_start $VIP 20
hb_rogue rogue replay -i eth0 -f "$CAP" -A -r 1000 -n 3000 -d 3
[ "$HB_RC" = 0 ] || lib_fail "replay failed (exit $HB_RC)"
sleep 0.3
lib_sampler_check none_ok=0
lib_assert_eq "holders during the replay" n2 "$LIB_SAMPLED_HOLDERS"
lib_assert_eq "n1's transitions" "" "$(hb_transitions n1)"
lib_assert_eq "n2's transitions (n1's MASTER-200 replays not taken)" "" "$(hb_transitions n2)"
hb_metrics n1
lib_log "n1's drops: $(hb_drop_deltas n1)"
hb_metrics n2
lib_log "n2's drops: $(hb_drop_deltas n2)"
lib_assert_ge "n2's replay refusals (of $HB_TOTAL replayed)" "$(refused n2)" $((HB_TOTAL * 9 / 10))
lib_assert_ge "n2's unverified drops (the old boot, never joined by this n2)" \
	"$(hb_drop_delta n2 unverified)" 1
lib_assert_running n1
lib_assert_running n2
lib_pass
