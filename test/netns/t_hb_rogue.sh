#!/bin/bash
# t_hb_rogue: a rogue on the segment of a protocol "hamgr" pair (n1 200
# master, n2 100, 30 ms, one shared key) floods heartbeats claiming to be
# the other node as MASTER with priority 255, each with one defect: a
# random tag (nokey), a key the pair does not have (wrongkey), the tag cut
# short (trunc) and every rejection of the decoder (short, magic, version,
# type, field, interval, length, target, nonce, name), 1000 packets/s for
# 5 s, spoofing n2's address and from its own; at the same time VRRPv3
# adverts with priority 255 for the same VRID (rogue, protocol 112).
# Nothing moves: one holder (n1) throughout, no transition on either node,
# both daemons run, each count every kind sent under the reason the tool
# names (hactl metrics, strict format), their logs stay short.
# Then n1 dies during a flood spoofing it (every defect, plus correctly
# signed heartbeats of a fresh boot that cannot answer a challenge): n2
# takes over on time. Finally the control: the same tool with the key,
# answering n2's challenge, as n1 with priority 255, makes n2 step down;
# the key and the challenge, not the tool, decided the rest.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_bin rogue
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "protocol hamgr is hamgr's own"
# shellcheck source=test/netns/lib_hb.sh
. "$(dirname "$0")/lib_hb.sh"
hb_require
VIP=198.51.100.50
RK=$LIB_TMP/rogue.authkey

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client rogue 198.51.100.66
KEY=$(hb_genkey 1)
hb_keys n1 "$KEY"
hb_keys n2 "$KEY"
hb_keys rogue "$KEY"       # the defects are signed: each is the only fault

hb_start n1 prio=200
lib_wait_state n1 MASTER 5
hb_start n2 prio=100
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_poll 3 hb_rx_above n2 20 || lib_fail "n2 accepts no heartbeats of n1"
sleep 0.5

lib_log "--- flood: every defect at 1000 packets/s for 5 s, VRRPv3 priority 255 beside"
lib_log_mark n1
lib_log_mark n2
for n in n1 n2; do
	hb_drop_snapshot $n
	declare "TR_$n=$(hb_inst $n "$HB_M_TRANSITIONS")"
done
lib_sampler_start $VIP 30
lib_exec rogue "$LIB_TOOLS/rogue" -i eth0 -s 198.51.100.66 -s 198.51.100.2 -k valid -p 255 \
	-v 51 -r 100 -n 600 -d 6 >"$LIB_TMP/rogue.vrrp.out" 2>&1 &
vrrp_rogue=$!
LIB_BG+=("$vrrp_rogue")
# As n2 from n2's address: taken, it would make n1 step down.
hb_rogue_bg rogue send -i eth0 -s 198.51.100.2 -N n2 -P 255 -S 2 -K "$RK" -k all \
	-r 500 -n 2500 -d 5 -q
# As n1 from the rogue's own address.
hb_rogue rogue send -i eth0 -N n1 -P 255 -S 2 -K "$RK" -k all -r 500 -n 2500 -d 5
sent_fg=$HB_TOTAL
[ "$HB_RC" = 0 ] || lib_fail "hbrogue send failed (exit $HB_RC)"
hb_rogue_wait
[ "$HB_RC" = 0 ] || lib_fail "hbrogue send (spoofing n2) failed (exit $HB_RC)"
sent=$((sent_fg + HB_TOTAL))
wait $vrrp_rogue
sed 's/^/    /' "$LIB_TMP/rogue.vrrp.out"
lib_assert_ge "heartbeats the rogue sent" "$sent" 4000
sleep 0.5
lib_sampler_check none_ok=0
lib_assert_eq "holders during the flood" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_holders $VIP n1
lib_assert_running n1
lib_assert_running n2
for n in n1 n2; do
	lib_assert_eq "$n's transitions during the flood" "" "$(hb_transitions $n)"
	hb_metrics $n
	tr=TR_$n
	lib_assert_eq "$n's $HB_M_TRANSITIONS during the flood" "${!tr}" "$(hb_inst $n "$HB_M_TRANSITIONS")"
	lib_log "$n's drops during the flood: $(hb_drop_deltas $n)"
	total=0
	for k in "${!HB_SENT[@]}"; do
		r=${HB_REASON[$k]}
		d=$(hb_drop_delta $n "$r")
		[ "$d" -gt 0 ] || lib_fail "$n: kind $k sent ${HB_SENT[$k]} times, drops{reason=$r} did not grow"
	done
	for r in $HB_R_DECODE $HB_R_AUTH; do
		total=$((total + $(hb_drop_delta $n "$r")))
	done
	# Multicast reaches both nodes, but a node's kernel drops what
	# carries its own address as the source (n2: the spoofing flood).
	if [ $n = n1 ]; then want=$sent; else want=$sent_fg; fi
	lib_assert_ge "$n's decode and key drops (of $want it can receive)" "$total" $((want * 9 / 10))
	lines=$(lib_log_since_mark $n | wc -l)
	lib_log "$n logged $lines lines during the flood; a sample:"
	lib_log_since_mark $n | head -n 6 | sed 's/^/    /'
	lib_assert_le "$n's log lines during $sent bad heartbeats (rate-limited)" "$lines" 100
done

lib_log "--- n1 dies during a flood spoofing it (every defect, and signed heartbeats that cannot answer a challenge)"
lib_log_mark n2
hb_drop_snapshot n2
hb_rogue_bg rogue send -i eth0 -s 198.51.100.1 -N n1 -P 255 -S 2 -K "$RK" -k all,valid \
	-r 1000 -n 5000 -d 5
sleep 0.5
t0=$(lib_now_ms)
# The link first: at 30 ms the backup takes over within ~110 ms, before a
# killed master's stale VIP would be out of the sampler's sight.
lib_link_cut n1
lib_daemon_stop n1 KILL
lib_wait_vip n2 $VIP 4
took=$(($(lib_now_ms) - t0))
lib_log "n2 holds the VIP $took ms after the kill (flood still on)"
hb_rogue_wait
sleep 0.3
lib_assert_le "takeover ms under the flood" "$took" 1500
lib_assert_eq "n2's transitions" "BACKUP->MASTER" "$(hb_transitions n2)"
lib_assert_running n2
hb_metrics n2
lib_log "n2's drops: $(hb_drop_deltas n2)"
lib_assert_ge "n2's unverified drops (signed, fresh boot, no echo)" \
	"$(hb_drop_delta n2 unverified)" 1

lib_log "--- control: the key holder answering n2's challenge, as n1 with priority 255, makes n2 step down"
lib_log_mark n2
hb_drop_snapshot n2
rx=$(hb_rx n2)
hb_rogue_bg rogue send -i eth0 -s 198.51.100.1 -N n1 -P 255 -S 2 -K "$RK" -k valid -E \
	-r 100 -n 300 -d 3
lib_wait_state n2 BACKUP 2.5
lib_wait_novip n2 $VIP 1
hb_rogue_wait
grep -Eq 'challenges answered: [1-9]' "$LIB_TMP/hbrogue.bg.out" ||
	lib_fail "hbrogue answered no challenge of n2"
hb_metrics n2
lib_assert_ge "n2's heartbeats accepted from the key holder" "$(($(hb_rx n2) - rx))" 1
lib_wait_state n2 MASTER 3     # the key holder went quiet
lib_pass
