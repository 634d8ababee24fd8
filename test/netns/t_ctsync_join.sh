#!/bin/bash
# t_ctsync_join: the backup firewall restarts while connections open and
# close. fwa is master and sender. fwb's hamgr is killed, the client opens
# 200 TCP connections, a stream and a UDP flow through fwa, and fwb's hamgr
# starts again at once, so it joins fwa's sync (a full dump) while the
# kernel's table and its events change under the dump. Then, while 1,000
# short connections open and close (their TIME_WAIT entries stay), fwb
# restarts twice more. After each join fwb must end with every connection
# fwa syncs, none missing for good. Before the dump's first chunk left with
# the dump request, the events fwa read between its request and its first
# dump entry went out before the chunk fwb joined at, and fwb lost them:
# 1 to 10 entries missing for good (the CI failure of t_ctsync6, where fwb
# happened to join as the flows opened). Then fwa fails and every flow
# keeps moving through fwb, none reset. When the client closes them, fwb
# reports their ends: its DESTROY membership while a receiver gave the
# entries its commit wrote their event extension. Before, with fwa dead no
# socket listened to the conntrack groups at commit time, and with
# nf_conntrack_events = 2 (the default) those entries never reported
# anything: 0 events for 201 closed connections. IPv4; CT_FAMILY=6 in the
# environment runs it over IPv6.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq conntrack

N=200 SHORT=1000
# fwb's hamgr started; back once it joined fwa's sync. fwb_restart: killed
# first.
fwb_start() {
	ct_start fwb 100
	ct_wait_state fwb BACKUP 5
	lib_wait_log fwb "conntrack-sync: in step with fwa" 5
}
fwb_restart() {
	lib_hamgr_kill fwb
	fwb_start
}

ct_caches_agree() {
	lib_poll 10 ct_counts_match "$((N + 2))" ||
		lib_fail "$1: fwb caches $(ct_status fwb .conntrack_sync.cached_entries) entries," \
			"fwa $(ct_status fwa .conntrack_sync.cached_entries);" \
			"fwb: $(ct_sync_diag fwb)"
	lib_log "$1: fwb caches $(ct_status fwb .conntrack_sync.cached_entries) entries, as fwa"
}

ct_pair_up
lib_hamgr_kill fwb
ct_flows_start "$N" 40
fwb_start
lib_poll 15 ct_all_fresh "$((N + 1))" ||
	lib_fail "flows not up: $(tail -n 1 "$LIB_TMP/client.status")"
lib_log "client: $(tail -n 1 "$LIB_TMP/client.status")"
ct_caches_agree "joined as the flows opened"

ct_short_conns "$SHORT" &
churn=$!
LIB_BG+=("$churn")
sleep 0.2
fwb_restart
fwb_restart
wait "$churn" || lib_fail "short connections: $(cat "$LIB_TMP/short.out")"
lib_log "$(cat "$LIB_TMP/short.out") (fwb restarted twice meanwhile)"
ct_caches_agree "joined as short connections came and went"

ct_failover "$N"
ev0=$(ct_events fwb)
ct_flows_survived "$N" failover
ct_wait_ends fwb "$ev0" "$((N + 1))"
lib_pass
