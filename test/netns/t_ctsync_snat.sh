#!/bin/bash
# t_ctsync_snat: t_ctsync with source NAT. Both firewalls SNAT what leaves
# towards the server to the inside VIP, and the server has no route back
# to the clients: only the NAT binding brings answers home. fwb commits
# the entries with their NAT (CTA_NAT_SRC from the reply tuple), so after
# fwa fails every flow keeps moving, translated as before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq conntrack

N=200
ct_topology snat
ct_firewall fwa snat
ct_firewall fwb snat
ct_start fwa 200
ct_start fwb 100
ct_wait_state fwa MASTER 5
ct_wait_state fwb BACKUP 5
ct_flows_start "$N" 40
lib_poll 15 ct_all_fresh "$((N + 1))" || lib_fail "flows not up: $(tail -n 1 "$LIB_TMP/client.status")"
natted=$(lib_exec fwa conntrack -L -p tcp --orig-port-dst "$CT_PORT" 2>/dev/null | grep -c 'dst=203.0.113.1 ')
lib_assert_ge "fwa's TCP entries translated to the VIP" "$natted" "$((N + 1))"
lib_poll 10 ct_cached_at_least fwb $((N + 2)) ||
	lib_fail "fwb caches $(ct_status fwb .conntrack_sync.cached_entries) entries"
sleep 1
: >"$LIB_TMP/client.status.mark"
lib_log "fwa fails"
ct_fail fwa
ct_wait_state fwb MASTER 5
lib_log "fwb commit: $(ct_status fwb '.conntrack_sync.last_commit | "\(.entries) entries in \(.duration_ms) ms"')"
natted=$(lib_exec fwb conntrack -L -p tcp --orig-port-dst "$CT_PORT" 2>/dev/null | grep -c 'dst=203.0.113.1 ')
lib_assert_ge "fwb's committed TCP entries translated to the VIP" "$natted" "$((N + 1))"
lib_poll 10 ct_all_moved || lib_fail "not every flow moved after the failover: $(tail -n 1 "$LIB_TMP/client.status")"
sleep 2
lib_poll 3 ct_all_fresh "$((N + 1))" || lib_fail "flows stalled: $(tail -n 1 "$LIB_TMP/client.status")"
ct_client_stop
lib_assert_eq "connections reset" 0 "$(ct_client resets)"
lib_assert_eq "TCP connections open" "$((N + 1))" "$(ct_client open)"
ct_server_check "$((N + 1))"
lib_pass
