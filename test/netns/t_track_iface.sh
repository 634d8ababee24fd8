#!/bin/bash
# t_track_iface: an interface track moves the priority. n1 (150) and n2
# (100) track "eth1" (weight -60), an uplink veth whose other end is in a
# gateway namespace; the instance itself runs on eth0.
#   - n2 starts before its eth1 exists: the track counts as down (40), and
#     n1 sees that in its hactl node list; eth1 appears: 100 again;
#   - n1's eth1 set down (ip link): n1 drops to 90, n2 preempts, n2's
#     hactl shows n1 at 90; eth1 up: n1 back at 150, preempts back;
#   - n1's eth1 loses carrier (its peer in the gateway goes down, eth1
#     stays administratively up): the same, and back.
# Never two holders for longer than a preemption handover.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_track.sh
. "$(dirname "$0")/lib_track.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ -x "$HACTL" ] || lib_skip "$HACTL not built (make build/hactl)"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
trk_gateway

# uplink NODE: NODE's eth1, a veth whose peer up-NODE is in the gateway.
uplink() {
	ip -n "$(lib_ns "$1")" link add eth1 type veth peer name "up-$1" netns "$(lib_ns gw)" ||
		lib_fail "cannot create $1's eth1"
	ip -n "$(lib_ns gw)" link set "up-$1" up
	ip -n "$(lib_ns "$1")" link set eth1 up
	lib_log "$1: eth1 created and up"
}

# link NS IFNAME up|down
link() {
	ip -n "$(lib_ns "$1")" link set "$2" "$3" || lib_fail "cannot set $1's $2 $3"
	lib_log "$1: $2 set $3"
}

uplink n1
lib_vrrp_start n1 prio=150 extra="$(trk_iface uplink eth1 -60)"
lib_vrrp_start n2 prio=100 extra="$(trk_iface uplink eth1 -60)"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_wait_log n1 'track uplink up; link up: priority 150 -> 150$' 3
lib_log "--- n2's eth1 does not exist yet: down"
lib_wait_log n2 'track uplink down; link down: priority 100 -> 40$' 3
lib_assert_eq "n2's own effective priority" 40 "$(trk_self_field n2 effective_priority)"
trk_wait_node n1 n2 effective_priority 40 3
lib_assert_eq "n2's configured priority as n1 sees it" 100 "$(trk_node_field n1 n2 priority)"

lib_log "--- n2's eth1 appears"
lib_log_mark n2
uplink n2
lib_wait_log n2 'track uplink up; link up: priority 40 -> 100$' 3
trk_wait_node n1 n2 effective_priority 100 3
lib_assert_holders $VIP n1
lib_sampler_start $VIP 60

lib_log "--- n1's eth1 goes down (ip link set down)"
lib_log_mark n1
lib_log_mark n2
link n1 eth1 down
lib_wait_log n1 'track uplink down; link down: priority 150 -> 90$' 3
lib_wait_state n2 MASTER 3
lib_wait_state n1 BACKUP 3
lib_wait_holders $VIP n2 3
lib_assert_eq "n1's own effective priority" 90 "$(trk_self_field n1 effective_priority)"
trk_wait_node n2 n1 effective_priority 90 3
lib_assert_eq "n1's state as n2 sees it" BACKUP "$(trk_node_field n2 n1 state)"

lib_log "--- n1's eth1 comes up"
lib_log_mark n1
lib_log_mark n2
link n1 eth1 up
lib_wait_log n1 'track uplink up; link up: priority 90 -> 150$' 3
lib_wait_state n1 MASTER 3
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3
trk_wait_node n2 n1 effective_priority 150 3

lib_log "--- n1's eth1 loses carrier (its peer goes down)"
lib_log_mark n1
lib_log_mark n2
link gw up-n1 down
lib_wait_log n1 'track uplink down; link down: priority 150 -> 90$' 3
lib_wait_state n2 MASTER 3
lib_wait_holders $VIP n2 3
trk_wait_node n2 n1 effective_priority 90 3
link gw up-n1 up
lib_wait_log n1 'track uplink up; link up: priority 90 -> 150$' 3
lib_wait_state n1 MASTER 3
lib_wait_holders $VIP n1 3
trk_wait_node n2 n1 effective_priority 150 3
lib_assert_nolog n2 'track uplink'
lib_assert_running n1
lib_assert_running n2

lib_sampler_check brief=1
lib_assert_eq "holders over time" "n1 n2 n1 n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_pass
