#!/bin/bash
# t_backup_lazy: a steady backup reads its master's adverts late, at its
# Master_Down deadline, without hearing any later (issue 11: an idle
# backup wakes about 3 times a second instead of 10).
#   A  n1 (200) masters two instances, IPv4 and IPv6, at 100 ms; n2's two
#      receive sockets become lazy (status vrrp_receive.lazy_sockets), it
#      still reads every advert (adverts_rcvd) but in fewer reads than
#      adverts (batches), no release filter wakes it (release_wakeups),
#      and nothing changes state in 4 s: adverts read late restart
#      Master_Down from when they arrived, not from when they were read.
#      Both nodes read the announcements late too (announcements_read_
#      late), and still get every one (a second per instance) and know
#      each other by name.
#   B  n1 drops web6 (reload), then stops: each sends priority 0, the
#      release filter wakes n2 on that family's socket (release_wakeups
#      grows each time), and n2 takes over after Skew_Time, as it would
#      reading each advert.
#   C  n1 comes back and preempts: n2 is lazy again as a backup.
#   D  n1 dies without a word (SIGKILL, link cut): n2 takes over after
#      Master_Down_Interval from the last advert's arrival.
# The master (n1) reads nothing late: its sockets are never lazy.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "the receive path is hamgr's own"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"

conf() {
	cat <<EOF
instance web {
    interface = "eth0"
    vrid = 51
    priority = $1
    advert-interval = 100ms
    vips = {"198.51.100.50/24"}
}
instance web6 {
    interface = "eth0"
    vrid = 52
    priority = $1
    advert-interval = 100ms
    vips = {"2001:db8:100::50/64"}
}
EOF
}
# status NODE: its status (JSON) in $LIB_TMP/out.
status() {
	QUIET=1 hactl "$1" status --json
	expect_rc 0 "$1 status"
}
rx() { jqo ".vrrp_receive.$1"; }
rcvd() { jqo '[.instances[].counters.adverts_received] | add'; }
hello() { jqo '[.instances[].counters.announcements_received] | add'; }
states() { jqo '[.instances[].state] | join(" ")'; }
# shellcheck disable=SC2317 # called through lib_poll
lazy_is() { status "$1"; [ "$(rx lazy_sockets)" = "$2" ]; }
# shellcheck disable=SC2317 # called through lib_poll
states_are() { status "$1"; [ "$(states)" = "$2" ]; }

lib_bridge
lib_node n1 198.51.100.1 2001:db8:100::1
lib_node n2 198.51.100.2 2001:db8:100::2

lib_log "--- A: n2 follows n1 on two lazy sockets"
lib_hamgr_start n1 "$(conf 200)"
lib_hamgr_start n2 "$(conf 100)"
lib_poll 10 states_are n1 "MASTER MASTER" || lib_fail "n1: $(states)"
lib_poll 10 states_are n2 "BACKUP BACKUP" || lib_fail "n2: $(states)"
# The packet rate is measured over a second before a socket goes lazy.
lib_poll 5 lazy_is n2 2 || lib_fail "n2: lazy sockets $(rx lazy_sockets) of $(rx sockets)"
status n1
lib_assert_eq "n1 (master): lazy sockets" 0 "$(rx lazy_sockets)"
lib_log_mark n2
status n1
h1=$(hello)
status n2
a0=$(rcvd) b0=$(rx batches) h0=$(hello) t0=$(lib_now_ms)
sleep 4
status n1
lib_assert_eq "n1 (steady master): announcements read late" true "$(jqo .announcements_read_late)"
lib_assert_ge "n1: announcements received (one a second from each of n2's)" $(($(hello) - h1)) 6
status n2
a1=$(rcvd) b1=$(rx batches) secs=$((($(lib_now_ms) - t0) / 1000))
lib_assert_eq "n2 (steady backup): announcements read late" true "$(jqo .announcements_read_late)"
lib_assert_ge "n2: announcements received" $(($(hello) - h0)) 6
lib_assert_eq "n2: its master's name, from its announcements" "n1 n1" \
	"$(jqo '[.instances[].master.node] | join(" ")')"
