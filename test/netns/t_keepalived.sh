#!/bin/bash
# t_keepalived: hamgr and Debian's keepalived in one VRRPv3 group (same
# VRID, same VIP): each accepts the other's adverts, and the VIP fails
# over in both directions, through priority 0 (SIGTERM) and preemption.
# Exactly one holder at the end of every phase.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools keepalived
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_sampler_start $VIP 60

lib_log "--- A: hamgr (150) and keepalived (100) start: hamgr is MASTER"
lib_vrrp_start n1 prio=150
lib_vrrp_start n2 impl=keepalived prio=100
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 1.5          # keepalived hears hamgr: it would time out otherwise
lib_assert_no_state n2 MASTER
lib_assert_holders $VIP n1

lib_log "--- B: hamgr stops (priority 0): keepalived takes over"
lib_log_mark n2
t0=$(lib_now_ms)
lib_daemon_signal n1 TERM
lib_wait_holders $VIP n2 3
lib_log "keepalived holds the VIP $(($(lib_now_ms) - t0)) ms after SIGTERM"
lib_daemon_reap n1
lib_wait_state n2 MASTER 1

lib_log "--- C: hamgr returns (150, preempt): hamgr is MASTER again"
lib_log_mark n2
lib_vrrp_start n1 prio=150
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3

lib_log "--- D: keepalived returns with priority 200: it preempts hamgr"
lib_daemon_stop n2 TERM
lib_log_mark n1
lib_vrrp_start n2 impl=keepalived prio=200
lib_wait_state n2 MASTER 5
lib_wait_state n1 BACKUP 3
lib_wait_holders $VIP n2 3
sleep 1.5          # hamgr hears keepalived: it would time out otherwise
lib_assert_no_state n1 MASTER
lib_assert_holders $VIP n2

lib_log "--- E: keepalived stops (priority 0): hamgr takes over"
lib_log_mark n1
t0=$(lib_now_ms)
lib_daemon_signal n2 TERM
lib_wait_holders $VIP n1 3
lib_log "hamgr holds the VIP $(($(lib_now_ms) - t0)) ms after SIGTERM"
lib_daemon_reap n2
lib_wait_state n1 MASTER 1
lib_is_hamgr n1 && lib_assert_log n1 'priority 0|releas'

lib_sampler_check brief=1
lib_assert_eq "holders over time" "n1 n2 n1 n2 n1" "$LIB_SAMPLED_HOLDERS"
for n in n1 n2; do
	lib_log "$n's log: wire complaints"
	grep -Ei 'invalid|checksum|mismatch|malformed|reject|bad ' "$LIB_TMP/$n.log" | head -n 5
done
if grep -Eiq 'invalid|checksum|mismatch' "$LIB_TMP/n2.log"; then
	lib_fail "keepalived complained about the adverts it received"
fi
lib_pass
