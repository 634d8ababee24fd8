#!/bin/bash
# t_heal: a partition heals with two masters, in both protocols. n1 (200)
# and n2 (100) cannot hear each other (the bridge drops VRRP, or protocol
# "hamgr"'s UDP 694): both MASTER, both hold the VIP. A client's ARP entry
# for the VIP points at n2, the one that will lose. When the wire heals,
# n2 yields within about an advert interval (logged), and n1, hearing a
# lower master, re-sends its gratuitous ARP: the client's entry moves to
# n1's MAC at once, and the client reaches the VIP without waiting for
# its ARP entry to expire.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft ping
[ "$LIB_IMPL" = hamgr ] || lib_skip "protocol hamgr is hamgr's own"
# shellcheck source=test/netns/lib_hb.sh
. "$(dirname "$0")/lib_hb.sh"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client c 198.51.100.100

block_hb() {
	ip netns exec "$LIB_BR" nft -f - <<-NFT || lib_fail "nft: cannot block UDP 694"
		table bridge hmhb {
			chain f {
				type filter hook forward priority 0; policy accept;
				udp dport 694 drop
			}
		}
	NFT
}
unblock_hb() { ip netns exec "$LIB_BR" nft delete table bridge hmhb; }
mac_of() { lib_exec "$1" cat /sys/class/net/eth0/address; }

heal_round() {   # PROTOCOL
	local proto=$1 t0 t1 mac1 mac2 got i
	lib_log "--- $proto: apart, both masters"
	if [ "$proto" = vrrp3 ]; then
		lib_vrrp_block
		lib_vrrp_start n1 prio=200
		lib_vrrp_start n2 prio=100
	else
		block_hb
		hb_keys n1 "$(hb_genkey 1)"
		cp "$LIB_TMP/n1.authkey" "$LIB_TMP/n2.authkey"
		hb_start n1 prio=200 int=100ms
		hb_start n2 prio=100 int=100ms
	fi
	lib_wait_state n1 MASTER 5
	lib_wait_state n2 MASTER 5
	lib_wait_holders $VIP "n1 n2" 3
	mac1=$(mac_of n1)
	mac2=$(mac_of n2)
	# The client last heard of the VIP from the loser.
	lib_exec c ip neigh replace $VIP lladdr "$mac2" dev eth0 nud stale ||
		lib_fail "cannot set the client's ARP entry"
	lib_log_mark n2
	t0=$(lib_now_ms)
	if [ "$proto" = vrrp3 ]; then lib_vrrp_unblock; else unblock_hb; fi
	lib_wait_state n2 BACKUP 3
	t1=$(lib_now_ms)
	lib_log "$proto: n2 yielded $((t1 - t0)) ms after the wire healed (adverts every 100 ms)"
	lib_assert_le "$proto: ms until the lower master yields" $((t1 - t0)) 1000
	lib_wait_holders $VIP n1 3
	for ((i = 0; i < 40; i++)); do
		got=$(lib_exec c ip neigh show $VIP dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
		[ "$got" = "$mac1" ] && break
		sleep 0.05
	done
	lib_log "$proto: the client's entry for the VIP: $got (n1 $mac1, n2 $mac2), $(($(lib_now_ms) - t0)) ms after the heal"
	lib_assert_eq "$proto: the client's ARP entry after the heal" "$mac1" "$got"
	lib_exec c ping -c 1 -W 1 $VIP >/dev/null || lib_fail "$proto: the client cannot reach the VIP"
	lib_daemon_stop n1
	lib_daemon_stop n2
}

heal_round vrrp3
heal_round hamgr
lib_pass
