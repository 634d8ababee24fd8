#!/bin/bash
# t_mysql_lagging: a replica that stopped receiving is never promoted.
# Primary a, replica b as in t_mysql_failover; the operator stops b's IO
# thread (STOP SLAVE IO_THREAD) while inserts go on on a, for longer than
# max_lag (3 s). b's check-mysql track goes down (IO thread not running).
# Then a dies (hamgr SIGKILLed, link cut):
#   - b becomes master, its promote refuses: the newest heartbeat it holds
#     is older than max_lag;
#   - b gives the role up: the VIP never comes up on b (ip monitor), b's
#     read_only stays ON, its replication is left as the operator left it
#     (IO thread stopped, SQL thread running, still a replica of a);
#   - b's log and `hactl log` say why.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/lib_mysql.sh"
lib_require_root
lib_require_hamgr
my_require
VIP=198.51.100.50
HACTL=$LIB_BUILD/hactl
[ -x "$HACTL" ] || lib_skip "$HACTL not built (make build/hactl)"

lib_bridge
lib_node a 198.51.100.1
lib_node b 198.51.100.2
lib_client c 198.51.100.100
my_server a 198.51.100.1 1
my_server b 198.51.100.2 2
my_primary_setup a
my_replica_setup b a
my_heartbeat_event a b
res_addrmon_start b

lib_vrrp_start a name=db prio=200 preempt=false int=100ms extra="$(my_hamgr_extra a)"
lib_vrrp_start b name=db prio=100 preempt=false int=100ms extra="$(my_hamgr_extra b)"
lib_wait_log a 'takeover complete' 15
lib_wait_holders $VIP a 3

my_client_start c $VIP 1 30
lib_poll 10 my_acks_from 1 50 || lib_fail "the client got fewer than 50 inserts acknowledged by a"
# (down at first: no heartbeat before a's promote)
lib_wait_log b 'track replica up' 8
my_sql b 'STOP SLAVE IO_THREAD' || lib_fail "b: STOP SLAVE IO_THREAD failed"
lib_log "b: IO thread stopped at $(my_val b 'SELECT @@gtid_slave_pos'), inserts go on on a"
lib_log_mark b
lib_wait_log b 'track replica down' 6
sleep 3.5
my_client_stop
lib_log "a is at $(my_val a 'SELECT @@gtid_binlog_pos'), b received $(my_slave b Gtid_IO_Pos)"

lib_daemon_stop a KILL
lib_link_cut a
lib_wait_log b 'promote: REFUSED' 10
lib_wait_log b 'giving the role up' 5
lib_log "b's promote:"
lib_log_since_mark b | grep -E 'db/db promote|giving' | sed 's/^/    /'
lib_assert_log b 'REFUSED: what this replica had received was [0-9.]+ s old .*max_lag 3 s'
# The role is given up with priority 0 for the hold-off: watch a while.
sleep 2
lib_assert_eq "b read_only" 1 "$(my_ro b)"
lib_has_addr b $VIP && lib_fail "b holds the VIP"
grep -F " $VIP/" "$LIB_TMP/b.addrmon" && lib_fail "the VIP came up on b at some point"
lib_log "the VIP never came up on b"
lib_assert_eq "b: still a replica of" 198.51.100.1 "$(my_slave b Master_Host)"
lib_assert_eq "b: IO thread (as the operator left it)" No "$(my_slave b Slave_IO_Running)"
lib_assert_eq "b: SQL thread" Yes "$(my_slave b Slave_SQL_Running)"
log=$("$HACTL" -s "$LIB_TMP/b.sock" log 2>&1)
grep -q 'REFUSED' <<<"$log" || { echo "$log"; lib_fail "hactl log does not say why"; }
lib_log "hactl log: $(grep -m 1 'REFUSED' <<<"$log" | cut -c1-160)"
"$HACTL" -s "$LIB_TMP/b.sock" status 2>&1 | sed 's/^/    /'
lib_pass