lib_log "n2 in ${secs} s: $((a1 - a0)) adverts in $((b1 - b0)) reads; $(jq -c .vrrp_receive "$LIB_TMP/out")"
# 20 adverts a second arrive; a loaded machine may read a few late.
lib_assert_ge "n2: adverts read" $((a1 - a0)) $((secs * 20 - 10))
# Reading each one as it comes takes a read per advert; late, a read
# each Master_Down_Interval (361 ms) per socket brings three or four.
lib_assert_le "n2: reads (half the adverts at most)" $((b1 - b0)) $(((a1 - a0) / 2))
lib_assert_eq "n2: release wakeups while n1 advertises" 0 "$(rx release_wakeups)"
lib_assert_eq "n2: kernel drops" 0 "$(rx kernel_drops)"
lib_assert_eq "n2: lazy sockets" 2 "$(rx lazy_sockets)"
lib_assert_eq "n2's instances" "BACKUP BACKUP" "$(states)"
lib_assert_nolog n2 ' -> '

lib_log "--- B: n1 releases web6, then web; the filter wakes n2 each time"
lib_log_mark n2
lib_hamgr_reload n1 "$(conf 200 | sed '/^instance web6/,$d')"
lib_poll 5 states_are n2 "BACKUP MASTER" || lib_fail "n2: $(states)"
lib_assert_log n2 'instance web6: BACKUP -> MASTER.*released \(priority 0\)'
status n2
r6=$(rx release_wakeups)
lib_assert_ge "n2: release wakeups (IPv6)" "$r6" 1
lib_assert_eq "n2 (a master now): announcements read late" false "$(jqo .announcements_read_late)"
lib_assert_eq "n2: lazy sockets (IPv4 only)" 1 "$(rx lazy_sockets)"
lib_daemon_stop n1
lib_poll 5 states_are n2 "MASTER MASTER" || lib_fail "n2: $(states)"
lib_assert_log n2 'instance web: BACKUP -> MASTER.*released \(priority 0\)'
status n2
lib_assert_ge "n2: release wakeups (IPv4)" "$(rx release_wakeups)" $((r6 + 1))
lib_assert_eq "n2 (master): lazy sockets" 0 "$(rx lazy_sockets)"

lib_log "--- C: n1 back, preempts; n2 lazy again"
lib_hamgr_start n1 "$(conf 200)"
lib_poll 10 states_are n1 "MASTER MASTER" || lib_fail "n1: $(states)"
lib_poll 10 states_are n2 "BACKUP BACKUP" || lib_fail "n2: $(states)"
lib_poll 5 lazy_is n2 2 || lib_fail "n2: lazy sockets $(rx lazy_sockets)"

lib_log "--- D: n1 dies without a word"
lib_log_mark n2
t0=$(lib_now_ms)
lib_daemon_stop n1 KILL
lib_link_cut n1
lib_poll 5 states_are n2 "MASTER MASTER" || lib_fail "n2: $(states)"
lib_log "n2 MASTER on both $(($(lib_now_ms) - t0)) ms after the kill"
lib_assert_log n2 'instance web: BACKUP -> MASTER.*no advert from'
lib_assert_log n2 'instance web6: BACKUP -> MASTER.*no advert from'
# "no advert from X for N ms": N is Master_Down_Interval (360.9 ms) from
# the last advert's arrival, plus the loop's lateness (generous on a loaded machine).
for ms in $(lib_log_since_mark n2 | grep -Eo 'no advert from [^ ]+ for [0-9]+ ms' | grep -Eo '[0-9]+ ms' | grep -Eo '[0-9]+'); do
	lib_assert_ge "silence before the takeover (ms)" "$ms" 360
	lib_assert_le "silence before the takeover (ms)" "$ms" 2000
done
lib_pass
