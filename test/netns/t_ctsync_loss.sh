#!/bin/bash
# t_ctsync_loss: loss on the sync link. The bridge drops a fifth of the
# sync datagrams from fwa to fwb (nftables numgen random mod 100 < 20; the
# kernel has no netem) while 200 long-lived connections start and 1500
# short ones open and close (their TIME_WAIT entries stay in the table),
# over small datagrams (message-size 576), so hundreds of messages cross
# the lossy link. fwb finds the gaps and asks for resends (gaps and
# resend_requests in status --json and in the metrics). Once the loss
# stops, fwb's cache converges to fwa's table: the same count as fwa's
# synced entries, and after fwa fails, fwb's committed kernel table holds
# the same connections in the same TCP states as fwa's did; every flow
# keeps moving, none reset. hactl status (human) shows the ctsync line of
# each role. CT_LOSS=0 in the environment runs it without loss (the
# control: then the gap assertions are skipped).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ctsync.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq conntrack

N=200 SHORT=1500
# The flows' entries in N's kernel, one line each: protocol, TCP state,
# original tuple; sorted.
ct_flow_tuples() {
	lib_exec "$1" conntrack -L -d "$CT_SRV" 2>/dev/null | grep "dport=$CT_PORT " |
		sed -E 's/^([a-z]+) +[0-9]+ +[0-9]+ +([A-Z_]*) *(src=[^ ]+ dst=[^ ]+ sport=[^ ]+ dport=[^ ]+).*/\1 \2 \3/' |
		sort
}
ct_metric() {
	"$CT_HACTL" -s "$LIB_TMP/$1.sock" metrics | sed -n "s/^$2 //p"
}

CT_SYNC_EXTRA='
    message-size = 576'
ct_pair_up
lib_wait_log fwb "conntrack-sync: in step with fwa" 5

ip netns exec "$LIB_BR" nft -f - <<-EOF || lib_fail "nft: loss"
	table bridge hmloss {
		chain f {
			type filter hook forward priority 0; policy accept;
			iifname "vfwa2" udp dport 3780 numgen random mod 100 < ${CT_LOSS:-20} counter drop
		}
	}
EOF
lib_log "loss on: a fifth of fwa's sync datagrams dropped"
ct_flows_up "$N" 50
ct_short_conns "$SHORT" || lib_fail "short connections: $(cat "$LIB_TMP/short.out")"
lib_log "$(cat "$LIB_TMP/short.out")"
sleep 2
lost=$(ip netns exec "$LIB_BR" nft list chain bridge hmloss f | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
ip netns exec "$LIB_BR" nft delete table bridge hmloss || lib_fail "nft: loss off"
t0=$(lib_now_ms)
lib_log "loss off: $lost sync datagrams dropped"
lib_assert_ge "sync datagrams dropped" "${lost:-0}" "$((${CT_LOSS:-20} ? 20 : 0))"
if ! lib_poll 20 ct_counts_match "$((N + 2 + SHORT))"; then
	lib_log "fwb: $(ct_status fwb .conntrack_sync | tr -d " \n")"
	lib_fail "caches differ after the loss: fwa $(ct_status fwa .conntrack_sync.cached_entries), fwb $(ct_status fwb .conntrack_sync.cached_entries)"
fi
lib_log "fwa: $(ct_status fwa .conntrack_sync | tr -d ' \n')"
"$CT_HACTL" -s "$LIB_TMP/fwb.sock" status >"$LIB_TMP/fwb.status" || lib_fail "hactl status on fwb"
line=$(grep -E '^  ctsync +receiver, [0-9]+ connections cached; no commit yet' "$LIB_TMP/fwb.status") ||
	{ cat "$LIB_TMP/fwb.status"; lib_fail "hactl status on fwb: no ctsync receiver line"; }
lib_log "fwb's status: $line"
lib_log "converged $(($(lib_now_ms) - t0)) ms after the loss stopped: $(ct_status fwb .conntrack_sync.cached_entries) entries"
lib_log "fwb: $(ct_status fwb '.conntrack_sync | "gaps \(.gaps), resend requests \(.resend_requests), resyncs \(.resyncs), replay drops \(.drops.replay)"'); fwa: $(ct_status fwa '.conntrack_sync | "resent \(.resent), dumps \(.dumps_sent)"')"
[ "${CT_LOSS:-20}" = 0 ] || {
lib_assert_ge "fwb's gaps" "$(ct_status fwb .conntrack_sync.gaps)" 1
lib_assert_ge "fwb's resend requests" "$(ct_status fwb .conntrack_sync.resend_requests)" 1
lib_assert_ge "fwb's metrics: gaps" "$(ct_metric fwb hamgr_ctsync_gaps_total)" 1
lib_assert_ge "fwb's metrics: resend requests" "$(ct_metric fwb hamgr_ctsync_resend_requests_total)" 1
}

ct_flow_tuples fwa >"$LIB_TMP/fwa.tuples"
lib_assert_ge "fwa's flow entries" "$(wc -l <"$LIB_TMP/fwa.tuples")" "$((N + 2 + SHORT))"
: >"$LIB_TMP/client.status.mark"
lib_log "fwa fails"
ct_fail fwa
ct_wait_state fwb MASTER 5
ct_log_commit fwb
"$CT_HACTL" -s "$LIB_TMP/fwb.sock" status >"$LIB_TMP/fwb.status" || lib_fail "hactl status on fwb"
line=$(grep -E '^  ctsync +sender, [0-9]+ connections synced; last commit [0-9]+ entries in' "$LIB_TMP/fwb.status") ||
	{ cat "$LIB_TMP/fwb.status"; lib_fail "hactl status on fwb: no ctsync sender line"; }
lib_log "fwb's status: $line"
ct_flow_tuples fwb >"$LIB_TMP/fwb.tuples"
if ! diff "$LIB_TMP/fwa.tuples" "$LIB_TMP/fwb.tuples" >"$LIB_TMP/tuples.diff"; then
	head -n 20 "$LIB_TMP/tuples.diff"
	lib_fail "fwb's committed table differs from fwa's: $(grep -c '^[<>]' "$LIB_TMP/tuples.diff") lines"
fi
lib_log "fwb's committed table: the same $(wc -l <"$LIB_TMP/fwb.tuples") connections and TCP states as fwa's"
ct_flows_survived "$N" failover
lib_pass
