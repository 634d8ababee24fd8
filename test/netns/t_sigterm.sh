#!/bin/bash
# t_sigterm: a master stopped with SIGTERM sends priority 0 and removes its
# VIPs; the backup takes over after Skew_Time, well before its
# Master_Down_Interval. 1 s adverts make the two clearly apart:
# Skew_Time(100) = 609 ms, Master_Down_Interval = 3609 ms.
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

lib_vrrp_start n1 prio=200 int=1s
lib_wait_state n1 MASTER 8
lib_vrrp_start n2 prio=100 int=1s
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 1.5          # n2 has heard n1 (Master_Adver_Interval learnt)

lib_sampler_start $VIP 30
lib_probe_start c -d 8 -u -t 300 $VIP 7000
sleep 0.5
lib_log_mark n2
t0=$(lib_now_ms)
lib_daemon_signal n1 TERM
lib_wait_vip n2 $VIP 5
took=$(($(lib_now_ms) - t0))
lib_log "n2 holds the VIP $took ms after SIGTERM"
lib_daemon_reap n1
lib_assert_eq "n1 exit status after SIGTERM" 0 "$LIB_EXIT"
lib_wait_novip n1 $VIP 1
lib_probe_wait 15
lib_sampler_check

lib_assert_le "takeover ms (Skew_Time 609 + 1500 slack)" "$took" 2109
lib_wait_state n2 MASTER 1
lib_is_hamgr n2 && lib_assert_log n2 'priority 0|releas'
lib_assert_eq "last answering node" n2 "$PROBE_last"
lib_assert_le "client-visible outage ms" "$PROBE_longest_gap_ms" 2109
lib_pass
