#!/bin/bash
# t_ctsync_switch: a graceful switchover (hactl switchover of both
# instances) with conntrack-sync: fwb commits before it takes the VIPs,
# every flow keeps moving, none is reset; then fwa, a receiver now, gets
# fwb's table again (a full dump it asks for) so a switch back would work.
# Then the client closes its connections on fwb, whose entries its commit
# wrote while it was a receiver: fwb reports their ends, and after a switch
# back fwa's kernel holds them closed (TIME_WAIT), not established. (With
# nf_conntrack_events = 2 an entry made while no socket listens to the
# conntrack groups never reports anything; kernels from 6.3 count the
# listeners of every namespace together, so here fwa's listener alone
# would do; t_ctsync_join shows it with no other listener.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq conntrack

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
ev0=$(ct_events fwb)
ct_flows_survived "$N" switchover
ct_wait_ends fwb "$ev0" "$((N + 1))"
ct_flow_states() {
	lib_exec fwa conntrack -L -f "ipv$CT_FAMILY" -p tcp --orig-port-dst "$CT_PORT" 2>/dev/null |
		awk '{print $4}' | sort | uniq -c | tr -s ' \n' ' '
}
ct_flows_closed() {
	local st
	st=$(lib_exec fwa conntrack -L -f "ipv$CT_FAMILY" -p tcp --orig-port-dst "$CT_PORT" 2>/dev/null)
	[ "$(grep -c TIME_WAIT <<<"$st")" -ge "$((N + 1))" ] && ! grep -q ESTABLISHED <<<"$st"
}
sleep 1
ct_switchover fwb fwa
ct_wait_state fwa MASTER 5
ct_log_commit fwa
lib_poll 5 ct_flows_closed ||
	lib_fail "fwa's kernel after the switch back: $(ct_flow_states), expected $((N + 1)) TIME_WAIT, none ESTABLISHED"
lib_log "fwa's kernel after the switch back: $(ct_flow_states)"
lib_pass
