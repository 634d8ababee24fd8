#!/bin/bash
# t_mysql_race: both nodes' hamgr start at the same instant, MY_REPS times
# (default 10), on the same two MariaDB servers: P, the primary to be (no
# replication, read-only, `mysql bootstrap` declared its data the newest)
# and R, its replica; a has priority 200, b 100. Three kinds, in turn:
#   - the plain race: a's shorter Master_Down_Interval usually wins, but
#     under load b's may end first, and with preempt = false a then
#     follows b;
#   - VRRP dropped in the bridge until both have become master (as when
#     adverts cross or both timers end together), then let through: b
#     yields;
#   - b released 0.1 s ahead of a: b wins, a follows it.
# The start-up gate must keep the irreversible promote from following the
# loser's momentary mastership:
#   - every repetition ends with exactly one primary (read_only = OFF), the
#     winner; the loser never ran promote; when R won, P's monitor gives P
#     the former-primary mark (it replicates from nobody while R is the
#     writable primary);
#   - read_only of both servers, sampled all along: never OFF on both.
# Between repetitions, as an operator would: if R won, P rejoins it (P
# holds nothing R lacks) and the two swap roles; the loser's hamgr stops
# first, then the winner's (its demote leaves the former-primary mark), and
# `mysql bootstrap` on the new P declares its data the newest again.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/lib_mysql.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft
my_require
reps=${MY_REPS:-10}
# R's newest heartbeat is as old as the last repetition: no refusal for
# that (t_mysql_lagging tests max_lag).
MY_MAX_LAG=300

lib_bridge
lib_node a 198.51.100.1
lib_node b 198.51.100.2
my_server a 198.51.100.1 1
my_server b 198.51.100.2 2
my_primary_setup a
my_replica_setup b a
my_heartbeat_event a b
for n in a b; do
	prio=200
	[ $n = b ] && prio=100
	lib_vrrp_conf $n name=db prio=$prio preempt=false int=100ms extra="$(my_hamgr_extra $n)"
	lib_hamgr_write_conf $n "$LIB_CONF_TEXT" check
done
P=a R=b
my_rs $P bootstrap >/dev/null

# Both servers' read_only, every 50 ms in the background, until the stop
# file: "MS A B".
(
	trap - EXIT
	for ((i = 0; i < 4000; i++)); do
		[ -e "$LIB_TMP/ro.stop" ] && break
		echo "$(lib_now_ms) $(my_sql a 'SELECT @@read_only' 2>/dev/null)" \
			"$(my_sql b 'SELECT @@read_only' 2>/dev/null)" >>"$LIB_TMP/ro"
		sleep 0.05
	done
) &
sampler=$!
LIB_BG+=("$sampler")

other() { [ "$1" = a ] && echo b || echo a; }
took_over() { lib_log_has a 'takeover complete' || lib_log_has b 'takeover complete'; }
wins_a=0 wins_b=0 double=0
for ((k = 1; k <= reps; k++)); do
	rm -f "$LIB_TMP/go.a" "$LIB_TMP/go.b"
	for n in a b; do
		lib_log_mark $n
		echo "=== hamgr start (rep $k) $(date +%T.%N) ===" >>"$LIB_TMP/$n.log"
		# Each waits for its file, then execs hamgr.
		lib_daemon_spawn $n hamgr sh -c 'i=0; while [ ! -e "$0" ] && [ $i -lt 2000 ]; do
			sleep 0.005; i=$((i + 1)); done; shift; exec "$@"' "$LIB_TMP/go.$n" x \
			"$LIB_HAMGR" -d -f "$LIB_TMP/$n.conf"
	done
	kind=$((k % 3))
	blocked=$((kind == 2))
	[ $blocked = 1 ] && lib_vrrp_block
	if [ $kind = 0 ]; then
		: >"$LIB_TMP/go.b"
		sleep 0.1
		: >"$LIB_TMP/go.a"
	else
		: >"$LIB_TMP/go.a"
		: >"$LIB_TMP/go.b"
	fi
	if [ $blocked = 1 ]; then
		lib_wait_state a MASTER 3
		lib_wait_state b MASTER 3
		lib_vrrp_unblock
		double=$((double + 1))
		lib_log "rep $k: both master, VRRP let through"
	fi
	lib_poll 8 took_over || lib_fail "rep $k: no takeover within 8 s"
	W=a
	lib_log_has a 'takeover complete' || W=b
	L=$(other $W)
	lib_wait_state $L BACKUP 3
	sleep 0.5
	lib_log_has $L 'db/db promote: started' && lib_fail "rep $k: $L ran promote ($W won)"
	lib_log "rep $k: $W won ($([ $W = "$P" ] && echo the primary to be || echo the replica)), $L was master" \
		"$(lib_log_since_mark $L | grep -c -- '-> MASTER') time(s), never promoted"
	lib_assert_eq "rep $k: read_only of the winner $W" 0 "$(my_ro $W)"
	lib_assert_eq "rep $k: read_only of the loser $L" 1 "$(my_ro $L)"
	[ $W = a ] && wins_a=$((wins_a + 1))
	[ $W = b ] && wins_b=$((wins_b + 1))
	if [ $W = "$R" ]; then
		# P, a replica of nobody, falls behind the new primary: its
		# monitor marks it, so it is never promoted as it is.
		lib_wait_log "$P" 'mark .*a replica of nobody while .* is the writable primary' 5
	fi
	lib_daemon_stop $L TERM
	if [ $W = "$R" ]; then
		my_rs "$P" rejoin "${MY_ADDR[$R]}" >/dev/null
		[ "$MY_RC" = 0 ] || lib_fail "rep $k: mysql rejoin ${MY_ADDR[$R]} on $P failed: $MY_OUT"
		lib_log "rep $k: $P rejoined $R; they swap roles"
		P=$W R=$L
	fi
	lib_daemon_stop $W TERM
	lib_assert_eq "rep $k: read_only of $W after its hamgr stopped" 1 "$(my_ro $W)"
	my_rs "$P" bootstrap >/dev/null
	[ "$MY_RC" = 0 ] || lib_fail "mysql bootstrap on $P failed: $MY_OUT"
done
: >"$LIB_TMP/ro.stop"
wait "$sampler" 2>/dev/null
samples=$(wc -l <"$LIB_TMP/ro")
lib_assert_ge "samples of both servers' read_only" "$samples" 50
lib_assert_eq "samples with both servers writable" 0 "$(awk '$2 == 0 && $3 == 0' "$LIB_TMP/ro" | wc -l)"
lib_log "$reps starts ($double with both master at first, $((reps / 3)) with b ahead):" \
	"a won $wins_a, b won $wins_b"
lib_pass
