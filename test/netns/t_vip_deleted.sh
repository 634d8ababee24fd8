#!/bin/bash
# t_vip_deleted: someone removes a VIP from under the master (ip addr del).
# hamgr notices the RTM_DELADDR, logs it, adds the address back within a
# second and announces it again (gratuitous ARP, seen from a client),
# counts it and raises a vip_missing alarm, which clears once the address
# has been back for the quiet period (10 s). The other VIP is untouched
# and nothing moves.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools tcpdump
# shellcheck source=test/netns/lib_alarm.sh
. "$(dirname "$0")/lib_alarm.sh"
VIP=198.51.100.50
VIP2=198.51.100.51

lib_bridge
lib_node n1 198.51.100.1
lib_client c 198.51.100.100

lib_vrrp_start n1 prio=200 vips="$VIP/24 $VIP2/24"
lib_wait_state n1 MASTER 5
lib_wait_vip n1 $VIP2 3
sleep 0.5       # the takeover's own gratuitous ARPs are over
lib_log_mark n1

lib_log "--- ip addr del $VIP2/24 on the master"
lib_exec c timeout 4 tcpdump -i eth0 -nn -l -c 1 "arp src host $VIP2" >"$LIB_TMP/garp" 2>/dev/null &
tcpd=$!
LIB_BG+=("$tcpd")
sleep 0.5       # tcpdump listens
t0=$(lib_now_ms)
lib_exec n1 ip addr del $VIP2/24 dev eth0 || lib_fail "cannot remove $VIP2"
lib_wait_vip n1 $VIP2 1
lib_log "$VIP2 back after $(($(lib_now_ms) - t0)) ms"
lib_wait_log n1 "$VIP2/24 was removed from eth0 while held: adding it back" 1
wait $tcpd
sed 's/^/    /' "$LIB_TMP/garp"
grep -q "Request who-has $VIP2 tell $VIP2" "$LIB_TMP/garp" ||
	lib_fail "no gratuitous ARP for $VIP2 seen from the client"
lib_assert_holders $VIP n1
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"

lib_log "--- status JSON and metrics"
alarm_wait n1 ".alarms | any(.kind == \"vip_missing\" and .vip == \"$VIP2/24\" and
	.readded == 1 and .since_ms >= 0)" 1 "vip_missing alarm"
lib_assert_eq "counters.vip_readded" 1 "$(alarm_field n1 .counters.vip_readded)"
alarm_metrics n1
lib_assert_eq "hamgr_alarms vip_missing" 1 \
	"$(metric 'hamgr_alarms{instance="web",kind="vip_missing"}')"
lib_assert_eq "hamgr_vip_readded_total" 1 "$(metric 'hamgr_vip_readded_total{instance="web"}')"

lib_log "--- cleared once back and quiet for 10 s"
alarm_wait n1 '.alarms == []' 13 "alarms cleared"
lib_wait_log n1 "alarm cleared: vip_missing $VIP2/24" 1
alarm_metrics n1
lib_assert_eq "hamgr_alarms vip_missing" 0 \
	"$(metric 'hamgr_alarms{instance="web",kind="vip_missing"}')"
lib_assert_running n1
lib_pass
