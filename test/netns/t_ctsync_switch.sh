#!/bin/bash
# t_ctsync_switch: a graceful switchover (hactl switchover of both
# instances) with conntrack-sync: fwb commits before it takes the VIPs,
# every flow keeps moving, none is reset; then fwa, a receiver now, gets
# fwb's table again (a full dump it asks for) so a switch back would work.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq

N=200
ct_pair_up
ct_flows_up "$N" 40
ct_wait_cached "$N"
sleep 1
: >"$LIB_TMP/client.status.mark"
lib_log_mark fwb
ct_switchover fwa fwb
ct_wait_state fwb MASTER 5
ct_log_commit fwb
lib_assert_eq "fwa's role" receiver "$(ct_status fwa .conntrack_sync.role)"
lib_assert_eq "fwb's role" sender "$(ct_status fwb .conntrack_sync.role)"
lib_assert_eq "fwb's metrics: sender" 1 \
	"$("$CT_HACTL" -s "$LIB_TMP/fwb.sock" metrics | sed -n 's/^hamgr_ctsync_sender //p')"
lib_assert_ge "fwb's metrics: commits" \
	"$("$CT_HACTL" -s "$LIB_TMP/fwb.sock" metrics | sed -n 's/^hamgr_ctsync_commits_total //p')" 1
lib_poll 10 ct_cached_at_least fwa $((N + 2)) ||
	lib_fail "fwa caches $(ct_status fwa .conntrack_sync.cached_entries) entries after the switch"
lib_log "fwa caches $(ct_status fwa .conntrack_sync.cached_entries) entries from fwb"
ct_flows_survived "$N" switchover
lib_pass
