#!/bin/bash
# t_unicast6: VRRPv3 over IPv6 unicast (unicast-peers) with an IPv6 VIP
# (2001:db8:100::50/64). Each pair phase: two hamgr nodes list each other
# as their only peer; election, the VIP on the master, no transition and
# no dropped advert once settled; on the wire (captured on the backup)
# every advert goes to the backup's peer address with hop limit 255, and a
# bystander sees nothing sent to ff02::12; the master dies (SIGKILL + link
# cut): the backup takes over.
#   A  the pair with link-local peer addresses (fe80::, read from eth0).
#   B  interop: hamgr (global peer 2001:db8:100::2) and keepalived
#      (unicast_src_ip 2001:db8:100::2, unicast_peer 2001:db8:100::1).
#      keepalived sends IPv6 unicast adverts with hop limit 64 unless told
#      `unicast_ttl 255`; hamgr requires 255 (RFC 5798 5.1.2.3, the GTSM
#      rule), so the keepalived config sets it. hamgr SIGTERM -> keepalived
#      takes over; hamgr back with a lower priority stays BACKUP; keepalived
#      SIGTERM -> hamgr takes over. One holder at the end of each phase.
#   C  the pair with global peer addresses (2001:db8:100::1 and ::2).
# C runs last: it fails as long as hamgr sends IPv6 unicast adverts from
# its link-local address (the receiving hamgr, which lists the global
# address, drops them as unknown_peer and both nodes become MASTER). B
# passes only because keepalived does not check the source of unicast
# adverts by default: with `check_unicast_src` it drops hamgr's ("unicast
# source address fe80::... not a unicast peer") and both become MASTER.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools tcpdump keepalived
VIP=2001:db8:100::50
G1=2001:db8:100::1 G2=2001:db8:100::2

lib_bridge
lib_node n1 198.51.100.1 $G1
lib_node n2 198.51.100.2 $G2
lib_client c 198.51.100.100 2001:db8:100::100

# NODE's link-local address on eth0.
ll6() {
	ip -n "$(lib_ns "$1")" -6 -o addr show dev eth0 scope link |
		awk '{ sub("/.*", "", $4); print $4; exit }'
}

# No transition for 1 s, one holder, nothing dropped. A peer list that does
# not match the sources the other node uses ends in two masters: say so.
settled() {
	lib_log_mark n1
	lib_log_mark n2
	sleep 1
	if lib_log_has n2 'dropped advert from .*: unknown_peer'; then
		lib_log "n2's log:"
		lib_log_since_mark n2 | grep unknown_peer | head -n 3 | sed 's/^/    /'
		lib_log "holders of $VIP: $(lib_vip_holders $VIP)"
		lib_fail "n2 drops n1's adverts as unknown_peer (n1 sends from $(ll6 n1), n2's peer list: $1): both MASTER"
	fi
	lib_assert_holders $VIP n1
	lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
	lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
	lib_assert_nolog n1 'dropped advert'
	lib_assert_nolog n2 'dropped advert'
}

# Election, wire, failover of two hamgr nodes; n1 lists P2, n2 lists P1.
pair() {
	local p1=$1 p2=$2 good took t0 mcast
	lib_vrrp_start n1 impl=hamgr prio=200 vips=$VIP/64 peers="$p2"
	lib_vrrp_start n2 impl=hamgr prio=100 vips=$VIP/64 peers="$p1"
	lib_wait_state n1 MASTER 5
	lib_wait_state n2 BACKUP 5
	settled "$p1"

	lib_exec c timeout 2 tcpdump -i eth0 -nn -v 'ip6 proto 112 and dst ff02::12' \
		>"$LIB_TMP/wire.mcast" 2>/dev/null &
	mcast=$!
	lib_exec n2 timeout 3 tcpdump -i eth0 -nn -v -c 5 'ip6 proto 112' >"$LIB_TMP/wire" 2>/dev/null
	wait $mcast
	sed 's/^/    /' "$LIB_TMP/wire"
	lib_assert_eq "adverts captured on n2" 5 "$(grep -c 'VRRPv3, Advertisement' "$LIB_TMP/wire")"
	good=$(grep -Ec "hlim 255,.* [0-9a-f:]+ > $p2: VRRPv3, Advertisement, vrid 51, prio 200, intvl 10cs, length 24, addrs: $VIP\$" \
		"$LIB_TMP/wire")
	lib_assert_eq "adverts to $p2 (unicast), hop limit 255, prio 200, the VIP" 5 "$good"
	lib_assert_eq "VRRP packets to ff02::12 seen by a bystander in 2 s" 0 \
		"$(grep -c 'VRRPv3' "$LIB_TMP/wire.mcast")"

	lib_log "n1 dies (SIGKILL, link cut): n2 takes over"
	lib_log_mark n2
	lib_sampler_start $VIP 30
	t0=$(lib_now_ms)
	lib_daemon_stop n1 KILL
	lib_link_cut n1
	lib_wait_vip n2 $VIP 4
	took=$(($(lib_now_ms) - t0))
	lib_wait_state n2 MASTER 1
	lib_assert_le "takeover ms after the kill" "$took" 2000
	sleep 0.3
	lib_sampler_check
	lib_assert_eq "live holders over time" "n1 n2" "$LIB_SAMPLED_HOLDERS"

	# Back to a clean slate: n2 releases, n1's stale VIP goes, n1 returns.
	lib_daemon_stop n2 TERM
	lib_exec n1 ip addr del $VIP/64 dev eth0
	lib_link_restore n1
	lib_wait_holders $VIP "" 2
}

