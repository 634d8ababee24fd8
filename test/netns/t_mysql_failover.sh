#!/bin/bash
# t_mysql_failover: a MariaDB primary on a, an async GTID replica on b, a
# hamgr pair with the mysql resource (before-vips, irreversible) and a
# check-mysql track. A client inserts through the VIP without pause. Then
# a dies: its hamgr is SIGKILLed and its link cut right after (its
# mariadbd goes on, writable and unreachable, as a server that lost its
# network would).
#   - b's promote waits for what it received, checks the heartbeat lag,
#     and makes b writable before the VIP comes up on b;
#   - inserts resume through the VIP on b; once b answers, the client
#     sees no read-only error;
#   - every acknowledged insert that reached b (GTID up to the received
#     position b's promote logged) is on b; those async replication had
#     not shipped are reported (MY_LOST);
#   - a comes back (VIP gone as after a reboot, link up, hamgr started):
#     start leaves it read-only with the former-primary mark, and
#     `mysql rejoin b` refuses it: its event wrote heartbeats b lacks
#     (errant GTIDs) while it was cut off.
# With MY_SEMISYNC=1 (t_mysql_semisync runs it so) both servers use
# semi-synchronous replication with AFTER_SYNC ($MY_SEMISYNC_CNF): a's
# semi-sync must be on before the fault, and no acknowledged insert may
# be lost.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/lib_mysql.sh"
lib_require_root
lib_require_hamgr
my_require
VIP=198.51.100.50
cnf=""
[ "${MY_SEMISYNC:-0}" = 1 ] && cnf=$MY_SEMISYNC_CNF

lib_bridge
lib_node a 198.51.100.1
lib_node b 198.51.100.2
lib_client c 198.51.100.100
my_server a 198.51.100.1 1 "$cnf"
my_server b 198.51.100.2 2 "$cnf"
my_primary_setup a
my_replica_setup b a
my_heartbeat_event a b

lib_vrrp_start a name=db prio=200 preempt=false int=100ms extra="$(my_hamgr_extra a)"
lib_vrrp_start b name=db prio=100 preempt=false int=100ms extra="$(my_hamgr_extra b)"
lib_wait_log a 'takeover complete' 15
lib_wait_holders $VIP a 3
lib_assert_eq "a read_only after its promote" 0 "$(my_ro a)"
lib_assert_eq "b read_only" 1 "$(my_ro b)"

my_client_start c $VIP 1 40
# 50, not more: one insert is one client process, 15 ms here when the
# machine is quiet and 140 ms when it is busy (a loaded VM)
lib_poll 20 my_acks_from 1 50 || lib_fail "the client got fewer than 50 inserts acknowledged by a"
my_wait_caught_up b a 5
if [ "${MY_SEMISYNC:-0}" = 1 ]; then
	lib_assert_eq "a: semi-sync master status" "Rpl_semi_sync_master_status	ON" \
		"$(my_sql a "SHOW STATUS LIKE 'Rpl_semi_sync_master_status'")"
	lib_assert_eq "a: semi-sync replicas" "Rpl_semi_sync_master_clients	1" \
		"$(my_sql a "SHOW STATUS LIKE 'Rpl_semi_sync_master_clients'")"
fi
lib_log "b: $(lib_exec b "$MY_CHECK" -f "$(my_dir b)/admin.cnf" -S "$(my_dir b)/sock" -T hamgr.heartbeat)"

lib_log_mark b
fault=$(lib_now_ms)
lib_daemon_stop a KILL
lib_link_cut a
lib_wait_log b 'takeover complete' 20
lib_wait_vip b $VIP 3
lib_poll 20 my_acks_from 2 50 || lib_fail "fewer than 50 inserts acknowledged by b after the failover"
my_client_stop
lib_log "b's promote:"
lib_log_since_mark b | grep -E 'promote' | sed 's/^/    /'
my_check_failover a b "$fault"
lib_assert_log b 'received lag|newest heartbeat'
lib_assert_nolog b 'REFUSED'
[ "${MY_SEMISYNC:-0}" = 1 ] && lib_assert_eq "acknowledged inserts lost with semi-sync" 0 "$MY_LOST"

# a comes back: the VIP is gone (as after a reboot), its link is up, its
# hamgr starts and finds b master.
ip -n "$(lib_ns a)" addr del $VIP/24 dev eth0 2>/dev/null
lib_link_restore a
lib_vrrp_start a name=db prio=200 preempt=false int=100ms extra="$(my_hamgr_extra a)"
lib_wait_state a BACKUP 5
lib_wait_log a 'db start: (ok|.*exit 0)|start: read-only' 10
lib_assert_eq "a read_only after start" 1 "$(my_ro a)"
grep -q '^former-primary' "$(my_dir a)/hamgr.state" || lib_fail "a has no former-primary mark"
lib_log "a's mark: $(cat "$(my_dir a)/hamgr.state")"
lib_assert_holders $VIP b

# (a's neighbour entry for b may still be failed from the cut)
reach_b() { lib_exec a timeout 1 bash -c 'exec 3<>/dev/tcp/198.51.100.2/3306' 2>/dev/null; }
lib_poll 5 reach_b || lib_fail "a cannot reach b's server after its link came back"
my_rs a rejoin 198.51.100.2
lib_assert_eq "mysql rejoin on a (errant GTIDs)" 1 "$MY_RC"
grep -q 'errant' <<<"$MY_OUT" || lib_fail "rejoin refused, but not for errant transactions"
lib_assert_eq "a read_only after the refused rejoin" 1 "$(my_ro a)"
lib_assert_eq "a replicates from nobody" "" "$(my_sql a 'SHOW SLAVE STATUS')"
lib_assert_eq "b read_only" 0 "$(my_ro b)"
lib_pass
