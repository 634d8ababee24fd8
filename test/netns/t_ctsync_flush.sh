#!/bin/bash
# t_ctsync_flush: release = "flush" end to end. 200 TCP connections, a
# stream and a UDP flow go through fwa; a graceful switchover of both
# instances hands them to fwb, which commits its cache and carries every
# flow on, none reset. fwa, releasing, deletes the synced connections from
# its kernel: its conntrack table holds none of the flows afterwards
# (conntrack -L), while fwb's holds them all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq conntrack

N=200
# Entries of the flows (TCP to the server's port, and the UDP flow) in
# N's kernel.
ct_flow_entries() {
	lib_exec "$1" conntrack -L -d "$CT_SRV" 2>/dev/null | grep -c "dport=$CT_PORT "
}

CT_SYNC_EXTRA='
    release = "flush"'
ct_pair_up
ct_flows_up "$N" 40
ct_wait_cached "$N"
lib_assert_ge "fwa's kernel: entries of the flows before" "$(ct_flow_entries fwa)" "$((N + 2))"
sleep 1
: >"$LIB_TMP/client.status.mark"
ct_switchover fwa fwb
ct_wait_state fwb MASTER 5
ct_wait_state fwa BACKUP 5
ct_log_commit fwb
lib_poll 10 ct_all_moved || lib_fail "not every flow moved after the switchover: $(tail -n 1 "$LIB_TMP/client.status")"
lib_log "fwa flushed $(ct_status fwa .conntrack_sync.flushed) entries"
lib_assert_eq "fwa's kernel: entries of the flows after the flush" 0 "$(ct_flow_entries fwa)"
lib_assert_ge "fwa's flushed counter" "$(ct_status fwa .conntrack_sync.flushed)" "$((N + 2))"
lib_assert_ge "fwb's kernel: entries of the flows" "$(ct_flow_entries fwb)" "$((N + 2))"
# fwa's DESTROY events for what it flushed did not reach fwb: every flow
# goes on through fwb
ct_flows_survived "$N" switchover
lib_assert_eq "fwa's kernel: entries of the flows at the end" 0 "$(ct_flow_entries fwa)"
lib_pass
