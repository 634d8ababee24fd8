#!/bin/bash
# t_ctsync: firewall state sync. 200 long-lived TCP connections, a streaming
# one and a UDP flow go from the client through fwa (master of the gateway
# VIPs) to the server; fwb receives fwa's conntrack entries over the sync
# link. Forged, replayed, truncated and foreign sync datagrams from a rogue
# namespace are counted and change nothing. Then fwa fails (links cut,
# hamgr SIGKILLed): fwb commits its cache before it takes the VIPs, and
# every flow keeps moving data through fwb's strict ruleset, none reset.
# t_ctsync6 runs this scenario over IPv6 (CT_FAMILY=6, lib_ctsync.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq tcpdump conntrack

N=200
ct_pair_up
# fwb's capture of the real sync traffic, replayed by the rogue below
lib_exec fwb timeout 8 tcpdump -i eth2 -n -U -c 40 -w "$LIB_TMP/sync.pcap" \
	udp port 3780 and src "$(ct_sync_addr fwa)" >"$LIB_TMP/tcpdump.log" 2>&1 &
LIB_BG+=("$!")

ct_flows_up "$N" 45
lib_log "client: $(tail -n 1 "$LIB_TMP/client.status")"
ct_wait_cached "$N"
lib_log "fwb caches $(ct_status fwb .conntrack_sync.cached_entries) entries"

# The rogue: forged, replayed, truncated and foreign datagrams.
sleep 1
before=$(ct_status fwb '.conntrack_sync | [.cached_entries, .drops.replay, .drops.auth, .drops.decode, .drops.source] | @tsv')
lib_exec rogue python3 "$LIB_ROOT/test/netns/scripts/ct-rogue" "$LIB_TMP/sync.pcap" \
	"$(ct_sync_addr fwa)" "$(ct_sync_addr fwb)" 3780 >"$LIB_TMP/rogue.out" 2>&1 || { cat "$LIB_TMP/rogue.out"; lib_fail "ct-rogue"; }
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

ct_failover "$N"
ct_flows_survived "$N" failover
lib_pass
