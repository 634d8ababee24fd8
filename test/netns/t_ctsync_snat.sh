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
ct_pair_up snat
ct_flows_up "$N" 40
natted=$(lib_exec fwa conntrack -L -p tcp --orig-port-dst "$CT_PORT" 2>/dev/null | grep -c 'dst=203.0.113.1 ')
lib_assert_ge "fwa's TCP entries translated to the VIP" "$natted" "$((N + 1))"
ct_wait_cached "$N"
sleep 1
: >"$LIB_TMP/client.status.mark"
lib_log "fwa fails"
ct_fail fwa
ct_wait_state fwb MASTER 5
ct_log_commit fwb
natted=$(lib_exec fwb conntrack -L -p tcp --orig-port-dst "$CT_PORT" 2>/dev/null | grep -c 'dst=203.0.113.1 ')
lib_assert_ge "fwb's committed TCP entries translated to the VIP" "$natted" "$((N + 1))"
ct_flows_survived "$N" failover
lib_pass
