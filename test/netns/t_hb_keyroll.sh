#!/bin/bash
# t_hb_keyroll: a key rollover on a live protocol "hamgr" pair (20 ms, n1
# 200 master, n2 100): n1 starts with keys {1, 2 send}, n2 with {2}; then,
# one node at a time, the rollover auth-key-file documents (add the new
# key everywhere, move "send" to it everywhere, remove the old one):
#   n2 {2 send, 3}; n1 {2 send, 3}; n1 {2, 3 send}; n2 {2, 3 send};
#   n1 {3}; n2 {3}
# each by SIGHUP (HB_REKEY=hup) or, when the daemon does not re-read its
# key file on SIGHUP (found out at the first step by a heartbeat signed
# with key 3), by a restart. The pair never loses its master (one holder
# throughout), and no heartbeat of the pair is dropped for its key or tag.
# A reload with a key file readable by others is refused and the keys in
# force stay.
# A reload that stalls the master's event loop for longer than
# Master_Down_Interval shows as n2's BACKUP->MASTER after a SIGHUP of n1
# (seen at 10 ms with main 03b7b26: instance_reconfigure reopened the
# AF_PACKET conflict listener on every reload, ~25 ms of close + bind;
# fixed in 0642d71). 20 ms (72 ms for n2) leaves room for this VM's own
# pauses of up to ~40 ms, seen once in a full check at 10 ms.
# Then two nodes that share no key with the pair start beside it, n3 with
# the retired key 1, n4 with another key under id 3: each is counted by
# the pair under reason key (n3) and mac (n4), the pair logs it (bounded),
# and neither is obeyed (no transition on n1 or n2, although n3 and n4
# claim MASTER with priority 250).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "protocol hamgr is hamgr's own"
# shellcheck source=test/netns/lib_hb.sh
. "$(dirname "$0")/lib_hb.sh"
hb_require
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client rogue 198.51.100.66
K1=$(hb_genkey 1)
K2=$(hb_genkey 2)
K3=$(hb_genkey 3)
hb_keys n1 "$K1" "$K2 send"
hb_keys n2 "$K2"
hb_keys rogue "$K3"

# After a step: both still count each other's heartbeats, nothing dropped
# for key or mac since the snapshot, n1 still the one master.
check_step() {
	local what=$1 n rx
	for n in n1 n2; do
		hb_metrics $n
		rx=$(hb_rx $n)
		lib_poll 3 hb_rx_above $n "$rx" || lib_fail "$what: $n accepts no heartbeat of its peer any more"
		lib_assert_running $n
		lib_assert_eq "$what: $n's key drops" 0 "$(hb_drop_delta $n key)"
		lib_assert_eq "$what: $n's mac drops" 0 "$(hb_drop_delta $n mac)"
		if [ "$HB_REKEY" = hup ] && [ -n "$(hb_transitions $n)" ]; then
			lib_log "$what: a transition; the reloads and timers around it:"
			lib_log_since_mark n1 | grep -E 'SIGHUP|reloaded|master_down|preempt' | sed 's/^/    n1: /'
			lib_log_since_mark n2 | grep -E 'SIGHUP|reloaded|master_down|preempt' | sed 's/^/    n2: /'
			lib_assert_eq "$what: $n's transitions" "" "$(hb_transitions $n)"
		fi
	done
	[ "$HB_REKEY" = hup ] && lib_assert_holders $VIP n1
	lib_log "$what: the pair still talks, nothing dropped for key or tag"
}

hb_start n1 prio=200 int=20ms
lib_wait_state n1 MASTER 5
hb_start n2 prio=100 int=20ms
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_poll 3 hb_rx_above n2 20 || lib_fail "n2 accepts no heartbeats of n1 (key 2)"
lib_poll 3 hb_rx_above n1 0 || lib_fail "n1 accepts no heartbeats of n2 (key 2)"

lib_log "--- rollover 1 -> 2 -> 3, one node at a time"
lib_log_mark n1
lib_log_mark n2
lib_sampler_start $VIP 90
hb_rekey n2 "$K2 send" "$K3"
sleep 0.5
# Did n2 take key 3? A harmless heartbeat (BACKUP, priority 1) signed with
# it: a daemon that knows key 3 refuses it later (unverified), one that
# does not, for its key.
hb_drop_snapshot n2
hb_rogue rogue send -i eth0 -s 198.51.100.1 -N n1 -P 1 -S 1 -K "$LIB_TMP/rogue.authkey" \
	-k valid -r 100 -n 20 -d 1 -q
