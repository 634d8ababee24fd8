#!/bin/bash
# demo.sh (`make demo`): two hamgr nodes and a client in network
# namespaces; shows the election, then kills the master (SIGKILL, link cut
# as in a crash) while the client measures its outage. Builds nothing
# (make does); cleans up after itself; under a minute.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_bin probe responder
VIP=198.51.100.50
HM_HAMGR_ARGS=${HM_HAMGR_ARGS-}     # no debug lines: keep the logs readable

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
show_log() {      # the transition lines of NODE's log since its mark
	lib_log_since_mark "$1" | grep -E 'instance .*->|Entering .* STATE' | sed "s/^/    $1 | /"
}
show_addr() {
	for n in "$@"; do
		printf '    %s eth0: %s\n' "$n" \
			"$(ip -n "$(lib_ns "$n")" -o -4 addr show dev eth0 | awk '{ printf "%s ", $4 }')"
	done
}

say "Topology: a bridge, nodes n1 (198.51.100.1) and n2 (.2), client c (.100)"
lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client c 198.51.100.100
lib_responder_start n1 7000
lib_responder_start n2 7000
cat <<-CONF

	n1's config (n2's says priority = 100):
	    instance web {
	        interface = "eth0"   vrid = 51   priority = 200
	        advert-interval = 100ms   preempt = true
	        vips = {"$VIP/24"}
	    }
CONF

say "Starting hamgr on both nodes"
lib_vrrp_start n1 prio=200 >/dev/null
lib_vrrp_start n2 prio=100 >/dev/null
lib_wait_state n1 MASTER 5 >/dev/null
lib_wait_holders $VIP n1 3 >/dev/null
sleep 0.3
show_log n1
show_log n2
show_addr n1 n2
if [ -x "$LIB_BUILD/hactl" ] && [ "$LIB_IMPL" = hamgr ]; then
	sleep 1     # one round of peer announcements, so n2 names its master
	say "hactl status on n2 (the backup)"
	lib_exec n2 "$LIB_BUILD/hactl" -s "$LIB_TMP/n2.sock" status | sed 's/^/    /'
fi

say "The client asks the VIP who answers (1 s at 2000 requests/s)"
lib_probe_start c -d 1 -q $VIP 7000
lib_probe_wait 10 >/dev/null
echo "    answered by $PROBE_last: $PROBE_answered of $PROBE_sent requests"

say "Killing n1's hamgr (SIGKILL) and pulling its cable, the client probing"
lib_log_mark n2
lib_probe_start c -d 10 -u -t 300 $VIP 7000
sleep 1
t0=$(lib_now_ms)
lib_daemon_signal n1 KILL
lib_link_cut n1
lib_poll 5 lib_has_addr n2 $VIP || lib_fail "n2 did not take over"
took=$(($(lib_now_ms) - t0))
lib_daemon_reap n1 >/dev/null
lib_probe_wait 15 >/dev/null
show_log n2
show_addr n2
echo "    n2 holds the VIP $took ms after the kill"
if [ -x "$LIB_BUILD/hactl" ] && [ "$LIB_IMPL" = hamgr ]; then
	say "hactl status on n2, now master"
	lib_exec n2 "$LIB_BUILD/hactl" -s "$LIB_TMP/n2.sock" status | sed 's/^/    /'
fi

say "What the client saw"
grep -v '^probe:' "$LIB_TMP/probe.out" | sed 's/^/  /'
echo
echo "  client-visible outage: $PROBE_longest_gap_ms ms (advert-interval 100 ms:"
echo "  Master_Down_Interval = 3 x 100 ms + Skew_Time 61 ms, plus gratuitous ARP)"

say "Cleaning up: the namespaces and everything in them go away"
exit 0
