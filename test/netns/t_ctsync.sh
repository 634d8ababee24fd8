#!/bin/bash
# t_ctsync: firewall state sync. 200 long-lived TCP connections, a streaming
# one and a UDP flow go from the client through fwa (master of the gateway
# VIPs) to the server; fwb receives fwa's conntrack entries over the sync
# link. Forged, replayed, truncated and foreign sync datagrams from a rogue
# namespace are counted and change nothing. Then fwa fails (links cut,
# hamgr SIGKILLed): fwb commits its cache before it takes the VIPs, and
# every flow keeps moving data through fwb's strict ruleset, none reset.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq tcpdump

N=200
ct_topology
ct_firewall fwa
ct_firewall fwb
ct_start fwa 200
ct_start fwb 100
ct_wait_state fwa MASTER 5
ct_wait_state fwb BACKUP 5
# fwb's capture of the real sync traffic, replayed by the rogue below
lib_exec fwb timeout 8 tcpdump -i eth2 -n -U -c 40 -w "$LIB_TMP/sync.pcap" \
	udp port 3780 and src 192.0.2.2 >"$LIB_TMP/tcpdump.log" 2>&1 &
LIB_BG+=("$!")

ct_flows_start "$N" 45
lib_poll 15 ct_all_fresh "$((N + 1))" || lib_fail "flows not up: $(tail -n 1 "$LIB_TMP/client.status")"
lib_log "client: $(tail -n 1 "$LIB_TMP/client.status")"
lib_poll 10 ct_cached_at_least fwb $((N + 2)) ||
	lib_fail "fwb caches $(ct_status fwb .conntrack_sync.cached_entries) entries, expected $((N + 2))"
lib_log "fwb caches $(ct_status fwb .conntrack_sync.cached_entries) entries"

# The rogue: forged, replayed, truncated and foreign datagrams.
sleep 1
before=$(ct_status fwb '.conntrack_sync | [.cached_entries, .drops.replay, .drops.auth, .drops.decode, .drops.source] | @tsv')
lib_exec rogue python3 "$LIB_ROOT/test/netns/scripts/ct-rogue" "$LIB_TMP/sync.pcap" \
	192.0.2.2 192.0.2.3 3780 >"$LIB_TMP/rogue.out" 2>&1 || { cat "$LIB_TMP/rogue.out"; lib_fail "ct-rogue"; }
lib_log "rogue: $(cat "$LIB_TMP/rogue.out")"
sleep 1
after=$(ct_status fwb '.conntrack_sync | [.cached_entries, .drops.replay, .drops.auth, .drops.decode, .drops.source] | @tsv')
read -r c0 r0 a0 d0 s0 <<<"$before"
read -r c1 r1 a1 d1 s1 <<<"$after"
eval "$(sed -n 's/^rogue: //p' "$LIB_TMP/rogue.out")"
lib_assert_eq "cached entries after the rogue" "$c0" "$c1"
lib_assert_ge "replays dropped" $((r1 - r0)) "$replayed"
lib_assert_ge "forged dropped (auth)" $((a1 - a0)) "$forged"
lib_assert_ge "truncated dropped (decode)" $((d1 - d0)) "$truncated"
lib_assert_ge "foreign source dropped" $((s1 - s0)) "$foreign"
lib_poll 3 ct_all_fresh "$((N + 1))" || lib_fail "flows hurt by the rogue"

: >"$LIB_TMP/client.status.mark"
lib_log "fwa fails"
ct_fail fwa
ct_wait_state fwb MASTER 5
lib_log "fwb commit: $(ct_status fwb '.conntrack_sync.last_commit | "\(.entries) entries in \(.duration_ms) ms"')"
lib_poll 10 ct_all_moved || lib_fail "not every flow moved after the failover: $(tail -n 1 "$LIB_TMP/client.status")"
sleep 2
lib_poll 3 ct_all_fresh "$((N + 1))" || lib_fail "flows stalled: $(tail -n 1 "$LIB_TMP/client.status")"
ct_client_stop
lib_assert_eq "connections reset" 0 "$(ct_client resets)"
lib_assert_eq "TCP connections open" "$((N + 1))" "$(ct_client open)"
ct_server_check "$((N + 1))"
lib_pass
