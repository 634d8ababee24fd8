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
ct_topology
ct_firewall fwa
ct_firewall fwb
ct_start fwa 200
ct_start fwb 100
ct_wait_state fwa MASTER 5
ct_wait_state fwb BACKUP 5
ct_flows_start "$N" 40
lib_poll 15 ct_all_fresh "$((N + 1))" || lib_fail "flows not up: $(tail -n 1 "$LIB_TMP/client.status")"
lib_poll 10 ct_cached_at_least fwb $((N + 2)) ||
	lib_fail "fwb caches $(ct_status fwb .conntrack_sync.cached_entries) entries"
sleep 1
: >"$LIB_TMP/client.status.mark"
lib_log_mark fwb
for i in out in; do
	"$CT_HACTL" -s "$LIB_TMP/fwa.sock" switchover "$i" --to fwb >>"$LIB_TMP/hactl.log" 2>&1 ||
		{ cat "$LIB_TMP/hactl.log"; lib_fail "hactl switchover $i"; }
done
lib_log "switched over: $(tail -n 2 "$LIB_TMP/hactl.log" | tr '\n' ' ')"
ct_wait_state fwb MASTER 5
lib_log "fwb commit: $(ct_status fwb '.conntrack_sync.last_commit | "\(.entries) entries in \(.duration_ms) ms"')"
lib_poll 10 ct_all_moved || lib_fail "not every flow moved after the switchover: $(tail -n 1 "$LIB_TMP/client.status")"
sleep 2
lib_poll 3 ct_all_fresh "$((N + 1))" || lib_fail "flows stalled: $(tail -n 1 "$LIB_TMP/client.status")"
lib_assert_eq "fwa's role" receiver "$(ct_status fwa .conntrack_sync.role)"
lib_assert_eq "fwb's role" sender "$(ct_status fwb .conntrack_sync.role)"
lib_assert_eq "fwb's metrics: sender" 1 \
	"$("$CT_HACTL" -s "$LIB_TMP/fwb.sock" metrics | sed -n 's/^hamgr_ctsync_sender //p')"
lib_assert_ge "fwb's metrics: commits" \
	"$("$CT_HACTL" -s "$LIB_TMP/fwb.sock" metrics | sed -n 's/^hamgr_ctsync_commits_total //p')" 1
lib_poll 10 ct_cached_at_least fwa $((N + 2)) ||
	lib_fail "fwa caches $(ct_status fwa .conntrack_sync.cached_entries) entries after the switch"
lib_log "fwa caches $(ct_status fwa .conntrack_sync.cached_entries) entries from fwb"
ct_client_stop
lib_assert_eq "connections reset" 0 "$(ct_client resets)"
lib_assert_eq "TCP connections open" "$((N + 1))" "$(ct_client open)"
ct_server_check "$((N + 1))"
lib_pass
