#!/bin/bash
# t_settle_gate: settle-gate, the wait of irreversible steps after a
# failover, shortened on a pair (hamgr.conf(5)).
#   A  hamgr -t refuses settle-gate below two advert intervals unless the
#      node hears exactly one peer (one unicast peer), naming file and line;
#      accepts it with one unicast peer, and 2 x the interval anywhere.
#   B  a unicast pair, n1 (200) master, n2 (100) with settle-gate = 0s and
#      a before-vips resource db (irreversible): n1 dies (SIGKILL, link
#      cut). n2 promotes db at once, without the settle gate, and the VIP
#      follows db. Control: the same pair without settle-gate waits the
#      gate, two advert intervals (200 ms) between MASTER and promote.
#   C  settle-gate does not shorten a takeover after a release: n1 back
#      as master, then SIGTERM (priority 0): n2 waits the full gate,
#      because after a release even a pair can have two successors (the
#      checker's pair0-equal/reorder).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50
A1=198.51.100.1 A2=198.51.100.2

lib_log "--- A: hamgr -t and settle-gate"
conf_with() {
	printf '%s\n' "instance web {
    interface = \"eth0\"
    vrid = 51
    advert-interval = 100ms
    vips = {\"$VIP/24\"}
$1
}" >"$LIB_TMP/a.conf"
	out=$("$LIB_HAMGR" -t -f "$LIB_TMP/a.conf" 2>&1)
	rc=$?
	lib_log "hamgr -t ($1): exit $rc: $out"
}
conf_with "    settle-gate = 0s"
lib_assert_eq "hamgr -t exit for settle-gate 0s in multicast" 78 "$rc"
grep -q -- "$LIB_TMP/a.conf:6: settle-gate: 0s is shorter than two advert intervals (200ms)" \
	<<<"$out" || lib_fail "hamgr -t: no message naming line 6: $out"
conf_with "    unicast-peers = {\"$A2\", \"198.51.100.3\"}
    settle-gate = 100ms"
lib_assert_eq "hamgr -t exit for settle-gate 100ms with two unicast peers" 78 "$rc"
conf_with "    unicast-peers = {\"$A2\"}
    settle-gate = 0s"
lib_assert_eq "hamgr -t exit for settle-gate 0s with one unicast peer" 0 "$rc"
conf_with "    settle-gate = 200ms"
lib_assert_eq "hamgr -t exit for settle-gate 200ms in multicast" 0 "$rc"

lib_bridge
lib_node n1 $A1
lib_node n2 $A2

# start_pair [N2_EXTRA]: n1 (200) master, n2 (100) backup, unicast to each
# other, each with db before the VIPs.
start_pair() {
	lib_vrrp_start n1 prio=200 peers=$A2 extra="$(res_section db before-vips)"
	lib_vrrp_start n2 prio=100 peers=$A1 extra="${1:-}
$(res_section db before-vips)"
	lib_wait_state n1 MASTER 5
	lib_wait_state n2 BACKUP 5
	lib_wait_holders $VIP n1 5
	lib_wait_log n1 'takeover complete' 5
}

# ms from n2's BACKUP -> MASTER to its db promote, from n2's log (local
# time of day, ms) and the resource log (epoch us), both this host's clock.
master_to_promote_ms() {
	local tm tp d
	tm=$(lib_log_since_mark n2 | grep -E -- "$(lib_state_re n2 MASTER)" | head -n 1 |
		sed -n 's/^\([0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]*\) .*/\1/p')
	tp=$(awk -v b="$1" 'NR > b && $2 == "n2" && $3 == "db" && $4 == "promote" &&
		$5 == "begin" { print $1; exit }' "$RES_LOG")
	[ -n "$tm" ] && [ -n "$tp" ] || { echo "?"; return; }
	d=$((tp - $(date -d "$tm" +%s%6N)))
	# The log has no date: a run across midnight is a day off.
	[ $d -lt -43200000000 ] && d=$((d + 86400000000))
	echo $((d / 1000))
}

# Epoch us at which the VIP appeared on n2 after line L of its monitor.
vip_added_us() {
	local ts
	ts=$(tail -n +$(($1 + 1)) "$LIB_TMP/n2.addrmon" | grep -F " $VIP/" | grep -vF Deleted |
		head -n 1 | sed -n 's/^\[\([^]]*\)\].*/\1/p')
	[ -n "$ts" ] && date -u -d "$ts" +%s%6N
}

# kill_n1 LABEL: n1 dies; n2 must promote db and take the VIP.
kill_n1() {
	base=$(wc -l <"$RES_LOG")
	mon=$(wc -l <"$LIB_TMP/n2.addrmon")
	lib_log_mark n2
	lib_daemon_stop n1 KILL
	lib_link_cut n1
	lib_wait_state n2 MASTER 4
	lib_wait_log n2 'takeover complete' 5
	lib_wait_vip n2 $VIP 2
	lib_log "$1: n2 promoted db $(master_to_promote_ms "$base") ms after BACKUP -> MASTER"
	lib_assert_eq "$1: db promotes on n2" 1 "$(res_count n2 db promote)"
	res_assert_before "$1: db promoted before the VIP" \
		"$(awk -v b="$base" 'NR > b && $2 == "n2" && $3 == "db" && $4 == "promote" &&
			$5 == "end" { print $1; exit }' "$RES_LOG")" "$(vip_added_us "$mon")"
}

# Back to an empty cluster: both daemons gone, n1's link and stale VIP.
reset_pair() {
	lib_daemon_stop n2 TERM
	lib_exec n1 ip addr del $VIP/24 dev eth0 2>/dev/null
	lib_link_restore n1
	: >"$RES_LOG"
	lib_assert_holders $VIP ""
}

lib_log "--- B: a pair with settle-gate = 0s: n1 dies, n2 promotes at once"
res_addrmon_start n2
start_pair "    settle-gate = 0s"
kill_n1 "settle-gate 0s"
lib_assert_log n2 'irreversible steps go on at once \(settle-gate 0'
lib_assert_nolog n2 'irreversible steps wait'
reset_pair

lib_log "--- B control: the same pair without settle-gate waits 200 ms"
start_pair ""
kill_n1 "default gate"
lib_assert_log n2 'irreversible steps wait 200 ms for a backup that took over'
ms=$(master_to_promote_ms 0)
[ "$ms" != "?" ] && lib_assert_ge "default gate: ms from MASTER to promote" "$ms" 195
reset_pair

lib_log "--- C: after a release settle-gate = 0s still waits the gate"
start_pair "    settle-gate = 0s"
lib_log_mark n2
lib_daemon_stop n1 TERM
lib_wait_state n2 MASTER 4
lib_wait_log n2 'takeover complete' 5
lib_assert_log n2 'irreversible steps wait 200 ms for a backup that took over'
lib_assert_nolog n2 'go on at once'
lib_assert_eq "C: db promotes on n2" 1 "$(res_count n2 db promote)"
lib_daemon_stop n2 TERM
lib_pass