sleep 0.2
hb_metrics n2
if [ "$(hb_drop_delta n2 key)" -gt 0 ]; then
	lib_log "NOTE: SIGHUP did not make n2 re-read its key file (key 3 unknown: $(hb_drop_deltas n2)); restarting nodes instead"
	HB_REKEY=restart
	lib_hamgr_stop n2
	hb_restart n2
	lib_wait_state n2 BACKUP 5
else
	lib_log "n2 re-read its key file on SIGHUP (a key-3 heartbeat: $(hb_drop_deltas n2))"
fi
sleep 0.5
for n in n1 n2; do
	lib_log_mark $n
	hb_drop_snapshot $n
done
check_step "n2 {2 send, 3}"
hb_rekey n1 "$K2 send" "$K3"
sleep 1
check_step "n1 {2 send, 3}"
hb_rekey n1 "$K2" "$K3 send"
sleep 1
check_step "n1 {2, 3 send}"
hb_rekey n2 "$K2" "$K3 send"
sleep 1
check_step "n2 {2, 3 send}"
hb_rekey n1 "$K3"
sleep 1
check_step "n1 {3}"
hb_rekey n2 "$K3"
sleep 1
check_step "n2 {3}"
if [ "$HB_REKEY" = hup ]; then
	# A key file the daemon must refuse (readable by others): the reload
	# is refused as a whole and the keys in force stay.
	lib_log_mark n2
	hb_keys n2 "$K3"
	chmod 644 "$LIB_TMP/n2.authkey"
	lib_hamgr_reload n2 "${HB_TEXT[n2]}" nocheck
	lib_wait_log n2 'reload refused.*auth-key-file' 3
	sleep 0.5
	check_step "n2 reload with a key file readable by others"
	chmod 600 "$LIB_TMP/n2.authkey"
fi
lib_wait_holders $VIP n1 5     # restarts: n1 (200, preempt) takes it back
if [ "$HB_REKEY" = hup ]; then
	lib_sampler_check none_ok=0
	lib_assert_eq "holders during the rollover" n1 "$LIB_SAMPLED_HOLDERS"
else
	lib_sampler_check
fi

lib_log "--- n3 (the retired key 1) and n4 (another key under id 3) start beside the pair"
lib_node n3 198.51.100.3
lib_node n4 198.51.100.4
hb_keys n3 "$K1"
hb_keys n4 "$(hb_genkey 3)"
for n in n1 n2; do
	lib_log_mark $n
	hb_drop_snapshot $n
done
lib_sampler_start $VIP 20
hb_start n3 prio=250 int=20ms vips=198.51.100.63/24
hb_start n4 prio=250 int=20ms vips=198.51.100.64/24
lib_wait_state n3 MASTER 5      # it hears nobody it can trust
lib_wait_state n4 MASTER 5
sleep 2
lib_sampler_check none_ok=0
lib_assert_eq "holders of $VIP beside n3 and n4" n1 "$LIB_SAMPLED_HOLDERS"
for n in n1 n2; do
	lib_assert_eq "$n's transitions (n3 and n4 not obeyed)" "" "$(hb_transitions $n)"
	hb_metrics $n
	lib_log "$n's drops: $(hb_drop_deltas $n)"
	lib_assert_ge "$n's drops for an unknown key id (n3)" "$(hb_drop_delta $n key)" 10
	lib_assert_ge "$n's drops for a wrong tag (n4)" "$(hb_drop_delta $n mac)" 10
	lines=$(lib_log_since_mark $n | wc -l)
	lib_log "$n logged $lines lines; those about keys:"
	lib_log_since_mark $n | grep -Ei 'key|mac|auth' | head -n 4 | sed 's/^/    /'
	lib_assert_log $n '[Kk]ey'
	lib_assert_le "$n's log lines in 2 s of n3 and n4 (rate-limited)" "$lines" 100
done
lib_assert_running n3
lib_assert_running n4
lib_pass
