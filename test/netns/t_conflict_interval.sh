#!/bin/bash
# t_conflict_interval: two nodes whose advert intervals differ by more
# than the accepted factor (100 ms and 1 s) drop each other's adverts as
# interval_far and both stay MASTER, as before: a split brain by
# configuration. It must never pass silently: each node raises a
# misconfigured_peer alarm naming the other and both intervals (log,
# status JSON, metrics), and the 1 s node's takeover reason says the
# adverts it heard were dropped rather than "no advert".
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
# shellcheck source=test/netns/lib_alarm.sh
. "$(dirname "$0")/lib_alarm.sh"

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

lib_vrrp_start n1 prio=200 int=100ms
lib_vrrp_start n2 prio=100 int=1s
lib_wait_state n1 MASTER 5
# n2 waits its Master_Down_Interval (3.6 s) hearing only dropped adverts.
lib_wait_state n2 MASTER 8
lib_log "both MASTER, as the configuration makes them"

lib_log "--- the 1 s node's takeover reason names the dropped adverts"
lib_assert_log n2 'BACKUP -> MASTER \(master_down timer expired: no valid advert heard for [0-9]+ ms; adverts from 198\.51\.100\.1 are dropped: interval 100 ms, ours 1000 ms\)'

lib_log "--- the log names the peer and both intervals"
lib_wait_log n1 'misconfigured peer 198\.51\.100\.2: advertises 1000 ms, ours 100 ms' 3
lib_wait_log n2 'misconfigured peer 198\.51\.100\.1: advertises 100 ms, ours 1000 ms' 3

lib_log "--- status JSON"
alarm_wait n1 '.alarms | any(.kind == "misconfigured_peer" and .peer == "198.51.100.2" and
	.reason == "interval_far" and .detail == "advertises 1000 ms, ours 100 ms")' 3 \
	"misconfigured_peer alarm"
alarm_wait n2 '.alarms | any(.kind == "misconfigured_peer" and .peer == "198.51.100.1" and
	.reason == "interval_far" and .detail == "advertises 100 ms, ours 1000 ms" and
	.count >= 10 and .since_ms >= 0)' 3 "misconfigured_peer alarm"
lib_assert_ge "n2's counters.misconfigured_peer" "$(alarm_field n2 .counters.misconfigured_peer)" 10
lib_assert_ge "n2's interval_far drops" "$(alarm_field n2 .counters.drops.interval_far)" 10

lib_log "--- metrics"
alarm_metrics n2
lib_assert_eq "hamgr_alarms misconfigured_peer" 1 \
	"$(metric 'hamgr_alarms{instance="web",kind="misconfigured_peer"}')"
lib_assert_ge "hamgr_misconfigured_peer_total" \
	"$(metric 'hamgr_misconfigured_peer_total{instance="web"}')" 10
lib_assert_running n1
lib_assert_running n2
lib_pass
