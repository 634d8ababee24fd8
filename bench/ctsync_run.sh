#!/bin/bash
# ctsync_run.sh: one measurement of bench/ctsync.sh, in fresh namespaces.
#
#   bench/ctsync_run.sh IMPL N
#     IMPL  hamgr      hamgr on both firewalls, conntrack-sync over the sync
#                      link; the commit is the pipeline's first step when
#                      fwa fails (links cut, hamgr SIGKILLed)
#           conntrackd Debian's conntrackd (conntrack-tools) in FTFW mode
#                      over UDP on the same link; the VIPs sit on fwa; the
#                      commit is `conntrackd -c` on fwb, what keepalived's
#                      notify script (primary-backup.sh) runs on a takeover
#     N     flows: one UDP datagram each from the client through fwa
#
# The topology is t_ctsync's (test/netns/lib_ctsync.sh): client, fwa and
# fwb with the strict ruleset, server (which drops the datagrams). UDP
# entries get a 600 s timeout on the firewalls so none ages out during the
# run. The last line of stdout is the machine line ctsync.sh reads:
#   RESULT impl=I n=M flood_ms=F repl_ms=R cached=C commit_ms=M committed=K
# M: the entries fwa's kernel holds after the flood (a datagram sent
# before the client resolved its gateway may be lost); repl_ms: from the
# flood's start until fwb holds all M entries in its
# external cache; commit_ms: hamgr's reported commit duration (from its
# start to the kernel's last ack), or the wall time of `conntrackd -c`;
# committed: the entries in fwb's kernel table afterwards (conntrack -C).
# Exit status: 0 measured, 1 failed, 77 skipped.

# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/../test/netns/lib.sh"
# shellcheck source=test/netns/lib_ctsync.sh
. "$(dirname "$0")/../test/netns/lib_ctsync.sh"
# shellcheck source=bench/lib_ct.sh
. "$(dirname "$0")/lib_ct.sh"

IMPL=${1:?usage: ctsync_run.sh IMPL N}
N=${2:?flows}
HM_HAMGR_ARGS=${HM_HAMGR_ARGS-}
lib_require_root
lib_require_hamgr
lib_require_tools nft python3 jq conntrack
[ "$IMPL" = conntrackd ] && lib_require_tools conntrackd

ct_topology
for n in fwa fwb; do
	ct_firewall "$n"
	lib_exec "$n" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
		net.netfilter.nf_conntrack_udp_timeout_stream=600 >/dev/null
done
lib_exec srv nft add table ip sink
lib_exec srv nft add chain ip sink in '{ type filter hook input priority 0; policy accept; }'
lib_exec srv nft add rule ip sink in udp dport 10000-10100 drop

cached() {
	if [ "$IMPL" = hamgr ]; then
		ct_status fwb '.conntrack_sync.cached_entries // 0'
	else
		lib_exec fwb conntrackd -C "$LIB_TMP/fwb.ctd.conf" -e 2>/dev/null | grep -c udp
	fi
}

cached_all() {
	[ "$(cached)" -ge "$M" ]
}

kernel_count() {
	lib_exec "${1:-fwb}" conntrack -L -p udp 2>/dev/null | grep -c 'dport=10[01]'
}

committed_all() {
	[ "$(kernel_count)" -ge "$M" ]
}

if [ "$IMPL" = hamgr ]; then
	ct_start fwa 200
	ct_start fwb 100
	ct_wait_state fwa MASTER 5
	ct_wait_state fwb BACKUP 5
	sleep 1
else
	lib_exec fwa ip addr add 198.51.100.1/24 dev eth0
	lib_exec fwa ip addr add 203.0.113.1/24 dev eth1
	for n in fwa fwb; do
		[ "$n" = fwa ] && ctd_conf fwa 192.0.2.2 192.0.2.3 || ctd_conf fwb 192.0.2.3 192.0.2.2
		lib_daemon_spawn "$n" conntrackd conntrackd -C "$LIB_TMP/$n.ctd.conf"
	done
	sleep 2
fi

t0=$(lib_now_ms)
lib_exec cli python3 "$(dirname "$0")/ct-udpflood" 198.51.100.10 203.0.113.10 "$N" \
	>"$LIB_TMP/flood.out" 2>&1 || { cat "$LIB_TMP/flood.out"; lib_fail "flood"; }
flood_ms=$(sed -n 's/.*ms=\([0-9]*\).*/\1/p' "$LIB_TMP/flood.out")
lib_log "$(cat "$LIB_TMP/flood.out")"
# the entries fwa really has (a datagram or two may die before ARP resolves)
M=$(kernel_count fwa)
lib_log "fwa's kernel table: $M entries"
if lib_poll 90 cached_all; then
	repl_ms=$(($(lib_now_ms) - t0))
else
	repl_ms=-1
fi
c=$(cached)
lib_log "fwb caches $c of $M entries after $repl_ms ms"
[ "$IMPL" = hamgr ] && lib_log "fwb: $(ct_status fwb '.conntrack_sync | {entries_received, messages_received, gaps, resend_requests, resyncs, drops}' | tr -d ' \n')"

if [ "$IMPL" = hamgr ]; then
	ct_fail fwa
	ct_wait_state fwb MASTER 10
	# the commit's end from fwb's log: hactl answers during the commit
	# (the loop runs between batches), and polling it every 20 ms would
	# take CPU from the commit it measures
	lib_wait_log fwb "conntrack-sync: commit (done|failed)" 60
	commit_ms=$(ct_status fwb '.conntrack_sync.last_commit.duration_ms')
else
	# conntrackd -c returns once the commit is done (checked: the
	# kernel holds every entry right after it, else the poll's end counts)
	t1=${EPOCHREALTIME//[.,]/}
	lib_exec fwb conntrackd -C "$LIB_TMP/fwb.ctd.conf" -c >>"$LIB_TMP/fwb.ctd.out" 2>&1
	t2=${EPOCHREALTIME//[.,]/}
	if committed_all; then
		commit_ms=$(awk -v d=$((t2 - t1)) 'BEGIN { printf "%.1f", d / 1000 }')
	else
		lib_poll 120 committed_all
		commit_ms=$(awk -v d=$((${EPOCHREALTIME//[.,]/} - t1)) 'BEGIN { printf "%.1f", d / 1000 }')
		lib_log "conntrackd -c returned before the kernel had every entry"
	fi
fi
k=$(kernel_count)
lib_log "fwb's kernel table: $k entries; commit $commit_ms ms"
echo "RESULT impl=$IMPL n=$M flood_ms=$flood_ms repl_ms=$repl_ms cached=$c commit_ms=$commit_ms committed=$k"
