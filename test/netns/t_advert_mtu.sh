#!/bin/bash
# t_advert_mtu: an advert larger than the link's MTU still reaches the
# backup. 241 IPv4 VIPs make a 1,012-byte advert; on a 576-byte link it
# must be fragmented, which the kernel does only for a header it builds
# (hamgr writes its own IPv4 header otherwise, advert_io.c): the master
# goes back to the kernel's header for that socket. n2 stays BACKUP the
# whole time, counts n1's adverts, and n1 never fails to send one.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
for n in n1 n2; do
	ip -n "$(lib_ns "$n")" link set eth0 mtu 576 || lib_fail "cannot set $n's MTU"
done
for p in $(ip -n "$LIB_BR" -o link show master br0 | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
	ip -n "$LIB_BR" link set "$p" mtu 576 || lib_fail "cannot set $p's MTU"
done
vips=""
for i in $(seq 10 250); do vips+=" 198.51.100.$i/24"; done

lib_vrrp_start n1 prio=200 vips="$vips"
lib_vrrp_start n2 prio=100 vips="$vips"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
QUIET=1 hactl n2 status --json
expect_rc 0 "n2 status"
a0=$(jqo '.instances[0].counters.adverts_received')
sleep 2
QUIET=1 hactl n2 status --json
a1=$(jqo '.instances[0].counters.adverts_received')
lib_log "n2 received $((a1 - a0)) of n1's adverts in 2 s"
lib_assert_ge "n2: adverts received in 2 s at 100 ms" $((a1 - a0)) 10
lib_assert_nolog n1 'cannot send advert'
lib_assert_nolog n2 'BACKUP -> MASTER'
lib_pass
