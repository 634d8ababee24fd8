#!/bin/bash
# t_fence: the fence step. n2 follows n1; n1's daemon is stopped (SIGSTOP:
# alive, holding the VIP, silent). n2 takes the role by Master_Down_Interval
# and, before anything moves, runs its fence command, which powers n1 off
# (kills what runs in n1's namespace and cuts its link, as IPMI would):
# the VIP comes up on n2 only after the fence said done, and no live node
# ever holds it beside another. Then with a fence command that fails: n2
# does not take the VIP at all (the silent n1 keeps it), reports the failure
# and holds off; n1, resumed, stays master. A master that released (SIGTERM)
# is not fenced: the fence does not run.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

fence_ok=$LIB_TMP/fence-ok
fence_bad=$LIB_TMP/fence-bad
cat >"$fence_ok" <<-SCRIPT
	#!/bin/sh
	# "Power off" the silent master: everything in its namespace dies and
	# its link goes down.
	echo "fencing node=\$HAMGR_FENCE_NODE address=\$HAMGR_FENCE_ADDRESS instance=\$HAMGR_INSTANCE"
	[ "\$HAMGR_FENCE_ADDRESS" = 198.51.100.1 ] || { echo "unexpected target"; exit 2; }
	ip netns pids ${LIB_PREFIX}n1 | xargs -r kill -KILL
	ip -n $LIB_BR link set vn1 down
	: >"$LIB_TMP/cut/n1"
	echo "\$HAMGR_FENCE_NODE is off" >"$LIB_TMP/fenced"
	sleep 0.3
	exit 0
SCRIPT
cat >"$fence_bad" <<-SCRIPT
	#!/bin/sh
	echo "IPMI: no answer from \$HAMGR_FENCE_ADDRESS"
	exit 1
SCRIPT
chmod 755 "$fence_ok" "$fence_bad"

lib_log "--- A: a fence that works"
lib_vrrp_start n1 prio=200
lib_vrrp_start n2 prio=100 extra="    fence = \"$fence_ok\""
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_log_mark n2
lib_sampler_start $VIP 30
kill -STOP "${LIB_PID[n1]}"
lib_wait_state n2 MASTER 3
lib_wait_log n2 'fence: done' 5
lib_wait_vip n2 $VIP 3
sleep 0.3
lib_sampler_check
[ -s "$LIB_TMP/fenced" ] || lib_fail "the fence command did not run"
lib_assert_eq "what the fence was told" "n1 is off" "$(cat "$LIB_TMP/fenced")"
lib_assert_log n2 'fencing 198\.51\.100\.1 \(n1\)'
# The order in n2's log: fenced, then the addresses.
fenced_at=$(lib_log_since_mark n2 | grep -n 'fence: done' | head -n 1 | cut -d: -f1)
vips_at=$(lib_log_since_mark n2 | grep -n 'takeover complete' | head -n 1 | cut -d: -f1)
[ -n "$fenced_at" ] && [ -n "$vips_at" ] || lib_fail "n2's log lacks the fence or the takeover"
lib_assert_le "the takeover completes after the fence (log lines)" "$fenced_at" "$vips_at"
lib_daemon_reap n1
lib_daemon_stop n2
lib_link_restore n1
lib_exec n1 ip addr del $VIP/24 dev eth0 2>/dev/null

lib_log "--- B: a fence that fails keeps n2 from taking over"
rm -f "$LIB_TMP/fenced"
lib_vrrp_start n1 prio=200
lib_vrrp_start n2 prio=100 extra="    fence = \"$fence_bad\"
    fail-holdoff = 30s"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_log_mark n2
lib_sampler_start $VIP 30
kill -STOP "${LIB_PID[n1]}"
lib_wait_log n2 'fence failed' 5
lib_assert_log n2 'IPMI: no answer from 198\.51\.100\.1'
sleep 1
lib_sampler_check
lib_assert_eq "holders while the fence failed" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_log n2 'giving the role up'
kill -CONT "${LIB_PID[n1]}"
lib_wait_state n2 BACKUP 3
sleep 0.5
lib_assert_holders $VIP n1
lib_assert_running n1

lib_log "--- C: a master that releases is not fenced"
lib_daemon_stop n2
lib_vrrp_start n2 prio=100 extra="    fence = \"$fence_ok\""
lib_wait_state n2 BACKUP 5
lib_log_mark n2
lib_daemon_stop n1
lib_wait_vip n2 $VIP 3
[ ! -e "$LIB_TMP/fenced" ] || lib_fail "a master that released was fenced"
lib_assert_nolog n2 'fencing'
lib_pass
