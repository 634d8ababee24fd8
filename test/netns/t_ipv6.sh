#!/bin/bash
# t_ipv6: an instance with only an IPv6 VIP (VRRPv3 over IPv6, adverts to
# ff02::12 from the link-local address); a client reaches the VIP over
# IPv6 and still does after the master dies (unsolicited NA).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_bin probe responder
lib_require_tools tcpdump
VIP=2001:db8:100::50

lib_bridge
lib_node n1 198.51.100.1 2001:db8:100::1
lib_node n2 198.51.100.2 2001:db8:100::2
lib_client c 198.51.100.100 2001:db8:100::100
lib_responder_start n1 7000
lib_responder_start n2 7000

lib_vrrp_start n1 prio=200 vips="$VIP/64"
lib_vrrp_start n2 prio=100 vips="$VIP/64"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_assert_holders 198.51.100.50 ""

lib_exec c timeout 3 tcpdump -i eth0 -nn -v -c 3 'ip6 proto 112' >"$LIB_TMP/wire" 2>/dev/null
sed 's/^/    /' "$LIB_TMP/wire"
good=$(grep -A1 'hlim 255' "$LIB_TMP/wire" | grep -Ec 'fe80::[0-9a-f:]+ > ff02::12: VRRPv3, Advertisement, vrid 51, prio 200')
lib_assert_eq "adverts from n1's link-local to ff02::12, hop limit 255, prio 200" 3 "$good"

lib_probe c -d 1 $VIP 7000
lib_assert_eq "answering node" n1 "$PROBE_last"
lib_assert_eq "switches" 0 "$PROBE_switches"

lib_log "--- n1 dies (SIGKILL, link cut)"
lib_sampler_start $VIP 30
lib_probe_start c -d 8 -u -t 500 $VIP 7000
sleep 1
lib_daemon_stop n1 KILL
lib_link_cut n1
lib_wait_vip n2 $VIP 5
lib_probe_wait 15
lib_sampler_check
lib_assert_eq "last answering node" n2 "$PROBE_last"
lib_assert_le "client-visible outage (longest_gap_ms)" "$PROBE_longest_gap_ms" 2000
lib_pass
