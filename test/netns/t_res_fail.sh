#!/bin/bash
# t_res_fail: a promote that fails (exit 1) on the higher-priority node.
#   on-fail release: n1 (priority 200, fail-holdoff 4s) fails db promote
#   (before-vips), demotes it (nothing left promoted), gives the role up;
#   the VIP goes to n2, which promotes db; n1 does not take the role back
#   during the hold-off although it ranks higher; after it, n1 preempts:
#   n2's demote finishes before n1's promote begins, the VIP ends on n1,
#   and at no sample do both hold it.
#   on-fail ignore: the failed promote is logged, the node does not give
#   up, and the VIP comes up on n1 all the same.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50
HOLD_S=4
FAIL=$LIB_TMP/n1.failpromote

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
res_addrmon_start n1

# ---- on-fail = "release"
: >"$FAIL"
RES_OPTS='        on-fail = "release"'
lib_sampler_start $VIP 40
lib_vrrp_start n1 prio=200 int=100ms extra="startup-gate = 500ms
fail-holdoff = ${HOLD_S}s
$(res_section db before-vips "failfile_promote=$FAIL")"
lib_wait_state n1 MASTER 5
lib_vrrp_start n2 prio=100 int=100ms extra="$(res_section db before-vips)"
res_wait_count n1 db promote 1 5
lib_wait_log n1 'web/db promote failed: exit 1 \(generic error\)' 5
lib_wait_log n1 "giving the role up: db failed; priority 0 for $HOLD_S s" 2
rm -f "$FAIL"   # n1's next promote succeeds
lib_wait_log n1 'MASTER -> BACKUP \(giving the role up: db failed' 3
lib_wait_log n2 'takeover complete' 5
lib_wait_holders $VIP n2 3
res_wait_count n2 db promote 1 3
lib_assert_eq "n1 db promote exit status" 1 "$(res_rc n1 db promote)"
lib_assert_eq "n1 db demotes" 1 "$(res_count n1 db demote)"
res_assert_before "n1: failed promote ends -> demote begins" \
	"$(res_time n1 db promote end)" "$(res_time n1 db demote begin)"
res_assert_before "n1 db demote done -> n2 db promote begins" \
	"$(res_time n1 db demote end)" "$(res_time n2 db promote begin)"
res_promoted n1 db && lib_fail "n1 left db promoted"
res_promoted n2 db || lib_fail "n2's db is not promoted"
lib_assert_eq "n1 VIP additions so far" "" "$(res_addr_time n1 $VIP add)"

# The hold-off: n1 ranks higher but stays backup.
gave_up=$(res_time n1 db promote end)
sleep $((HOLD_S - 2))
lib_assert_holders $VIP n2
lib_assert_eq "n1 db promotes during the hold-off" 1 "$(res_count n1 db promote)"
lib_assert_eq "n1 state during the hold-off" BACKUP "$(lib_state n1)"

# After it: n1 preempts, n2 demotes first.
lib_log_mark n1
lib_wait_log n1 'BACKUP -> MASTER \(preempting' 6
lib_assert_log n1 'preempting 198\.51\.100\.2: irreversible steps wait up to [0-9]+ ms for it to release'
lib_wait_log n1 'takeover complete' 5
lib_wait_holders $VIP n1 3
sleep 0.3       # a few more samples with n1 holding
lib_sampler_check
lib_assert_eq "holders over time" "n2 n1" "$LIB_SAMPLED_HOLDERS"
p2=$(res_time_nth n1 db promote begin 2)
res_assert_before "n2 db demote done -> n1 db promote begins" "$(res_time n2 db demote end)" "$p2"
lib_assert_ge "n1 took the role back after (ms)" $(((p2 - gave_up) / 1000)) $((HOLD_S * 1000 - 100))
lib_assert_eq "n1 db promotes" 2 "$(res_count n1 db promote)"
lib_assert_eq "n2 db promotes" 1 "$(res_count n2 db promote)"
lib_assert_eq "n2 db demotes" 1 "$(res_count n2 db demote)"
res_promoted n1 db || lib_fail "n1's db is not promoted"
res_promoted n2 db && lib_fail "n2 left db promoted"
lib_daemon_stop n1
lib_daemon_stop n2

# ---- on-fail = "ignore"
RES_OPTS='        on-fail = "ignore"'
lib_vrrp_start n1 prio=200 int=100ms extra="startup-gate = 500ms
$(res_section dbi before-vips fail_promote=1)"
lib_wait_state n1 MASTER 5
lib_vrrp_start n2 prio=100 int=100ms extra="$(res_section dbi before-vips)"
lib_wait_log n1 'web/dbi promote failed: exit 1 \(generic error\)' 5
lib_wait_log n1 'takeover complete' 3
lib_wait_holders $VIP n1 3
sleep 0.5
lib_assert_holders $VIP n1
lib_assert_nolog n1 'giving the role up'
lib_assert_nolog n1 "MASTER -> BACKUP"
lib_assert_eq "n1 dbi promotes" 1 "$(res_count n1 dbi promote)"
lib_assert_eq "n1 dbi demotes" 0 "$(res_count n1 dbi demote)"
lib_assert_eq "n2 dbi promotes" 0 "$(res_count n2 dbi promote)"
lib_pass
