#!/bin/bash
# t_client: a client reaches the VIP and is answered by the master (the
# responder on every node answers with its node name); its ARP entry for
# the VIP is the master's MAC.
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
lib_wait_holders $VIP n1 3

lib_probe c -d 1 $VIP 7000
lib_assert_eq "first answering node" n1 "$PROBE_first"
lib_assert_eq "last answering node" n1 "$PROBE_last"
lib_assert_eq "switches" 0 "$PROBE_switches"
lib_assert_ge "answered" "$PROBE_answered" $((PROBE_sent * 95 / 100))
lib_assert_le "longest gap ms" "$PROBE_longest_gap_ms" 200

mac_n1=$(lib_exec n1 cat /sys/class/net/eth0/address)
mac_vip=$(ip -n "$(lib_ns c)" neigh show $VIP dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
lib_assert_eq "client's MAC for the VIP (n1's)" "$mac_n1" "$mac_vip"
lib_pass
