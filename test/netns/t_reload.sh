#!/bin/bash
# t_reload: SIGHUP applies a new config in place: a BACKUP whose priority
# rises above the master's preempts; a config that does not parse is
# refused and the running one kept (nothing moves); a VIP added or removed
# on the master comes or goes without touching the VIP that stays; a
# MASTER whose priority drops below its backup's is preempted.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50
VIP2=198.51.100.51

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

lib_vrrp_start n1 prio=200
lib_vrrp_start n2 prio=100
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_sampler_start $VIP 40

lib_log "--- n2's priority 100 -> 250 by reload: it preempts"
lib_log_mark n1
lib_log_mark n2
lib_vrrp_reload n2 prio=250
lib_wait_state n2 MASTER 3
lib_wait_state n1 BACKUP 3
lib_wait_holders $VIP n2 3
lib_is_hamgr n2 && lib_assert_log n2 'reloaded'
lib_sampler_check brief=1
lib_assert_eq "holders of $VIP over time" "n1 n2" "$LIB_SAMPLED_HOLDERS"

# From here until the last phase the VIP never leaves n2, not even for a
# moment: a reload keeps a VIP that stays configured.
lib_sampler_start $VIP 40

if lib_is_hamgr n2; then
	lib_log "--- a config that does not parse: refused, nothing moves"
	lib_log_mark n2
	lib_hamgr_reload n2 'instance web { vrid = 300 }' nocheck
	lib_wait_log n2 'refused' 3
	sleep 1
	lib_assert_running n2
	lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
	lib_assert_holders $VIP n2
fi

lib_log "--- a second VIP added on both nodes, then removed again"
lib_log_mark n1
lib_log_mark n2
lib_vrrp_reload n1 prio=200 vips="$VIP/24 $VIP2/24"
lib_vrrp_reload n2 prio=250 vips="$VIP/24 $VIP2/24"
lib_wait_holders $VIP2 n2 3
sleep 1
lib_assert_holders $VIP n2
lib_assert_holders $VIP2 n2
lib_vrrp_reload n1 prio=200
lib_vrrp_reload n2 prio=250
lib_wait_holders $VIP2 "" 3
sleep 1
lib_assert_holders $VIP n2
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"

lib_sampler_check none_ok=0
lib_assert_eq "holders of $VIP over time" "n2" "$LIB_SAMPLED_HOLDERS"

lib_log "--- n2's priority 250 -> 50 by reload: n1 (200) preempts it"
lib_sampler_start $VIP 40
lib_log_mark n1
lib_log_mark n2
lib_vrrp_reload n2 prio=50
lib_wait_state n1 MASTER 3
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3
sleep 0.5

lib_sampler_check brief=1
lib_assert_eq "holders of $VIP over time" "n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_assert_running n1
lib_assert_running n2
lib_pass
