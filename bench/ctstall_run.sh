#!/bin/bash
# ctstall_run.sh: one measurement of bench/ctstall.sh, in fresh namespaces:
# how long a TCP stream through the firewall pair stalls when fwa fails.
#
#   bench/ctstall_run.sh IMPL INTERVAL MODE
#     IMPL      hamgr       hamgr on both firewalls, conntrack-sync
#               keepalived  Debian's keepalived (VRRPv3, both instances in
#                           one sync group) with conntrackd (FTFW, as in
#                           ctsync_run.sh); the notify script does what
#                           conntrackd's primary-backup.sh does (-c, -f, -R,
#                           -B on primary; -n on backup)
#     INTERVAL  the advert interval (50ms, 100ms)
#     MODE      kill  fwa's links cut, then its daemon SIGKILLed (ct_fail)
#               term  SIGTERM to fwa's daemon (a graceful stop; links up)
#
# t_ctsync's topology and strict ruleset (nf_conntrack_tcp_loose = 0),
# CT_STALL_CONNS (200) long-lived connections and ct-flows' stream as
# background, and bench/ct-stream: one TCP connection from the client to
# the server writing 512 bytes every ms and reading the echo, which
# notes every gap of more than 20 ms between two reads. The stall is the
# longest gap that ends after the failure. Last line of stdout:
#   RESULT impl=I int=T mode=M stall_ms=S gap_at_ms=A takeover_ms=K
#          commit_ms=C entries=E rto_ms=R retrans=N reset=0|1
# gap_at_ms: when the stall began, relative to the failure; takeover_ms:
# hamgr: the failure until fwb's last "takeover complete" (both instances:
# the commit and the VIPs); keepalived: until the notify script's
# `conntrackd -c` returned on fwb (keepalived adds the VIPs before it runs
# the script); commit_ms: hamgr's last_commit.duration_ms, or the wall
# time of `conntrackd -c`; rto_ms: the stream's retransmission timeout
# before the failure (TCP_INFO); retrans: segments the client retransmitted.
# CT_STALL_PCAP=1: the client's capture of the stream in stream.pcap.
# Exit status: 0 measured, 1 failed, 77 skipped.

# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/../test/netns/lib.sh"
# shellcheck source=test/netns/lib_ctsync.sh
. "$(dirname "$0")/../test/netns/lib_ctsync.sh"
# shellcheck source=bench/lib_ct.sh
. "$(dirname "$0")/lib_ct.sh"

IMPL=${1:?usage: ctstall_run.sh IMPL INTERVAL MODE}
CT_INTERVAL=${2:?interval}
MODE=${3:?kill or term}
CONNS=${CT_STALL_CONNS:-200}
STREAM_PORT=7001
STREAM=$(dirname "$0")/ct-stream
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq conntrack
[ "$IMPL" = keepalived ] && lib_require_tools keepalived conntrackd

ct_topology
ct_firewall fwa
ct_firewall fwb

# keepalived's config for firewall N with priority P, its notify script
# (timestamps into N.notify) and conntrackd.
ka_start() {
	local n=$1 prio=$2 ctd=$LIB_TMP/$1.ctd.conf script=$LIB_TMP/$1.notify.sh
	cat >"$script" <<-EOF
		#!/bin/sh
		log() { echo "\$1 \$(date +%s.%N)" >>"$LIB_TMP/$n.notify"; }
		log "\$1"
		case "\$1" in
		primary)
			conntrackd -C "$ctd" -c; log committed
			conntrackd -C "$ctd" -f; conntrackd -C "$ctd" -R; conntrackd -C "$ctd" -B ;;
		backup)
			conntrackd -C "$ctd" -n ;;
		esac
		log done
	EOF
	chmod 700 "$script"
	lib_keepalived_start "$n" "global_defs {
    router_id $n
    vrrp_version 3
    vrrp_garp_master_delay 0
    script_user root
    enable_script_security
}
vrrp_sync_group G {
    group {
        out
        in
    }
    notify_master \"$script primary\"
    notify_backup \"$script backup\"
    notify_fault \"$script backup\"
}
vrrp_instance out {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $prio
    advert_int $(lib_dur_s "$CT_INTERVAL")
    virtual_ipaddress {
        $CT_VIP_OUT/24 dev eth0
    }
}
vrrp_instance in {
    state BACKUP
    interface eth1
    virtual_router_id 52
    priority $prio
    advert_int $(lib_dur_s "$CT_INTERVAL")
    virtual_ipaddress {
        $CT_VIP_IN/24 dev eth1
    }
}"
}

ka_holds() {
	lib_has_addr "$1" "$CT_VIP_OUT" && lib_has_addr "$1" "$CT_VIP_IN"
}

# TCP entries of the flows in the sync cache of fwb.
cached() {
	if [ "$IMPL" = hamgr ]; then
		ct_status fwb '.conntrack_sync.cached_entries // 0'
	else
		lib_exec fwb conntrackd -C "$LIB_TMP/fwb.ctd.conf" -e 2>/dev/null | grep -c 'tcp.*ESTABLISHED'
	fi
}

cached_all() {
	[ "$(cached)" -ge "$1" ]
}

if [ "$IMPL" = hamgr ]; then
	ct_start fwa 200
	ct_start fwb 100
	ct_wait_state fwa MASTER 5
	ct_wait_state fwb BACKUP 5
