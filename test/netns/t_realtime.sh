#!/bin/bash
# t_realtime: the scheduling hamgr runs with, as an operator would check it.
#   - with nothing in the config and 10 ms adverts, hamgr runs SCHED_FIFO
#     at the default priority (10), its memory locked (VmLck in /proc; an
#     ASan build never locks), and `hactl status --json` says exactly that;
#     with nothing in the config and 100 ms adverts, the normal policy
#     (the default is "auto": real-time below 50 ms only);
#   - the scripts it runs do not inherit it: a resource script sees
#     SCHED_OTHER and nice 0 (SCHED_RESET_ON_FORK);
#   - realtime-priority = 0 runs the normal policy, nothing locked;
#   - a reload changes it both ways (20, 0, then the default again)
#     without a role change (and a resource further down the file after a
#     line was added above it is the same resource: no restart);
#   - where the policy is refused (RLIMIT_RTPRIO 0 without CAP_SYS_NICE,
#     as a unit with RestrictRealtime= or a container does), hamgr warns
#     with the reason and works on with the normal policy.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
lib_require_root
lib_require_hamgr
lib_require_tools chrt jq setpriv prlimit
VIP=198.51.100.50

# A resource script that records the policy and nice value it runs with.
SCRIPT=$LIB_TMP/sched-probe
cat >"$SCRIPT" <<EOF
#!/bin/sh
case \$1 in
start | stop | monitor | promote | demote) ;;
*) exit 3 ;;
esac
{ chrt -p \$\$ | head -n 1; echo "nice \$(nice)"; } >"$LIB_TMP/\$HAMGR_NODE.sched.\$1"
exit 0
EOF
chmod 755 "$SCRIPT"
RES="    resource probe {
        script = \"$SCRIPT\"
        phase = \"after-vips\"
    }"

# policy NODE: "SCHED_FIFO 10" or "SCHED_OTHER 0" of NODE's hamgr; with
# "raw", flags included ("SCHED_FIFO|SCHED_RESET_ON_FORK 10").
policy() {
	chrt -p "${LIB_PID[$1]}" | awk -F': ' -v raw="${2:-}" '
		/scheduling policy/ { p = $2; if (raw == "") sub(/\|SCHED_RESET_ON_FORK/, "", p) }
		/scheduling priority/ { print p, $2 }'
}
policy_is() { [ "$(policy "$1")" = "$2" ]; }
locked_kb() { awk '/^VmLck:/ { print $2 }' "/proc/${LIB_PID[$1]}/status"; }
# Whether this build locks memory at all (ASan builds do not).
asan_build() { grep -q __asan_init "$LIB_HAMGR" 2>/dev/null; }

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_node n3 198.51.100.3
lib_vrrp_start n1 prio=200 int=10ms extra="$RES"
lib_vrrp_conf n2 prio=100 int=10ms
lib_hamgr_start n2 "realtime-priority = 0
$LIB_CONF_TEXT"
# n3: an instance of its own at 100 ms, nothing said of realtime
lib_vrrp_start n3 name=slow vrid=61 vips=198.51.100.61/24
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3

lib_log "--- default: SCHED_FIFO 10, memory locked, and status says so"
policy_is n1 "SCHED_FIFO 10" || lib_fail "n1 runs $(policy n1), expected SCHED_FIFO 10"
[ "$(policy n1 raw)" = "SCHED_FIFO|SCHED_RESET_ON_FORK 10" ] ||
	lib_fail "n1 runs $(policy n1 raw): children would inherit SCHED_FIFO"
lib_assert_log n1 'realtime: SCHED_FIFO priority 10.*the default for an advert interval under 50 ms'
hactl n1 status --json
expect_rc 0 "n1 status --json"
[ "$(jqo '.realtime | .policy + " " + (.priority | tostring) + " " + (.auto | tostring)')" = "fifo 10 true" ] ||
	lib_fail "n1 status: realtime $(jqo -c .realtime), expected fifo 10, auto"
if asan_build; then
	[ "$(jqo .realtime.memory_locked)" = false ] || lib_fail "ASan build claims locked memory"
