#!/bin/bash
# t_allowed_peers: allowed-peers in multicast mode.
#   A  n1 (200) and n2 (100) each allow only the other: election, the VIP
#      on n1, each hears the other announce itself.
#   B  a rogue on the segment sends VALID adverts for VRID 51 listing the
#      VIP, priority 255 (would make n1 step down), and valid peer
#      announcements, all from its own address: nothing moves (one holder
#      throughout, no transition); both nodes count the adverts as
#      not_allowed (hactl metrics, status --json) and log them
#      rate-limited, count the announcements (per instance and
#      daemon-wide) and never list the rogue as a node.
#   C  control: the same adverts spoofing n2's address are accepted (n1
#      steps down): allowed-peers is not authentication.
#   D  reload: n1 also allows the rogue's /29 (SIGHUP, the instance is not
#      restarted) and the rogue's own adverts move n1; reloaded back, they
#      are dropped again.
#   E  hamgr -t refuses allowed-peers together with unicast-peers, naming
#      the line.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_metrics.sh
. "$(dirname "$0")/lib_metrics.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
lib_require_bin rogue
lib_require_bin hello_send
[ "$LIB_IMPL" = hamgr ] || lib_skip "allowed-peers is hamgr's own"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50
A1=198.51.100.1 A2=198.51.100.2 AR=198.51.100.66
GROUP=224.0.0.18
# A valid announcement (see t_rogue_hello): node "evil", MASTER, VRID 51.
ANNOUNCE=484d47520101330201ff020400000000000000016576696c
allow() { echo "    allowed-peers = {$1}"; }

# The rogue's valid adverts (VRID 51, the VIP, 100 ms): rogue_adverts
# SOURCE PRIORITY COUNT.
rogue_adverts() {
	lib_exec rogue "$LIB_TOOLS/rogue" -i eth0 -s "$1" -k valid -p "$2" -r 50 -n "$3" \
		-d 4 -q || lib_fail "rogue failed"
}

# NODE's count of adverts dropped as not_allowed (status --json).
not_allowed() {
	QUIET=1 hactl "$1" status --json
	jqo '.instances[0].counters.drops.not_allowed'
}

lib_log "--- E: hamgr -t refuses allowed-peers with unicast-peers"
printf '%s\n' "instance web {
    interface = \"eth0\"
    vrid = 51
    vips = {\"$VIP/24\"}
    unicast-peers = {\"$A2\"}
    allowed-peers = {\"$A2\"}
}" >"$LIB_TMP/both.conf"
out=$("$LIB_HAMGR" -t -f "$LIB_TMP/both.conf" 2>&1)
rc=$?
lib_log "hamgr -t: exit $rc: $out"
lib_assert_eq "hamgr -t exit for allowed-peers with unicast-peers" 78 "$rc"
grep -q -- "$LIB_TMP/both.conf:6: allowed-peers: not with unicast-peers (line 5)" <<<"$out" ||
	lib_fail "hamgr -t: no message naming line 6: $out"

lib_bridge
lib_node n1 $A1
lib_node n2 $A2
lib_client rogue $AR

lib_log "--- A: n1 (200) and n2 (100), each allowing only the other"
lib_vrrp_start n1 prio=200 extra="$(allow "\"$A2\"")"
lib_vrrp_start n2 prio=100 extra="$(allow "\"$A1\"")"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
wait_node n1 n2 "BACKUP false"
wait_node n2 n1 "MASTER false"
lib_assert_nolog n1 'not_allowed'
lib_assert_nolog n2 'not_allowed'

lib_log "--- B: the rogue's valid adverts (priority 255) and announcements from its own address"
lib_log_mark n1
lib_log_mark n2
lib_sampler_start $VIP 30
rogue_adverts $AR 255 100 &
r=$!
lib_exec rogue "$LIB_TOOLS/hello_send" -i eth0 -n 5 -r 5 $GROUP "$ANNOUNCE" ||
	lib_fail "hello_send failed"
