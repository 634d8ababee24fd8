#!/bin/bash
# t_hactl_to_other: `hactl switchover --to NODE` succeeds only when NODE
# takes over. n1 (priority 50) is master, n2 (250) and n3 (100) follow it
# (preempt off, 500ms). n3 announces itself as an eligible backup, then
# freezes (SIGSTOP) just before `switchover web --to n3` on n1: the
# handover reaches nobody who acts on it, n2 waits its Master_Down_
# Interval (1.51 s) and takes over before n1 would take the role back
# (1.90 s). hactl must report that n2, not n3, took over: exit 1.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "announcements and --to are hamgr's own"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50
declare -A PRIO=([n1]=50 [n2]=250 [n3]=100)

# shellcheck disable=SC2317 # called through lib_poll
hears_backups() {
	QUIET=1 hactl n1 status --json
	[ "$RC" = 0 ] && [ "$(jq -r '[.instances[0].nodes[] | "\(.node) \(.state)"] | sort |
		join(", ")' "$LIB_TMP/out")" = "n2 BACKUP, n3 BACKUP" ]
}

# shellcheck disable=SC2317 # called through lib_poll
follows() {
	QUIET=1 hactl "$1" status --json
	[ "$RC" = 0 ] && [ "$(jq -r '.instances[0].master.node' "$LIB_TMP/out")" = n1 ]
}

lib_bridge
for n in n1 n2 n3; do lib_node $n "198.51.100.${n#n}"; done
for n in n1 n2 n3; do
	lib_vrrp_conf $n prio="${PRIO[$n]}" preempt=false int=500ms
	lib_hamgr_start $n "$LIB_CONF_TEXT"
	# n1 first: master before the others (which do not preempt) start.
	[ $n = n1 ] && lib_wait_state n1 MASTER 5
done
lib_wait_holders $VIP n1 3
lib_poll 5 hears_backups || lib_fail "n1 does not hear n2 and n3 as backups within 5 s"
lib_log "n1 hears n2 and n3 announce BACKUP"
# They follow n1 (heard its adverts): the handover is for them.
for n in n2 n3; do
	lib_poll 3 follows $n || lib_fail "$n does not follow n1 within 3 s"
done

lib_log "--- n3 freezes; switchover --to n3: n2 takes over instead"
lib_log_mark n2
lib_daemon_signal n3 STOP
hactl n1 switchover web --to n3
expect_rc 1 "switchover --to a node that does not take over"
expect_err '^hactl: switchover web: 198\.51\.100\.2 \(n2\) \(priority 250\) took over after [0-9.]+ s, not n3$' \
	"switchover --to n3, n2 took over"
grep -q 'is master now' "$LIB_TMP/out" && lib_fail "hactl reported success"
lib_wait_holders $VIP n2 3
lib_assert_log n2 'instance web: BACKUP -> MASTER'
lib_daemon_stop n3 KILL
lib_pass