else
	[ "$(jqo .realtime.memory_locked)" = true ] || lib_fail "n1 status: memory not locked"
	[ "$(locked_kb n1)" -gt 0 ] || lib_fail "n1: VmLck is $(locked_kb n1) kB"
fi

lib_log "--- a resource script runs with the normal policy"
lib_poll 5 test -s "$LIB_TMP/n1.sched.start" || lib_fail "the probe's start did not run"
grep -q 'SCHED_OTHER' "$LIB_TMP/n1.sched.start" ||
	lib_fail "the script ran with $(head -n 1 "$LIB_TMP/n1.sched.start")"
grep -qx 'nice 0' "$LIB_TMP/n1.sched.start" ||
	lib_fail "the script ran with $(tail -n 1 "$LIB_TMP/n1.sched.start")"

lib_log "--- realtime-priority = 0: the normal policy, nothing locked"
policy_is n2 "SCHED_OTHER 0" || lib_fail "n2 runs $(policy n2), expected SCHED_OTHER"
[ "$(locked_kb n2)" = 0 ] || lib_fail "n2: VmLck is $(locked_kb n2) kB"
hactl n2 status --json
[ "$(jqo .realtime.policy)" = other ] || lib_fail "n2 status: realtime $(jqo -c .realtime)"

lib_log "--- the default at 100 ms: the normal policy"
lib_wait_state n3 MASTER 5
policy_is n3 "SCHED_OTHER 0" || lib_fail "n3 runs $(policy n3), expected SCHED_OTHER"
[ "$(locked_kb n3)" = 0 ] || lib_fail "n3: VmLck is $(locked_kb n3) kB"
lib_assert_nolog n3 'realtime: |realtime-priority [0-9]'
hactl n3 status --json
[ "$(jqo '.realtime | .policy + " " + (.auto | tostring)')" = "other true" ] ||
	lib_fail "n3 status: realtime $(jqo -c .realtime)"

lib_log "--- reload: 20, 0, then the default again, the role kept"
lib_log_mark n1
lib_vrrp_conf n1 prio=200 int=10ms extra="$RES"
lib_hamgr_reload n1 "realtime-priority = 20
$LIB_CONF_TEXT"
lib_poll 5 policy_is n1 "SCHED_FIFO 20" || lib_fail "after reload n1 runs $(policy n1)"
lib_hamgr_reload n1 "realtime-priority = 0
$LIB_CONF_TEXT"
lib_poll 5 policy_is n1 "SCHED_OTHER 0" || lib_fail "after reload n1 runs $(policy n1)"
[ "$(locked_kb n1)" = 0 ] || lib_fail "n1: VmLck still $(locked_kb n1) kB after realtime-priority = 0"
lib_hamgr_reload n1 "$LIB_CONF_TEXT"
lib_poll 5 policy_is n1 "SCHED_FIFO 10" || lib_fail "after reload n1 runs $(policy n1)"
lib_assert_holders $VIP n1
lib_assert_no_state n1 BACKUP

lib_log "--- refused (no CAP_SYS_NICE, RLIMIT_RTPRIO 0): a warning, the normal policy"
lib_daemon_stop n2 TERM
lib_vrrp_conf n2 prio=100 int=10ms
lib_hamgr_write_conf n2 "$LIB_CONF_TEXT" check
lib_log_mark n2
# CAP_SYS_NICE out of the bounding set (root's capabilities after the exec
# are that set), and no RLIMIT_RTPRIO that would allow it anyway.
lib_daemon_spawn n2 hamgr prlimit --rtprio=0 -- setpriv --bounding-set=-sys_nice -- \
	"$LIB_HAMGR" -d -f "$LIB_TMP/n2.conf"
lib_wait_state n2 BACKUP 5
lib_assert_log n2 'realtime-priority 10 \(the default for an advert interval under 50 ms\): sched_setscheduler.*running with the normal policy'
hactl n2 status --json
[ "$(jqo .realtime.policy)" = other ] || lib_fail "n2 status: realtime $(jqo -c .realtime)"
[ -n "$(jqo '.realtime.error // empty')" ] || lib_fail "n2 status: no realtime error"
lib_assert_holders $VIP n1
lib_pass