else
	ctd_conf fwa 192.0.2.2 192.0.2.3
	ctd_conf fwb 192.0.2.3 192.0.2.2
	for n in fwa fwb; do
		lib_exec "$n" conntrackd -C "$LIB_TMP/$n.ctd.conf" -d >>"$LIB_TMP/$n.ctd.out" 2>&1 ||
			lib_fail "$n: conntrackd"
	done
	sleep 0.5
	ka_start fwa 200
	ka_start fwb 100
	lib_poll 5 ka_holds fwa || lib_fail "fwa does not hold the VIPs"
	sleep 1
	ka_holds fwb && lib_fail "fwb holds the VIPs too"
fi

ct_flows_up "$CONNS" 40
# CT_STALL_PCAP=1: the stream's packets as the client sees them
if [ "${CT_STALL_PCAP:-0}" = 1 ]; then
	lib_exec cli timeout 30 tcpdump -i eth0 -n -U -w "$LIB_TMP/stream.pcap" \
		tcp port "$STREAM_PORT" >"$LIB_TMP/tcpdump.log" 2>&1 &
	LIB_BG+=("$!")
fi
lib_exec srv python3 "$STREAM" serve "$CT_SRV" "$STREAM_PORT" --for 40 \
	>>"$LIB_TMP/stream-server.log" 2>&1 &
LIB_BG+=("$!")
sleep 0.3
lib_exec cli python3 "$STREAM" run "$CT_SRV" "$STREAM_PORT" --out "$LIB_TMP/stream" --for 30 \
	>>"$LIB_TMP/stream-client.log" 2>&1 &
STREAM_PID=$!
LIB_BG+=("$STREAM_PID")
# the connections, the flows' stream, the measured one
lib_poll 15 cached_all $((CONNS + 2)) ||
	lib_fail "fwb caches $(cached) entries, expected $((CONNS + 2))"
sleep 1.5
lib_log "fwb caches $(cached) entries; $(grep rto "$LIB_TMP/stream")"

lib_log "fwa fails ($MODE)"
t_fail=$EPOCHREALTIME
if [ "$MODE" = kill ]; then
	ct_fail fwa
else
	lib_daemon_stop fwa TERM
fi
sleep 4
: >"$LIB_TMP/stream.stop"
for ((i = 0; i < 100; i++)); do
	kill -0 "$STREAM_PID" 2>/dev/null || break
	sleep 0.05
done
lib_poll 3 ct_all_fresh "$((CONNS + 1))" ||
	lib_log "flows not all fresh: $(tail -n 1 "$LIB_TMP/client.status")"
grep -q '^final' "$LIB_TMP/stream" || lib_fail "the stream did not end: $(cat "$LIB_TMP/stream-client.log")"
lib_log "stream: $(grep -v '^tcp' "$LIB_TMP/stream" | tr '\n' ' ')"

# the longest gap that ends after the failure
read -r stall gap_at < <(awk -v t="$t_fail" '
	/^gap / { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["end"] > t && v["ms"] > best) { best = v["ms"]; at = (v["start"] - t) * 1000 } }
	END { printf "%.0f %.0f\n", best, best ? at : 0 }' "$LIB_TMP/stream")
final=$(grep '^final' "$LIB_TMP/stream" | tail -n 1)
rto=$(sed -n 's/^tcp rto_ms=//p' "$LIB_TMP/stream")
retrans=$(tr ' ' '\n' <<<"$final" | sed -n 's/^retrans=//p')
reset=$(tr ' ' '\n' <<<"$final" | sed -n 's/^reset=//p')

# hamgr log times (HH:MM:SS.mmm, today) as seconds since the epoch
log_time() {
	date -d "$(date +%F) $1" +%s.%N
}

if [ "$IMPL" = hamgr ]; then
	tc=$(grep 'takeover complete' "$LIB_TMP/fwb.log" | tail -n 1 | cut -d' ' -f1)
	[ -n "$tc" ] || lib_fail "fwb did not take over"
	takeover=$(awk -v a="$t_fail" -v b="$(log_time "$tc")" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	commit=$(ct_status fwb '.conntrack_sync.last_commit.duration_ms')
	entries=$(ct_status fwb '.conntrack_sync.last_commit.entries')
	lib_log "fwb: $(grep -E 'MASTER|commit|takeover' "$LIB_TMP/fwb.log" | tr '\n' ' ')"
else
	lib_poll 3 grep -q committed "$LIB_TMP/fwb.notify" || lib_fail "fwb's notify did not commit"
	p=$(sed -n 's/^primary //p' "$LIB_TMP/fwb.notify" | tail -n 1)
	c=$(sed -n 's/^committed //p' "$LIB_TMP/fwb.notify" | tail -n 1)
	takeover=$(awk -v a="$t_fail" -v b="$c" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	commit=$(awk -v a="$p" -v b="$c" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
	entries=$(lib_exec fwb conntrack -L -p tcp 2>/dev/null | grep -c ESTABLISHED)
	lib_log "fwb notify: $(tr '\n' ' ' <"$LIB_TMP/fwb.notify")"
fi
echo "RESULT impl=$IMPL int=$CT_INTERVAL mode=$MODE stall_ms=$stall gap_at_ms=$gap_at takeover_ms=$takeover commit_ms=$commit entries=$entries rto_ms=$rto retrans=$retrans reset=$reset"
