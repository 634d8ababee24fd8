#!/bin/bash
# t_election: two nodes, the higher priority becomes MASTER and holds the
# VIP; the other stays BACKUP; only the master advertises, with the VRRPv3
# fields the config asks for.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools tcpdump
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client c 198.51.100.100

lib_vrrp_start n1 prio=100
lib_vrrp_start n2 prio=200
lib_wait_state n2 MASTER 5
lib_wait_state n1 BACKUP 5
lib_wait_holders $VIP n2 3
lib_assert_eq "n1's state" BACKUP "$(lib_state n1)"
lib_assert_eq "n2's state" MASTER "$(lib_state n2)"

# Started together, n1 may have been MASTER for a moment (its timer can run
# out first): RFC behaviour. Once settled, nothing changes.
lib_log_mark n1
lib_log_mark n2
sleep 1
lib_assert_holders $VIP n2
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
lib_assert_running n1
lib_assert_running n2

# On the wire (seen from the client): adverts only from n2, VRRPv3, TTL 255,
# vrid 51, prio 200, 10 cs, the VIP listed.
lib_exec c timeout 3 tcpdump -i eth0 -nn -v -c 5 'ip proto 112' >"$LIB_TMP/wire" 2>/dev/null
sed 's/^/    /' "$LIB_TMP/wire"
lines=$(grep -c 'VRRPv3, Advertisement' "$LIB_TMP/wire")
lib_assert_eq "adverts captured" 5 "$lines"
good=$(grep -A1 'ttl 255,' "$LIB_TMP/wire" |
	grep -c '198.51.100.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 200, intvl 10cs, length 12, addrs: 198.51.100.50')
lib_assert_eq "adverts from n2 with TTL 255, vrid 51, prio 200, 10cs, the VIP" 5 "$good"
lib_pass
