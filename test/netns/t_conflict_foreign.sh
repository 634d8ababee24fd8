#!/bin/bash
# t_conflict_foreign: a host that is no VRRP node at all has the VIPs
# (IPv4 and IPv6) configured as its own addresses and answers ARP and
# neighbour solicitations for them. The master's conflict probes (an ARP
# request from 0.0.0.0, an NS to the solicited-node group, 1 s after the
# VIP step) get that host's answers: a "conflict" alarm per VIP naming its
# MAC and, learnt from its own ARP traffic, its address (log, status
# JSON, counters, metrics). The master keeps the role and the VIPs.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools ping
# shellcheck source=test/netns/lib_alarm.sh
. "$(dirname "$0")/lib_alarm.sh"
VIP=198.51.100.50
VIP6=2001:db8:100::50

lib_bridge
lib_node n1 198.51.100.1
lib_client other 198.51.100.9
lib_exec other ip addr add $VIP/24 dev eth0 || lib_fail "cannot add $VIP to other"
lib_exec other ip addr add $VIP6/64 dev eth0 nodad || lib_fail "cannot add $VIP6 to other"
maco=$(lib_exec other cat /sys/class/net/eth0/address)
lib_log "foreign host other: 198.51.100.9 and $VIP, MAC $maco"

lib_vrrp_start n1 prio=200 vips="$VIP/24 $VIP6/64"
lib_wait_state n1 MASTER 5
lib_wait_vip n1 $VIP 3
lib_wait_vip n1 $VIP6 3
# other talks to n1 (an ARP request from 198.51.100.9): n1 learns who it is.
lib_exec other ping -c 1 -W 1 198.51.100.1 >/dev/null || lib_fail "other cannot reach n1"

lib_log "--- the probe finds other"
lib_wait_log n1 "address conflict: $VIP is also answered by $maco \\(198\\.51\\.100\\.9\\)" 4
alarm_wait n1 ".alarms | any(.kind == \"conflict\" and .vip == \"$VIP\" and .mac == \"$maco\" and
	.from == \"198.51.100.9\" and .count >= 1 and .since_ms >= 0)" 2 "conflict alarm"
alarm_wait n1 ".alarms | any(.kind == \"conflict\" and .vip == \"$VIP6\" and .mac == \"$maco\" and
	(.from == null or .from == \"198.51.100.9\" or (.from | startswith(\"fe80:\"))))" 2 \
	"IPv6 conflict alarm"
lib_assert_ge "n1's counters.conflicts" "$(alarm_field n1 .counters.conflicts)" 2
lib_assert_eq "n1's state" MASTER "$(alarm_field n1 .state)"
lib_assert_holders $VIP n1
lib_assert_holders $VIP6 n1

lib_log "--- metrics"
alarm_metrics n1
lib_assert_eq "hamgr_alarms conflict" 2 "$(metric 'hamgr_alarms{instance="web",kind="conflict"}')"
lib_assert_eq "hamgr_alarms vip_missing" 0 \
	"$(metric 'hamgr_alarms{instance="web",kind="vip_missing"}')"
lib_assert_ge "hamgr_conflicts_total" "$(metric 'hamgr_conflicts_total{instance="web"}')" 2
lib_assert_running n1
lib_pass