wait $r || lib_fail "rogue (own address) failed"
sleep 0.5
lib_sampler_check none_ok=0
lib_assert_eq "holders of $VIP during the intrusion" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_holders $VIP n1
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
for n in n1 n2; do
	lib_assert_log $n "dropped advert from $AR: not_allowed"
	lib_assert_log $n "dropped peer announcement from $AR: not_allowed"
	lines=$(lib_log_since_mark $n | grep -c 'not_allowed')
	lib_log "$n: $lines not_allowed log lines (rate-limited) for 100 adverts and 5 announcements"
	lib_assert_le "$n's not_allowed log lines" "$lines" 12
	QUIET=1 hactl $n metrics
	expect_rc 0 "$n metrics"
	cp "$LIB_TMP/out" "$LIB_TMP/metrics"
	check_exposition "$LIB_TMP/metrics"
	lib_assert_ge "$n metrics: adverts dropped as not_allowed" \
		"$(metric 'hamgr_advert_drops_total{instance="web",reason="not_allowed"}')" 100
	lib_assert_eq "$n metrics: adverts dropped as unknown_peer" 0 \
		"$(metric 'hamgr_advert_drops_total{instance="web",reason="unknown_peer"}')"
	lib_assert_ge "$n metrics: announcements dropped as not_allowed" \
		"$(metric 'hamgr_announcement_not_allowed_drops_total{instance="web"}')" 5
	lib_assert_ge "$n metrics: announcements dropped as not_allowed, daemon-wide" \
		"$(metric 'hamgr_announcement_drops_total{reason="not_allowed"}')" 5
	QUIET=1 hactl $n status --json
	lib_assert_ge "$n status: drops.not_allowed" \
		"$(jqo '.instances[0].counters.drops.not_allowed')" 100
	lib_assert_ge "$n status: announcement_not_allowed_drops" \
		"$(jqo '.instances[0].counters.announcement_not_allowed_drops')" 5
	lib_assert_eq "$n status: nodes heard" "$([ $n = n1 ] && echo n2 || echo n1)" \
		"$(jqo '[.instances[0].nodes[].node] | join(" ")')"
	# shellcheck disable=SC2016 # $a is jq's
	lib_assert_eq "$n status: the rogue among the peers heard" 0 \
		"$(jqo --arg a $AR '[.instances[0].peers[] | select(.address == $a)] | length')"
done
lib_assert_eq "n2 follows" "$A1 n1" "$(jqo '.instances[0].master | "\(.address) \(.node)"')"

lib_log "--- C: the same adverts spoofing n2's allowed address are accepted"
lib_log_mark n1
lib_log_mark n2
rogue_adverts $A2 255 50
lib_wait_state n1 BACKUP 1
lib_assert_nolog n1 "dropped advert from $A2"
# n2 hears n1 go silent and takes over; n1 (200) preempts it again once
# the spoofed adverts stop.
lib_wait_state n1 MASTER 5
lib_wait_holders $VIP n1 3

lib_log "--- D: reload: n1 allows the rogue's /29 too, in place"
lib_log_mark n1
lib_vrrp_reload n1 prio=200 extra="$(allow "\"$A2\", \"198.51.100.64/29\"")"
lib_wait_log n1 'configuration reloaded' 3
lib_assert_nolog n1 'restarting it'
before=$(not_allowed n1)
rogue_adverts $AR 255 50
lib_wait_state n1 BACKUP 1
lib_assert_eq "n1: adverts dropped as not_allowed while the rogue is allowed" "$before" \
	"$(not_allowed n1)"
lib_wait_state n1 MASTER 5
lib_wait_holders $VIP n1 3

lib_log "--- D: reloaded back: the rogue's adverts are dropped again"
lib_log_mark n1
lib_vrrp_reload n1 prio=200 extra="$(allow "\"$A2\"")"
lib_wait_log n1 'configuration reloaded' 3
lib_assert_nolog n1 'restarting it'
lib_log_mark n1
lib_sampler_start $VIP 30
rogue_adverts $AR 255 20
sleep 0.5
lib_sampler_check none_ok=0
lib_assert_eq "holders of $VIP after the reload back" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_ge "n1: adverts dropped as not_allowed after the reload back" "$(not_allowed n1)" \
	$((before + 20))
lib_pass
