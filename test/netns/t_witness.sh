#!/bin/bash
# t_witness: a witness decides a partition. n1 (200) and n2 (100) each
# ping the gateway as their witness track (witness = true). The bridge
# isolates one node at a time from everything (its link stays up, so no
# FAULT by link): a backup cut off from its master and from the witness
# stays out (never MASTER); a master cut off from its backup and from the
# witness steps down (FAULT) before the backup, which still reaches the
# witness, takes over after Master_Down_Interval plus the witness wait.
# One holder at most at every sample, in both directions; after healing,
# one master again.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft ping
# shellcheck source=test/netns/lib_track.sh
. "$(dirname "$0")/lib_track.sh"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
trk_gateway

witness="    track gw {
        command = \"$TRK_AGENTS/check-ping -c 1 -W 0.15 $TRK_GW\"
        interval = 200ms
        timeout = 200ms
        rise = 1
        fall = 2
        witness = true
    }"

lib_vrrp_start n1 prio=200 extra="$witness"
lib_vrrp_start n2 prio=100 extra="$witness"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 0.5
# The witness wait shows in the backup's start-up wait: 3 x 100 ms + skew
# (60 ms) + 2 x (200 + 200) + 200 ms.
lib_assert_log n2 'waiting 1360 ms for a master'

lib_log "--- the backup is cut off: it stays out"
lib_log_mark n1
lib_log_mark n2
lib_sampler_start $VIP 30
lib_isolate n2
lib_wait_log n2 'track gw down' 3
sleep 2
lib_sampler_check none_ok=0
lib_assert_eq "holders with n2 cut off" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_nolog n2 "$(lib_state_re n2 MASTER)"
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_heal
lib_wait_state n2 BACKUP 5
sleep 0.5

lib_log "--- the master is cut off: it steps down, then the backup takes over"
lib_log_mark n1
lib_log_mark n2
lib_sampler_start $VIP 30
lib_isolate n1
lib_partition_handover n1 n2 $VIP

lib_log "--- healed: one master"
lib_heal
lib_wait_state n1 MASTER 6
lib_wait_holders $VIP n1 3
lib_pass
