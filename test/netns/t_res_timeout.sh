#!/bin/bash
# t_res_timeout: a promote that hangs (and ignores SIGTERM) on the master:
#   n1 (priority 200) promotes db (before-vips, timeout 1s, on-fail
#   release) with hang_promote=1: hamgr logs "timed out", sends SIGTERM,
#   then SIGKILL after the grace, so no res-log process is left in n1's
#   namespace; n1 demotes db, logs "giving the role up" and releases;
#   n2 takes over (VIP on n2 only), promotes db, and n1 stays backup in
#   its hold-off; n1 never held the VIP and db is promoted nowhere else.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
res_addrmon_start n1

RES_OPTS='        timeout = 1s
        on-fail = "release"'
# n1 first: master alone, its gate (500 ms) passes with n2 a silent backup.
lib_vrrp_start n1 prio=200 int=100ms extra="startup-gate = 500ms
$(res_section db before-vips hang_promote=1)"
lib_wait_state n1 MASTER 5
lib_vrrp_start n2 prio=100 int=100ms extra="$(res_section db before-vips)"
lib_wait_state n2 BACKUP 5
res_wait_count n1 db promote 1 5
lib_wait_log n1 'web/db promote: timed out after 1000 ms' 5
lib_wait_log n1 'web/db promote: still running [0-9]+ ms after SIGTERM, killing process group' 5
lib_wait_log n1 'web/db promote failed: timed out' 3
lib_wait_log n1 'giving the role up: db failed' 3
lib_wait_log n1 'MASTER -> BACKUP \(giving the role up: db failed' 3
lib_wait_log n2 'takeover complete' 10
lib_wait_holders $VIP n2 3
res_wait_count n2 db promote 1 3

left=$(res_procs n1)
[ -z "$left" ] || lib_fail "res-log processes left in n1's namespace: $left"
lib_log "no res-log process left in n1's namespace"

# n1: the hung promote was undone by a demote, after it was killed.
lib_assert_eq "n1 db promotes" 1 "$(res_count n1 db promote)"
lib_assert_eq "n1 db demotes" 1 "$(res_count n1 db demote)"
lib_assert_eq "n1 promote end lines (killed, never finished)" "" "$(res_time n1 db promote end)"
res_assert_before "n1 db demote done -> n2 db promote begins" \
	"$(res_time n1 db demote end)" "$(res_time n2 db promote begin)"
res_promoted n1 db && lib_fail "n1 left db promoted"
res_promoted n2 db || lib_fail "n2's db is not promoted"
lib_assert_eq "n1 VIP additions (the VIP waits for db)" "" "$(res_addr_time n1 $VIP add)"
lib_assert_eq "n2 db promotes" 1 "$(res_count n2 db promote)"

# n1 stays out (fail-holdoff: default 60 s) although it ranks higher.
sleep 1
lib_assert_holders $VIP n2
lib_assert_eq "n1 db promotes after the hold-off began" 1 "$(res_count n1 db promote)"
lib_assert_eq "n1 state" BACKUP "$(lib_state n1)"
lib_assert_running n1
lib_assert_running n2
lib_pass
