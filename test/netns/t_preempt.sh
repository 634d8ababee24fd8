#!/bin/bash
# t_preempt: the higher-priority node takes the VIP back when it returns
# (preempt = true), and leaves it where it is with preempt = false.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

lib_vrrp_start n1 prio=200
lib_vrrp_start n2 prio=100
lib_wait_state n1 MASTER 5
lib_wait_holders $VIP n1 3
lib_sampler_start $VIP 40

lib_log "--- n1 leaves: n2 takes over"
lib_log_mark n2
lib_daemon_stop n1 TERM
lib_wait_state n2 MASTER 3
lib_wait_holders $VIP n2 3

lib_log "--- n1 returns with preempt = true: it takes the VIP back"
lib_log_mark n2
lib_vrrp_start n1 prio=200 preempt=true
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3

lib_log "--- n1 leaves again: n2 takes over"
lib_log_mark n2
lib_daemon_stop n1 TERM
lib_wait_state n2 MASTER 3
lib_wait_holders $VIP n2 3

lib_log "--- n1 returns with preempt = false: n2 keeps the VIP"
lib_log_mark n2
lib_vrrp_start n1 prio=200 preempt=false
lib_wait_state n1 BACKUP 5
sleep 3            # about 8 Master_Down_Intervals
lib_assert_no_state n1 MASTER
lib_assert_no_state n2 BACKUP
lib_assert_holders $VIP n2
lib_assert_running n1
lib_assert_running n2

lib_sampler_check brief=1
lib_assert_eq "holders over time" "n1 n2 n1 n2" "$LIB_SAMPLED_HOLDERS"
lib_pass
