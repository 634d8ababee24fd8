#!/bin/bash
# t_conflict_vrid: two nodes configured with VRIDs 51 and 52 that list the
# same VIP never hear each other as peers (other VRID: not an error) and
# both hold it. Each advert for the other VRID lists our VIP: both raise a
# misconfigured_peer alarm, reason other_vrid, naming the VRID and the
# address (log, status JSON, metrics); and, both holding the VIP, the
# conflict probes find the other's MAC.
# B: an advert for a VRID of ours that lists a VIP of another of our
# instances: n1 runs web (VRID 51, .50) and db (VRID 52, .60), n2 runs
# VRID 52 listing .50. The advert reaches db (its VRID) through the shared
# receive path, which passes it on to web: web raises other_vrid.
# C: with more than 32 VIPs the check runs against a sorted copy: n1's web
# has 63 (198.51.100.100-163 without .131), n2's VRID 52 lists .131: no
# alarm; a reload adds .131 last to web's list (the middle of the sorted
# copy, made again): web raises other_vrid for .131; n1 then exits cleanly.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
# shellcheck source=test/netns/lib_alarm.sh
. "$(dirname "$0")/lib_alarm.sh"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
mac2=$(lib_exec n2 cat /sys/class/net/eth0/address)

lib_vrrp_start n1 prio=200 vrid=51
lib_vrrp_start n2 prio=100 vrid=52
lib_wait_state n1 MASTER 5
lib_wait_state n2 MASTER 5
lib_wait_holders $VIP "n1 n2" 3

lib_log "--- log"
lib_wait_log n1 'misconfigured peer 198\.51\.100\.2: VRID 52 lists 198\.51\.100\.50' 3
lib_wait_log n2 'misconfigured peer 198\.51\.100\.1: VRID 51 lists 198\.51\.100\.50' 3

lib_log "--- status JSON"
alarm_wait n1 '.alarms | any(.kind == "misconfigured_peer" and .peer == "198.51.100.2" and
	.reason == "other_vrid" and .detail == "VRID 52 lists 198.51.100.50" and .count >= 1)' 3 \
	"other_vrid alarm"
lib_assert_ge "n1's counters.other_vrid" "$(alarm_field n1 .counters.other_vrid)" 1
# Both hold the VIP: the probes (1 s after the VIPs came up) find the other.
alarm_wait n1 ".alarms | any(.kind == \"conflict\" and .vip == \"$VIP\" and .mac == \"$mac2\")" \
	5 "conflict alarm"
lib_wait_log n1 "address conflict: $VIP is also answered by $mac2" 1

lib_log "--- metrics"
alarm_metrics n1
lib_assert_eq "hamgr_alarms misconfigured_peer" 1 \
	"$(metric 'hamgr_alarms{instance="web",kind="misconfigured_peer"}')"
lib_assert_eq "hamgr_alarms conflict" 1 "$(metric 'hamgr_alarms{instance="web",kind="conflict"}')"
lib_assert_ge "hamgr_misconfigured_peer_total" \
	"$(metric 'hamgr_misconfigured_peer_total{instance="web"}')" 1
lib_assert_running n1
lib_assert_running n2

lib_log "--- B: VRID 52 (ours: db) lists web's VIP"
lib_daemon_stop n1 TERM
lib_daemon_stop n2 TERM
lib_vrrp_conf n1 prio=200 vrid=51 name=web
web=$LIB_CONF_TEXT
lib_vrrp_conf n1 prio=200 vrid=52 name=db vips=198.51.100.60/24
lib_hamgr_start n1 "$web
$LIB_CONF_TEXT"
lib_vrrp_start n2 prio=250 vrid=52 name=db
lib_wait_log n1 'instance web: .*misconfigured peer 198\.51\.100\.2: VRID 52 lists 198\.51\.100\.50' 5
lib_assert_nolog n1 'instance db: .*misconfigured peer'
lib_assert_running n1

lib_log "--- C: 63 VIPs; VRID 52 lists one web lacks, then a reload adds it"
lib_daemon_stop n1 TERM
lib_daemon_stop n2 TERM
many=""
for ((k = 100; k < 164; k++)); do [ $k = 131 ] || many+="198.51.100.$k/24 "; done
lib_vrrp_start n1 prio=200 vrid=51 vips="$many"
lib_vrrp_start n2 prio=100 vrid=52 name=db vips=198.51.100.131/24
lib_wait_state n1 MASTER 5
lib_wait_state n2 MASTER 5
sleep 1         # ten of n2's adverts
lib_assert_nolog n1 'misconfigured peer'
lib_log_mark n1
lib_vrrp_reload n1 prio=200 vrid=51 vips="${many}198.51.100.131/24"
lib_wait_log n1 'instance web: .*misconfigured peer 198\.51\.100\.2: VRID 52 lists 198\.51\.100\.131' 5
lib_daemon_stop n1 TERM
# A clean exit after the reload: nothing leaked in ASan builds.
lib_assert_eq "n1's exit status" 0 "$LIB_EXIT"
lib_pass
