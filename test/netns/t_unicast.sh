#!/bin/bash
# t_unicast: VRRPv3 over IPv4 unicast (unicast-peers).
#   A  two hamgr nodes list each other as their only peer: election, the
#      VIP on the master, no transition once settled.
#   B  on the wire (captured on the backup): every advert goes from the
#      master's address to the backup's, TTL 255; the multicast group
#      224.0.0.18 (captured on a bystander, where multicast always floods)
#      carries nothing from either node.
#   C  intruders outside the peer lists: a third hamgr node, priority 250,
#      same VRID, first in multicast mode (its adverts never reach a
#      unicast-only socket), then in unicast mode sending to both nodes;
#      and the rogue tool sending VALID unicast adverts, priority 255 to
#      the master (would make it step down) and priority 0 to the backup
#      (would make it take over after Skew_Time). Nothing moves: one holder
#      throughout, no transition; the drops are logged as unknown_peer.
#      The third node gets a VIP of its own: with the same VIP it would
#      just be a second, misconfigured group that no protocol rule stops.
#   D  the master dies (SIGKILL + link cut): the backup takes over.
#   E  interop with keepalived in unicast mode (unicast_src_ip,
#      unicast_peer, check_unicast_src): hamgr master, keepalived backup; SIGTERM hamgr ->
#      keepalived takes over; hamgr returns with a lower priority and
#      stays backup; SIGTERM keepalived -> hamgr takes over. One holder at
#      the end of each phase.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_bin rogue
lib_require_tools tcpdump keepalived
VIP=198.51.100.50
VIP3=198.51.100.60
A1=198.51.100.1 A2=198.51.100.2 A3=198.51.100.3 AR=198.51.100.66

lib_bridge
lib_node n1 $A1
lib_node n2 $A2
lib_node n3 $A3
lib_client c 198.51.100.100
lib_client rogue $AR

lib_log "--- A: n1 (200) and n2 (100), unicast to each other"
lib_vrrp_start n1 impl=hamgr prio=200 peers=$A2
lib_vrrp_start n2 impl=hamgr prio=100 peers=$A1
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_log_mark n1
lib_log_mark n2
sleep 1
lib_assert_holders $VIP n1
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
lib_assert_nolog n1 'unknown_peer'
lib_assert_nolog n2 'unknown_peer'

lib_log "--- B: the adverts are unicast n1 -> n2, TTL 255; none to 224.0.0.18"
lib_exec c timeout 2 tcpdump -i eth0 -nn -v \
	"ip proto 112 and dst 224.0.0.18 and (src $A1 or src $A2)" >"$LIB_TMP/wire.mcast" 2>/dev/null &
mcast=$!
lib_exec n2 timeout 3 tcpdump -i eth0 -nn -v -c 5 'ip proto 112' >"$LIB_TMP/wire" 2>/dev/null
wait $mcast
sed 's/^/    /' "$LIB_TMP/wire"
lines=$(grep -c 'VRRPv3, Advertisement' "$LIB_TMP/wire")
lib_assert_eq "adverts captured on n2" 5 "$lines"
good=$(grep -A1 'ttl 255,' "$LIB_TMP/wire" |
	grep -c "$A1 > $A2: VRRPv3, Advertisement, vrid 51, prio 200, intvl 10cs, length 12, addrs: $VIP")
lib_assert_eq "adverts n1 -> n2 (unicast) with TTL 255, prio 200, the VIP" 5 "$good"
lib_assert_eq "VRRP packets from n1/n2 to 224.0.0.18 seen by a bystander in 2 s" 0 \
	"$(grep -c 'VRRPv3' "$LIB_TMP/wire.mcast")"

lib_log "--- C: intruders outside the peer lists"
lib_log_mark n1
lib_log_mark n2
lib_sampler_start $VIP 60
lib_vrrp_start n3 impl=hamgr prio=250 vips=$VIP3/24
lib_wait_state n3 MASTER 5
sleep 1
lib_assert_nolog n1 'unknown_peer'  # multicast never reaches them
lib_daemon_stop n3 TERM
lib_vrrp_start n3 impl=hamgr prio=250 vips=$VIP3/24 peers="$A1 $A2"
lib_wait_state n3 MASTER 5
lib_wait_log n1 "dropped advert from $A3: unknown_peer" 3
lib_wait_log n2 "dropped advert from $A3: unknown_peer" 3
# Valid adverts (the tool's "valid" kind) for VRID 51 listing our VIP.
lib_exec rogue "$LIB_TOOLS/rogue" -i eth0 -s $AR -D $A1 -a $VIP -k valid -p 255 \
	-r 50 -n 100 -d 3 -q &
