#!/bin/bash
# t_stale_vip: a VIP left on a node by a killed daemon (or added by hand)
# is removed when the daemon starts again, before it decides a role: with a
# higher-priority master present the restarted node ends up BACKUP and
# without the VIP. SIGKILL leaves VIPs behind; SIGTERM does not.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
[ "$LIB_IMPL" = keepalived ] && lib_skip "stale VIP removal at start is hamgr's promise (keepalived keeps them)"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

lib_log "--- n2 alone is MASTER, then killed: its VIP stays"
lib_vrrp_start n2 prio=100
lib_wait_state n2 MASTER 5
lib_wait_holders $VIP n2 3
lib_daemon_stop n2 KILL
sleep 0.5
lib_assert_holders $VIP n2

lib_log "--- n1 (higher priority) starts: MASTER; n2's VIP is stale"
lib_vrrp_start n1 prio=200
lib_wait_state n1 MASTER 5
lib_wait_holders $VIP "n1 n2" 3

lib_log "--- n2 restarts: removes the stale VIP, stays BACKUP"
lib_vrrp_start n2 prio=100
lib_wait_novip n2 $VIP 1
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3
sleep 1
lib_assert_no_state n2 MASTER
lib_assert_holders $VIP n1

lib_log "--- n2 stopped cleanly, the VIP added by hand, n2 restarts"
lib_daemon_stop n2 TERM
lib_assert_eq "n2 exit status after SIGTERM" 0 "$LIB_EXIT"
ip -n "$(lib_ns n2)" addr add $VIP/24 dev eth0 || lib_fail "cannot add $VIP by hand"
lib_assert_holders $VIP "n1 n2"
lib_vrrp_start n2 prio=100
lib_wait_novip n2 $VIP 1
lib_wait_state n2 BACKUP 3
sleep 1
lib_assert_no_state n2 MASTER
lib_assert_holders $VIP n1
lib_pass
