#!/bin/bash
# t_quorum: three nodes with quorum-nodes = 3, in both protocols' shape
# (vrrp3 here; protocol "hamgr" the same through the same announcements).
# A node alone never holds the role (FAULT: no quorum); the bridge cuts one
# node off at a time (carrier kept):
#   the master alone (1 | 2): it steps down before the pair's best backup
#     takes over, so at most one holder at every sample; the cut-off node
#     never takes the role back while cut off;
#   a backup alone: nothing moves on the pair; the lone node stays out.
# Healed: one master, the highest priority.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_node n3 198.51.100.3


q='    quorum-nodes = 3'
lib_log "--- one node alone has no quorum"
lib_vrrp_start n1 prio=200 extra="$q"
lib_wait_log n1 'no quorum: 1 of 3 nodes seen' 3
sleep 1.5
lib_assert_holders $VIP ""
lib_assert_nolog n1 "$(lib_state_re n1 MASTER)"

lib_vrrp_start n2 prio=150 extra="$q"
lib_vrrp_start n3 prio=100 extra="$q"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_state n3 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 0.5

lib_log "--- the master is cut off: it steps down, n2 takes over"
lib_log_mark n1
lib_log_mark n2
lib_log_mark n3
lib_sampler_start $VIP 30
lib_isolate n1
lib_partition_handover n1 n2 $VIP
lib_assert_log n1 'no quorum: 1 of 3 nodes seen'
lib_assert_nolog n3 "$(lib_state_re n3 MASTER)"

lib_log "--- healed: n1 preempts back"
lib_heal
lib_wait_state n1 MASTER 6
lib_wait_holders $VIP n1 3
sleep 0.5

lib_log "--- a backup is cut off: nothing moves, it stays out"
lib_log_mark n1
lib_log_mark n2
lib_log_mark n3
lib_sampler_start $VIP 30
lib_isolate n3
lib_wait_state n3 FAULT 3
sleep 2
lib_sampler_check none_ok=0
lib_assert_eq "holders with n3 cut off" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
lib_assert_nolog n3 "$(lib_state_re n3 MASTER)"
lib_heal
lib_wait_state n3 BACKUP 5
lib_pass