L1=$(ll6 n1) L2=$(ll6 n2)
{ [ -n "$L1" ] && [ -n "$L2" ]; } || lib_fail "no link-local address on eth0 (n1: '$L1', n2: '$L2')"

lib_log "--- A: two hamgr nodes, link-local peers ($L1, $L2)"
pair "$L1" "$L2"

lib_log "--- B: interop: hamgr n1 (150) + keepalived n2 (100), global addresses"
KA="unicast_src_ip $G2
    unicast_ttl 255"
lib_sampler_start $VIP 60
lib_vrrp_start n1 impl=hamgr prio=150 vips=$VIP/64 peers=$G2
lib_vrrp_start n2 impl=keepalived prio=100 vips=$VIP/64 peers=$G1 extra="$KA"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 1.5          # keepalived hears hamgr: it would time out otherwise
lib_assert_no_state n2 MASTER
lib_assert_holders $VIP n1

lib_log "--- B1: hamgr stops (priority 0): keepalived takes over"
lib_log_mark n2
t0=$(lib_now_ms)
lib_daemon_signal n1 TERM
lib_wait_holders $VIP n2 3
lib_log "keepalived holds the VIP $(($(lib_now_ms) - t0)) ms after SIGTERM"
lib_daemon_reap n1
lib_wait_state n2 MASTER 1

lib_log "--- B2: hamgr returns with priority 50: it stays BACKUP"
lib_vrrp_start n1 impl=hamgr prio=50 vips=$VIP/64 peers=$G2
lib_wait_state n1 BACKUP 5
sleep 1.5          # hamgr hears keepalived: it would time out otherwise
lib_assert_no_state n1 MASTER
lib_assert_nolog n1 'dropped advert'
lib_assert_holders $VIP n2
lib_exec n1 timeout 2 tcpdump -i eth0 -nn -v -c 3 'ip6 proto 112' >"$LIB_TMP/wire.ka" 2>/dev/null
sed 's/^/    /' "$LIB_TMP/wire.ka"
lib_assert_eq "keepalived's adverts $G2 > $G1 with hop limit 255" 3 \
	"$(grep -Ec "hlim 255,.* $G2 > $G1: VRRPv3, Advertisement, vrid 51, prio 100" "$LIB_TMP/wire.ka")"

lib_log "--- B3: keepalived stops (priority 0): hamgr takes over"
lib_log_mark n1
t0=$(lib_now_ms)
lib_daemon_signal n2 TERM
lib_wait_holders $VIP n1 3
lib_log "hamgr holds the VIP $(($(lib_now_ms) - t0)) ms after SIGTERM"
lib_daemon_reap n2
lib_wait_state n1 MASTER 1
lib_assert_log n1 'priority 0|releas'
lib_sampler_check brief=1
lib_assert_eq "holders over time" "n1 n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_daemon_stop n1 TERM
lib_wait_holders $VIP "" 2

lib_log "--- C: two hamgr nodes, global peers ($G1, $G2)"
pair $G1 $G2
lib_pass
