#!/bin/bash
# t_mysql_semisync_stop: the promote of a semi-synchronous replica whose
# primary is cut off does not wait for the IO thread's connection to that
# primary (the one that ends the dump thread there), and its refusal
# leaves replication as it was. The resource script by hand (no hamgr),
# primary a and replica b with lib_mysql.sh's MY_SEMISYNC_CNF, but b's
# rpl_semi_sync_slave_kill_conn_timeout at MariaDB's default, 5 s; a
# writer inserts on a, each attempt bounded by 0.5 s.
#   - for the record: STOP SLAVE IO_THREAD alone, a cut off (about 2 s:
#     MariaDB's STOP signals the thread every 2 s);
#   - a cut off for longer than max_lag (1 s): promote stops the IO thread
#     with KILL first, in less than 500 ms, then refuses (the newest
#     heartbeat is too old); b stays read-only, its IO thread runs again,
#     and once a is back b is its semi-sync replica again;
#   - a cut off again: promote (max_lag 3 s) stops the IO thread in less
#     than 500 ms and makes b writable; every insert a acknowledged is on b.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/lib_mysql.sh"
lib_require_root
my_require
export MY_MAX_LAG=1

lib_bridge
lib_node a 198.51.100.1
lib_node b 198.51.100.2
my_server a 198.51.100.1 1 "$MY_SEMISYNC_CNF"
my_server b 198.51.100.2 2 "$MY_SEMISYNC_CNF"
my_primary_setup a
my_sql b 'SET GLOBAL rpl_semi_sync_slave_kill_conn_timeout = 5' || lib_fail "b: cannot set the kill timeout"
my_replica_setup b a
my_heartbeat_event a b
my_sql a 'SET GLOBAL read_only = OFF' || lib_fail "a: cannot make it writable"

# The writer: ids from 1 up, one insert a connection over a's socket;
# the acknowledged ones in $LIB_TMP/acked.
: >"$LIB_TMP/acked"
(
	id=1
	while [ ! -e "$LIB_TMP/writer.stop" ]; do
		if printf 'INSERT INTO app.t VALUES (%s, @@server_id, UTC_TIMESTAMP(6))\n' $id |
			timeout -k 0.2 0.5 mariadb --socket="$(my_dir a)/sock" >/dev/null 2>&1; then
			echo $id >>"$LIB_TMP/acked"
		fi
		id=$((id + 1))
		sleep 0.01
	done
) &
LIB_BG+=("$!")

semi_on() {
	[ "$(my_sql b "SHOW STATUS LIKE 'Rpl_semi_sync_slave_status'" | cut -f2)" = ON ] &&
		[ "$(my_sql a "SHOW STATUS LIKE 'Rpl_semi_sync_master_clients'" | cut -f2)" = 1 ] &&
		[ "$(my_slave b Slave_IO_Running)" = Yes ]
}
# b's promote output: the duration of its IO thread stop, in ms.
stop_ms() {
	sed -n 's/^promote: stopped the IO thread: KILL .*(\([0-9]*\) ms)$/\1/p' <<<"$MY_OUT"
}

lib_poll 10 semi_on || lib_fail "b is not a semi-sync replica of a"
sleep 1
lib_link_cut a
sleep 0.3
t0=$(lib_now_ms)
my_sql b 'STOP SLAVE IO_THREAD' || lib_fail "b: STOP SLAVE IO_THREAD failed"
lib_log "b: STOP SLAVE IO_THREAD alone, a cut off: $(($(lib_now_ms) - t0)) ms"
lib_link_restore a
my_sql b 'START SLAVE IO_THREAD'
lib_poll 15 semi_on || lib_fail "b is not a semi-sync replica of a again"

# Refused after the stop: the restore path.
lib_link_cut a
sleep 2.5
my_rs b promote
lib_assert_eq "b's promote (heartbeat older than max_lag)" 1 "$MY_RC"
grep -q 'REFUSED: what this replica had received' <<<"$MY_OUT" || lib_fail "b's promote refused, but not for the lag"
grep -q 'replication restarted' <<<"$MY_OUT" || lib_fail "b's refused promote did not restart replication"
ms=$(stop_ms)
[ -n "$ms" ] || lib_fail "b's promote did not stop the IO thread with KILL"
lib_assert_le "b's IO thread stop (ms)" "$ms" 500
lib_assert_eq "b read_only" 1 "$(my_ro b)"
io=$(my_slave b Slave_IO_Running)
case $io in Yes | Connecting) lib_log "b's IO thread after the refusal: $io" ;; *) lib_fail "b's IO thread is not running: '$io'" ;; esac
lib_assert_eq "b replicates from" "${MY_ADDR[a]}" "$(my_slave b Master_Host)"
lib_link_restore a
lib_poll 15 semi_on || lib_fail "b is not a semi-sync replica of a after the refused promote"
my_wait_caught_up b a 10
lib_log "b is a's semi-sync replica again, caught up"

# Promoted: what a acknowledged is on b.
sleep 1
lib_link_cut a
sleep 0.3
MY_MAX_LAG=3 my_rs b promote
lib_assert_eq "b's promote" 0 "$MY_RC"
ms=$(stop_ms)
[ -n "$ms" ] || lib_fail "b's promote did not stop the IO thread with KILL"
lib_assert_le "b's IO thread stop (ms)" "$ms" 500
lib_assert_eq "b read_only" 0 "$(my_ro b)"
: >"$LIB_TMP/writer.stop"
sleep 0.7
my_ids b >"$LIB_TMP/ids.b"
lost=$(comm -23 <(sort "$LIB_TMP/acked") <(sort "$LIB_TMP/ids.b") | wc -l)
lib_log "inserts a acknowledged: $(wc -l <"$LIB_TMP/acked")"
# (enough for the loss check to mean something; a slow VM, where every
# insert's client process takes 40-140 ms to start, gave 33-45)
lib_assert_ge "inserts a acknowledged" "$(wc -l <"$LIB_TMP/acked")" 20
lib_assert_eq "acknowledged inserts missing on b" 0 "$lost"
lib_pass