r1=$!
lib_exec rogue "$LIB_TOOLS/rogue" -i eth0 -s $AR -D $A2 -a $VIP -k valid -p 0 \
	-r 50 -n 100 -d 3 -q &
r2=$!
wait $r1 || lib_fail "rogue (to n1) failed"
wait $r2 || lib_fail "rogue (to n2) failed"
lib_wait_log n1 "dropped advert from $AR: unknown_peer" 1
lib_wait_log n2 "dropped advert from $AR: unknown_peer" 1
sleep 0.5
lib_sampler_check none_ok=0
lib_assert_eq "holders of $VIP during the intrusion" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_holders $VIP n1
lib_assert_holders $VIP3 n3
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
for n in n1 n2; do
	lines=$(lib_log_since_mark $n | grep -c 'unknown_peer')
	lib_log "$n: $lines unknown_peer log lines (rate-limited) for 100 rogue adverts and n3's"
	lib_assert_le "$n's unknown_peer log lines" "$lines" 100
done
lib_daemon_stop n3 TERM

lib_log "--- C control: the same adverts spoofing n2's address do move the VIP"
lib_log_mark n1
lib_exec rogue "$LIB_TOOLS/rogue" -i eth0 -s $A2 -D $A1 -a $VIP -k valid -p 255 \
	-r 50 -n 50 -d 2 -q
lib_wait_state n1 BACKUP 1
lib_assert_nolog n1 "dropped advert from $A2"
# n2 times out and takes over; n1 (200) then preempts it (100) again.
lib_wait_state n1 MASTER 5
lib_wait_holders $VIP n1 3

lib_log "--- D: n1 dies (SIGKILL, link cut): n2 takes over"
lib_log_mark n2
t0=$(lib_now_ms)
lib_daemon_stop n1 KILL
lib_link_cut n1
lib_wait_vip n2 $VIP 4
took=$(($(lib_now_ms) - t0))
lib_wait_state n2 MASTER 1
# Master_Down_Interval = 3 * 100 ms + Skew_Time 61 ms.
lib_assert_le "takeover ms after the kill" "$took" 2000
lib_daemon_stop n2 TERM
lib_wait_holders $VIP "n1" 2      # only n1's stale VIP, behind the cut
lib_exec n1 ip addr del $VIP/24 dev eth0
lib_link_restore n1
lib_assert_holders $VIP ""

lib_log "--- E: interop: hamgr n1 (150) + keepalived n2 (100), both unicast"
# check_unicast_src: keepalived too drops adverts from outside its peers.
KA="unicast_src_ip $A2
    check_unicast_src"
lib_sampler_start $VIP 60
lib_vrrp_start n1 impl=hamgr prio=150 peers=$A2
lib_vrrp_start n2 impl=keepalived prio=100 peers=$A1 extra="$KA"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 1.5          # keepalived hears hamgr: it would time out otherwise
lib_assert_no_state n2 MASTER
lib_assert_holders $VIP n1

lib_log "--- E1: hamgr stops (priority 0): keepalived takes over"
lib_log_mark n2
t0=$(lib_now_ms)
lib_daemon_signal n1 TERM
lib_wait_holders $VIP n2 3
lib_log "keepalived holds the VIP $(($(lib_now_ms) - t0)) ms after SIGTERM"
lib_daemon_reap n1
lib_wait_state n2 MASTER 1

lib_log "--- E2: hamgr returns with priority 50: it stays BACKUP"
lib_vrrp_start n1 impl=hamgr prio=50 peers=$A2
lib_wait_state n1 BACKUP 5
sleep 1.5          # hamgr hears keepalived: it would time out otherwise
lib_assert_no_state n1 MASTER
lib_assert_nolog n1 'unknown_peer|dropped advert'
lib_assert_holders $VIP n2

lib_log "--- E3: keepalived stops (priority 0): hamgr takes over"
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
if grep -Eiq 'invalid|checksum|mismatch' "$LIB_TMP/n2.log"; then
	grep -Ei 'invalid|checksum|mismatch' "$LIB_TMP/n2.log" | head -n 5
	lib_fail "keepalived complained about the adverts it received"
fi
lib_pass
