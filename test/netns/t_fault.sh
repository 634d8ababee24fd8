#!/bin/bash
# t_fault: the master's link goes down (carrier lost): it enters FAULT and
# removes its VIP, the backup takes over; when the link returns the node
# leaves FAULT, comes back as BACKUP and (higher priority, preempt)
# MASTER again. Never two live holders.
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
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_sampler_start $VIP 40

lib_log "--- n1's link goes down"
lib_log_mark n1
lib_log_mark n2
lib_link_cut n1
lib_wait_state n1 FAULT 3
lib_wait_novip n1 $VIP 2
lib_wait_state n2 MASTER 3
lib_wait_holders $VIP n2 3
sleep 1
lib_assert_eq "n1's state while its link is down" FAULT "$(lib_state n1)"
lib_assert_holders $VIP n2
lib_assert_running n1

lib_log "--- n1's link comes back"
lib_log_mark n1
lib_log_mark n2
lib_link_restore n1
lib_wait_state n1 BACKUP 3
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3
lib_assert_running n1

lib_sampler_check brief=1
lib_assert_eq "holders over time" "n1 n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_pass
