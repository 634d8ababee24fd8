#!/bin/bash
# t_announce_rate: the peer announcements keep their period of one a second
# whichever wakeup carries them. While adverts flow an announcement leaves
# with an advert the node sends (master) or reads (backup, and a node in
# FAULT that still hears its master), never in a wakeup of its own; a node
# that neither sends nor hears adverts (FAULT, its master gone) announces
# from its own timer. Each phase counts announcements_sent and
# announcements_received (hactl status --json) over about 6 s on both
# nodes and expects one a second, give or take one: an announcement lost
# or doubled in any second of it would show.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_track.sh
. "$(dirname "$0")/lib_track.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "announcements are hamgr's own"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
WINDOW=6

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

# counter NODE NAME: one of the instance's counters.
counter() {
	QUIET=1 hactl "$1" status --json
	expect_rc 0 "$1 status"
	jqo ".instances[0].counters.$2"
}

# rate WHAT NODE... : announcements sent (and, but for "alone", received)
# by each NODE while $WINDOW seconds or a little more pass: as many as the
# seconds between its two readings, give or take one.
rate() {
	local what=$1 n c secs
	shift
	declare -A s=() r=() t=()
	for n in "$@"; do
		t[$n]=$(lib_now_ms)
		s[$n]=$(counter "$n" announcements_sent)
		r[$n]=$(counter "$n" announcements_received)
	done
	sleep "$WINDOW"
	for n in "$@"; do
		c=$(($(counter "$n" announcements_sent) - s[$n]))
		secs=$((($(lib_now_ms) - t[$n] + 500) / 1000))
		lib_log "$what: $n sent $c announcements in $secs s"
		lib_assert_ge "$what: $n announcements sent" "$c" $((secs - 1))
		lib_assert_le "$what: $n announcements sent" "$c" $((secs + 1))
		[ "$what" = alone ] && continue
		c=$(($(counter "$n" announcements_received) - r[$n]))
		lib_assert_ge "$what: $n announcements received" "$c" $((secs - 1))
		lib_assert_le "$what: $n announcements received" "$c" $((secs + 1))
	done
}

touch "$LIB_TMP/n2.ok"
lib_vrrp_start n1 prio=150
lib_vrrp_start n2 prio=100 extra="$(trk_cmd up 0 "/usr/bin/test -e $LIB_TMP/n2.ok")"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_log n2 'track up up' 5

lib_log "--- master and backup, adverts flowing"
rate pair n1 n2

lib_log "--- n2 in FAULT (its track down), still hearing n1's adverts"
lib_log_mark n2
rm -f "$LIB_TMP/n2.ok"
lib_wait_state n2 FAULT 5
rate fault n1 n2

lib_log "--- n1 gone: n2 in FAULT neither sends nor hears an advert"
lib_hamgr_stop n1 TERM
sleep 1
rate alone n2
lib_assert_no_state n2 MASTER
lib_pass
