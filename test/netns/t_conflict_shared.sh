#!/bin/bash
# t_conflict_shared: the ARP conflict listener is one socket per interface
# and family, shared by the instances there (conflict_io.c). n1 is master
# of three instances on eth0: web (.50), db (.60) and app (.70). A host
# that is no VRRP node has .60 as its own address. Only db raises the
# conflict alarm, naming that host's MAC; web and app hold their VIPs
# without one (a claim goes to every instance, each keeps only its own
# VIPs). n1 has one ARP packet socket in its namespace, not one per
# instance. Then db alone is stopped by a reload that removes it: web and
# app keep listening on the shared socket (no alarm, state MASTER) and a
# second foreign host taking .70 is found by app.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools ping
# shellcheck source=test/netns/lib_alarm.sh
. "$(dirname "$0")/lib_alarm.sh"

lib_bridge
lib_node n1 198.51.100.1
lib_client other 198.51.100.9
lib_client third 198.51.100.8
lib_exec other ip addr add 198.51.100.60/24 dev eth0 || lib_fail "cannot add .60 to other"
maco=$(lib_exec other cat /sys/class/net/eth0/address)
mact=$(lib_exec third cat /sys/class/net/eth0/address)

conf3() {
	local text="" spec name vrid vip
	for spec in "$@"; do
		IFS=: read -r name vrid vip <<<"$spec"
		lib_vrrp_conf n1 prio=200 name="$name" vrid="$vrid" vips="198.51.100.$vip/24"
		text+="$LIB_CONF_TEXT"$'\n'
	done
	CONF3=$text
}
# conflicts NODE INSTANCE: its hamgr_alarms{kind="conflict"} now.
conflicts() {
	alarm_metrics "$1" >/dev/null
	metric "hamgr_alarms{instance=\"$2\",kind=\"conflict\"}"
}

conf3 web:51:50 db:52:60 app:53:70
lib_hamgr_start n1 "$CONF3"
for i in web db app; do
	lib_wait_log n1 "instance $i: [A-Z]+ -> MASTER" 5
done
lib_wait_vip n1 198.51.100.70 3
lib_exec other ping -c 1 -W 1 198.51.100.1 >/dev/null || lib_fail "other cannot reach n1"

lib_log "--- one claim, one instance"
lib_wait_log n1 "address conflict: 198\\.51\\.100\\.60 is also answered by $maco" 4
lib_assert_eq "db's conflict alarms" 1 "$(conflicts n1 db)"
lib_assert_eq "web's conflict alarms" 0 "$(conflicts n1 web)"
lib_assert_eq "app's conflict alarms" 0 "$(conflicts n1 app)"
lib_assert_nolog n1 "address conflict: 198\\.51\\.100\\.(50|70)"

lib_log "--- one ARP socket for three instances"
# /proc/net/packet of n1's namespace: one line per packet socket, Proto
# in hex (0806: ARP).
arp=$(lib_exec n1 awk 'NR > 1 && $4 == "0806"' /proc/net/packet | wc -l)
lib_log "n1's ARP packet sockets: $arp"
lib_exec n1 cat /proc/net/packet | sed 's/^/    /'
lib_assert_eq "ARP packet sockets in n1" 1 "$arp"

lib_log "--- db leaves by reload; web and app keep the shared socket"
conf3 web:51:50 app:53:70
lib_log_mark n1
lib_hamgr_reload n1 "$CONF3"
lib_wait_log n1 'reload|reloaded' 5
gone() { ! lib_has_addr n1 198.51.100.60; }
lib_poll 5 gone || lib_fail "db's VIP .60 still on n1 after the reload"
lib_exec third ip addr add 198.51.100.70/24 dev eth0 || lib_fail "cannot add .70 to third"
# An ARP request from third with .70 as its sender: a claim, which brings
# app's next probe round forward (conflict.h: CONFLICT_CONFIRM_US); the
# periodic rounds (10 s +- 1 s) would find it too. The ping itself fails
# (n1 answers .70, its own VIP, locally): only its ARP request matters.
lib_exec third ping -c 1 -W 1 -I 198.51.100.70 198.51.100.1 >/dev/null 2>&1 || true
lib_wait_log n1 "address conflict: 198\\.51\\.100\\.70 is also answered by $mact" 15
lib_assert_eq "app's conflict alarms" 1 "$(conflicts n1 app)"
lib_assert_eq "web's conflict alarms" 0 "$(conflicts n1 web)"
lib_assert_nolog n1 "instance (web|app): MASTER ->"
lib_assert_running n1
lib_pass
