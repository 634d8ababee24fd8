#!/bin/bash
# t_kill_failover: the master dies (SIGKILL) and its link goes down with
# it; the backup takes over after Master_Down_Interval. A client probing the
# VIP at 2000 requests/s measures the outage; never two live holders.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_bin probe responder
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client c 198.51.100.100
lib_responder_start n1 7000
lib_responder_start n2 7000

lib_vrrp_start n1 prio=200
lib_vrrp_start n2 prio=100
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3

lib_sampler_start $VIP 30
lib_probe_start c -d 8 -u -t 500 $VIP 7000
sleep 1
lib_log_mark n2
t0=$(lib_now_ms)
lib_daemon_stop n1 KILL
lib_link_cut n1
lib_wait_vip n2 $VIP 5
lib_log "n2 holds the VIP $(($(lib_now_ms) - t0)) ms after the kill"
lib_probe_wait 15
lib_sampler_check

lib_wait_state n2 MASTER 1
lib_is_hamgr n2 && lib_assert_log n2 'master_down|no advert'
lib_assert_eq "first answering node" n1 "$PROBE_first"
lib_assert_eq "last answering node" n2 "$PROBE_last"
lib_assert_eq "switches" 1 "$PROBE_switches"
# 100 ms adverts, priority 100: Master_Down_Interval = 3 x 100 + 61 ms.
lib_assert_le "client-visible outage (longest_gap_ms)" "$PROBE_longest_gap_ms" 2000
lib_assert_le "switch_ms" "$PROBE_switch_ms" 2000
lib_assert_ge "switch_ms (not before Master_Down_Interval could expire)" "$PROBE_switch_ms" 50
lib_pass
