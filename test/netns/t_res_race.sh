#!/bin/bash
# t_res_race: two nodes started at the same instant never both promote an
# irreversible resource (db, before-vips: irreversible by default).
# 12 runs: equal and different priorities, preempt true and false; in
# every third run the nodes cannot hear each other (VRRP and the peer
# announcements dropped in the bridge) until both are MASTER, so both
# certainly are master at once, and the start-up gate must hold. Each run:
# exactly one node promotes db, it is the one that holds the VIP, the other
# never promotes (also not when its own gate would have ended); then both
# stop (the promoter demotes). Over the whole scenario: as many db
# promotes as runs, never two in one run.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft
VIP=198.51.100.50
GATE=1s

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

# promote begin lines of db after line L of the run's resource log
promoters_since() {
	tail -n +$(($1 + 1)) "$RES_LOG" |
		awk '$3 == "db" && $4 == "promote" && $5 == "begin" { print $2 }' | tr '\n' ' ' |
		sed 's/ $//'
}

runs=0 both_master=0
for cfg in "100 100 true" "100 100 false" "150 100 true" "150 100 false"; do
	read -r p1 p2 pre <<<"$cfg"
	for k in 1 2 3; do
		runs=$((runs + 1))
		block=0
		[ "$k" = 3 ] && block=1
		lib_log "---- run $runs: priorities $p1/$p2, preempt $pre, peers blocked at start: $block"
		for n in n1 n2; do
			p=$p1
			[ $n = n2 ] && p=$p2
			lib_vrrp_conf $n prio="$p" preempt="$pre" int=100ms \
				extra="startup-gate = $GATE
$(res_section db before-vips)"
			chk=""
			[ $runs = 1 ] && chk=check
			lib_hamgr_write_conf $n "$LIB_CONF_TEXT" $chk
		done
		base=$(wc -l <"$RES_LOG")
		[ $block = 1 ] && res_block_peers
		res_hamgr_start_together n1 n2
		if [ $block = 1 ]; then
			lib_wait_state n1 MASTER 5
			lib_wait_state n2 MASTER 5
			res_unblock_peers
		fi
		# The winner: whoever promotes; the gate (1 s) passes meanwhile.
		for ((i = 0; i < 300; i++)); do
			[ -n "$(promoters_since "$base")" ] && break
			sleep 0.02
		done
		won=$(promoters_since "$base")
		[ -n "$won" ] || lib_fail "run $runs: nobody promoted db within 6 s"
		[ "$won" = n1 ] || [ "$won" = n2 ] || lib_fail "run $runs: db promoted by '$won'"
		lib_wait_log "$won" 'takeover complete' 5
		lib_wait_holders $VIP "$won" 3
		# Past the other node's own gate too (started at the same time).
		sleep 0.3
		lib_assert_eq "run $runs: db promoted by" "$won" "$(promoters_since "$base")"
		lib_assert_holders $VIP "$won"
		if [ "$p1" != "$p2" ]; then
			lib_assert_eq "run $runs: the higher priority wins" n1 "$won"
		elif [ $block = 1 ]; then
			lib_assert_eq "run $runs: equal priorities, the higher address wins" n2 "$won"
		fi
		if lib_log_has n1 "$(lib_state_re n1 MASTER)" && lib_log_has n2 "$(lib_state_re n2 MASTER)"; then
			both_master=$((both_master + 1))
			lib_log "run $runs: both nodes were MASTER, one promoted"
		fi
		lib_daemon_signal n1
		lib_daemon_signal n2
		lib_daemon_reap n1
		lib_daemon_reap n2
		lib_assert_holders $VIP ""
	done
done
lib_assert_eq "db promotes over $runs runs" $runs "$(res_count_all db promote)"
lib_assert_eq "db demotes over $runs runs" $runs "$(res_count_all db demote)"
lib_assert_ge "runs in which both nodes were MASTER at once" $both_master 4
lib_pass
