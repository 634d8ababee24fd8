#!/bin/bash
# t_three: three nodes (priorities 100, 150, 200): the highest is MASTER;
# when it leaves the next highest takes over, then the last; the highest
# preempts when it returns; a returning middle node stays BACKUP.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_node n3 198.51.100.3

lib_vrrp_start n1 prio=100
lib_vrrp_start n2 prio=150
lib_vrrp_start n3 prio=200
lib_wait_state n3 MASTER 5
lib_wait_state n1 BACKUP 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n3 3
lib_sampler_start $VIP 40

lib_log "--- n3 leaves: n2 (150) takes over, not n1 (100)"
lib_log_mark n1
lib_log_mark n2
lib_daemon_stop n3 TERM
lib_wait_state n2 MASTER 3
lib_wait_holders $VIP n2 3
sleep 0.5
lib_assert_no_state n1 MASTER

lib_log "--- n2 leaves: n1 takes over"
lib_daemon_stop n2 TERM
lib_wait_state n1 MASTER 3
lib_wait_holders $VIP n1 3

lib_log "--- n3 returns and preempts"
lib_log_mark n1
lib_vrrp_start n3 prio=200
lib_wait_state n3 MASTER 5
lib_wait_state n1 BACKUP 3
lib_wait_holders $VIP n3 3

lib_log "--- n2 returns and stays BACKUP"
lib_vrrp_start n2 prio=150
lib_wait_state n2 BACKUP 5
sleep 1.5
lib_assert_no_state n2 MASTER
lib_assert_holders $VIP n3

lib_sampler_check brief=1
lib_assert_eq "holders over time" "n3 n2 n1 n3" "$LIB_SAMPLED_HOLDERS"
lib_pass
