#!/bin/bash
# t_ctsync_off: the control of t_ctsync: the same topology, flows and
# failure with conntrack-sync off. fwb's strict ruleset has no state for
# the TCP connections (nf_conntrack_tcp_loose = 0: a segment without SYN
# never starts one), so they stop moving: proof that t_ctsync measures
# what it claims. The UDP flow survives (a new UDP flow may start).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq

N=200
ct_pair_up nosync
ct_flows_up "$N" 30
lib_log "client: $(tail -n 1 "$LIB_TMP/client.status")"
sleep 1
lib_log "fwa fails"
ct_fail fwa
ct_wait_state fwb MASTER 5
# Counted from here: what moves once fwb is the gateway (data still in
# flight through fwa when it failed must not count as moved).
sleep 0.5
: >"$LIB_TMP/client.status.mark"
sleep 5.5
ct_client_stop
moved=$(ct_client moved)
lib_assert_le "flows that moved without sync (the UDP flow at most)" "$moved" 1
drops=$(lib_exec fwb nft list chain inet fw forward | sed -n 's/.*ct state invalid counter packets \([0-9]*\).*/\1/p')
lib_assert_ge "packets fwb dropped as invalid" "${drops:-0}" "$N"
lib_pass
