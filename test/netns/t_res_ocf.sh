#!/bin/bash
# t_res_ocf: Debian's OCF Dummy agent (resource-agents), unmodified, as a
# resource that cannot promote (type "ocf", script "heartbeat:Dummy"): it
# runs where the role is.
#   takeover: n1 (priority 200) starts Dummy, n2 does not; monitor
#   (300ms) answers 0 on n1, 7 (not running) on n2, nothing is restarted;
#   hactl switchover web: n1 stops Dummy, then n2 starts it;
#   SIGTERM to n2: n2 stops Dummy, n1 starts it again;
#   Dummy's state file (params state=..., one per node) exists only on the
#   master, at every sample (never on both nodes at once).
# Monitor results are counted from hamgr's debug lines (-d, the default).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ -x /usr/lib/ocf/resource.d/heartbeat/Dummy ] ||
	lib_skip "/usr/lib/ocf/resource.d/heartbeat/Dummy missing (Debian package resource-agents)"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

state() { echo "$LIB_TMP/$1.dummy.state"; }
dummy() {
	cat <<CONF
    resource dummy {
        type = "ocf"
        script = "heartbeat:Dummy"
        phase = "after-vips"
        monitor-interval = 300ms
        restart-limit = 0
        params = {"state=$(state "$1")"}
    }
CONF
}
# Which nodes have a state file, every 20 ms, into $LIB_TMP/state.samples.
: >"$LIB_TMP/state.samples"
(
	trap - EXIT
	for ((i = 0; i < 2000; i++)); do
		[ -e "$LIB_TMP/state.stop" ] && break
		line=$(lib_ms)
		for n in n1 n2; do [ -e "$(state $n)" ] && line+=" $n"; done
		echo "$line" >>"$LIB_TMP/state.samples"
		sleep 0.02
	done
) &
LIB_BG+=("$!")
has_state() { [ -e "$(state "$1")" ]; }
lacks_state() { [ ! -e "$(state "$1")" ]; }
# Count NODE's log lines "web/dummy ACTION: ..." matching the rest.
nlog() { grep -Ec -- "web/dummy $2" "$LIB_TMP/$1.log"; }
# Time (ms since midnight) of NODE's first log line matching RE since its mark.
tlog() {
	lib_log_since_mark "$1" | grep -E -- "$2" | head -n 1 |
		awk '{ split($1, t, /[:.]/); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'
}
# shellcheck disable=SC2317 # called through lib_poll
node_is() {
	QUIET=1 hactl "$1" status --json
	[ "$RC" = 0 ] && jq -e --arg n "$2" --arg v "$3" \
		'[.instances[0].nodes[] | select(.node == $n) | .state] == [$v]' \
		"$LIB_TMP/out" >/dev/null
}

lib_vrrp_start n1 prio=200 int=100ms extra="$(dummy n1)"
lib_wait_state n1 MASTER 5
lib_vrrp_start n2 prio=100 int=100ms extra="$(dummy n2)"
lib_assert_log n1 'web/dummy meta-data: [0-9]+ actions, start/stop only'
lib_assert_nolog n1 'irreversible steps wait'   # Dummy (after-vips) is not
lib_wait_log n1 'takeover complete' 5
lib_wait_holders $VIP n1 3
lib_poll 3 has_state n1 || lib_fail "Dummy's state file did not appear on n1"
lib_assert_eq "n1 Dummy starts" 1 "$(nlog n1 'start: exit 0 \(success\)')"
lib_assert_eq "n2 Dummy starts (backup)" 0 "$(nlog n2 'start:')"
has_state n2 && lib_fail "Dummy's state file exists on the backup n2"

# Monitors: 0 on the master, 7 on the backup; no failure on either.
# shellcheck disable=SC2317 # called through lib_poll
monitors_seen() {
	[ "$(nlog n1 'monitor: exit 0 \(success\)')" -ge 3 ] &&
		[ "$(nlog n2 'monitor: exit 7 \(not running\)')" -ge 3 ]
}
wait_monitors() {
	lib_poll 5 monitors_seen ||
		lib_fail "monitors: n1 $(nlog n1 'monitor: exit 0'), n2 $(nlog n2 'monitor: exit 7') in 5 s"
	lib_log "monitors: n1 answered 0 $(nlog n1 'monitor: exit 0') times, n2 7 $(nlog n2 'monitor: exit 7') times"
}
wait_monitors
lib_assert_nolog n1 'failed its monitor|giving the role up'
lib_assert_nolog n2 'monitor failed|runs as master'
lib_assert_eq "n1 Dummy stops so far" 0 "$(nlog n1 'stop:')"

lib_log "--- hactl switchover web: n1 stops Dummy, n2 starts it"
lib_poll 5 node_is n1 n2 BACKUP || lib_fail "n1 does not hear n2 announce BACKUP"
lib_log_mark n1
lib_log_mark n2
hactl n1 switchover web
expect_rc 0 "switchover"
lib_wait_holders $VIP n2 5
lib_wait_log n2 'takeover complete' 5
lib_poll 3 has_state n2 || lib_fail "Dummy's state file did not appear on n2"
lib_poll 3 lacks_state n1 || lib_fail "Dummy's state file stays on n1"
lib_assert_log n1 'web/dummy stop: exit 0 \(success\)'
lib_assert_log n2 'web/dummy start: exit 0 \(success\)'
stop1=$(tlog n1 'web/dummy stop: exit 0')
start2=$(tlog n2 'web/dummy start: started pid')
[ "$stop1" -lt "$start2" ] || lib_fail "n2 started Dummy ($start2) before n1 had stopped it ($stop1)"
lib_log "n1 stop done -> n2 start: $((start2 - stop1)) ms"
sleep 0.7
lib_assert_holders $VIP n2
lib_assert_nolog n2 'failed its monitor'

lib_log "--- SIGTERM to n2: n2 stops Dummy, n1 starts it"
lib_log_mark n1
lib_daemon_stop n2
lib_assert_eq "n2 exit status" 0 "$LIB_EXIT"
lib_wait_holders $VIP n1 5
lib_wait_log n1 'takeover complete' 5
lib_poll 3 has_state n1 || lib_fail "Dummy's state file did not come back on n1"
lacks_state n2 || lib_fail "n2 left Dummy's state file behind"
lib_assert_eq "n2 Dummy stops" 1 "$(nlog n2 'stop: exit 0 \(success\)')"
lib_assert_eq "n1 Dummy starts" 2 "$(nlog n1 'start: exit 0 \(success\)')"
lib_assert_eq "n2 Dummy starts" 1 "$(nlog n2 'start: exit 0 \(success\)')"
sleep 0.3       # a few state samples with n1 the master again
lib_daemon_stop n1
lacks_state n1 || lib_fail "n1 left Dummy's state file behind after SIGTERM"

: >"$LIB_TMP/state.stop"
sleep 0.1
both=$(awk 'NF > 2' "$LIB_TMP/state.samples" | wc -l)
lib_log "state file samples: $(wc -l <"$LIB_TMP/state.samples"), on both nodes: $both"
[ "$both" = 0 ] || lib_fail "Dummy's state file existed on both nodes in $both samples"
seen=$(awk 'NF == 2 && $2 != last { printf "%s%s", sep, $2; sep = " "; last = $2 }' "$LIB_TMP/state.samples")
lib_assert_eq "state file over time" "n1 n2 n1" "$seen"
lib_pass
