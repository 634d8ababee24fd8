#!/bin/bash
# t_mysql_badcreds: a wrong password in b's defaults file (the mysql
# resource's defaults_file and check-mysql's -f) is a clear failure, never
# a promotion:
#   - b's monitor fails with OCF 6 (not configured) and says "access
#     denied, check defaults_file"; b's check-mysql track is CRITICAL with
#     the server's "Access denied" and lowers b's priority;
#   - when a dies (hamgr SIGKILLed, link cut) b's promote is refused at
#     its first query: the VIP never comes up on b, b stays read-only and
#     a replica of a, untouched.
# And the script's own input: validate-all names a bad param (OCF 6) and
# accepts the defaults; meta-data needs no param at all and is OCF XML
# listing every param the script reads (HAMGR_PARAM_*).
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

lib_log "--- the script's params: validate-all, meta-data"
out=$(HAMGR_PARAM_max_lag=soon "$MY_RS" validate-all)
lib_assert_eq "validate-all, max_lag=soon: exit" 6 $?
[[ $out == *"max_lag=soon: expected whole seconds"* ]] || lib_fail "validate-all said: $out"
HAMGR_PARAM_max_lag=5 "$MY_RS" validate-all >/dev/null
lib_assert_eq "validate-all, max_lag=5: exit" 0 $?
"$MY_RS" -p max_lag=bad meta-data >"$LIB_TMP/meta.xml"
lib_assert_eq "meta-data with a bad param: exit" 0 $?
listed=$(python3 -c '
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
assert r.tag == "resource-agent" and r.get("name") == "mysql"
print(" ".join(sorted(p.get("name") for p in r.iter("parameter"))))' "$LIB_TMP/meta.xml") ||
	lib_fail "meta-data is not the XML expected"
read_=$(cat "$MY_RS" "$LIB_ROOT"/resource-scripts/lib/mysql-*.sh | grep -o 'HAMGR_PARAM_[a-z_]*' |
	sed 's/^HAMGR_PARAM_//' | grep -vx -e name -e '' | sort -u | tr '\n' ' ')
lib_assert_eq "meta-data lists what the script reads" "${read_% }" "$listed"

lib_bridge
lib_node a 198.51.100.1
lib_node b 198.51.100.2
my_server a 198.51.100.1 1
my_server b 198.51.100.2 2
my_primary_setup a
my_replica_setup b a
my_heartbeat_event a b
res_addrmon_start b
bd=$(my_dir b)
printf '[client]\nuser = hamgr\npassword = "not-the-password"\n' >"$bd/admin.cnf"

lib_vrrp_start a name=db prio=200 preempt=false int=100ms extra="$(my_hamgr_extra a)"
MY_MONITOR=1s lib_vrrp_start b name=db prio=100 preempt=false int=100ms extra="$(my_hamgr_extra b)"
lib_wait_log a 'takeover complete' 15
lib_wait_holders $VIP a 3
lib_wait_log b 'db/db monitor failed: exit 6 .*access denied, check defaults_file' 5
lib_wait_log b "track replica down.*MYSQL CRITICAL - Access denied for user 'hamgr'@'localhost'" 5
lib_assert_log b 'priority 100 -> 50'
lib_assert_log b 'db/db start failed: exit 6'

lib_log_mark b
lib_daemon_stop a KILL
lib_link_cut a
lib_wait_log b 'db/db promote failed: exit 6 .*access denied' 10
lib_wait_log b 'giving the role up' 5
lib_log "b's promote:"
lib_log_since_mark b | grep -E 'db/db promote|giving' | sed 's/^/    /'
sleep 1
lib_assert_eq "b read_only" 1 "$(my_ro b)"
lib_has_addr b $VIP && lib_fail "b holds the VIP"
grep -F " $VIP/" "$LIB_TMP/b.addrmon" && lib_fail "the VIP came up on b at some point"
lib_log "the VIP never came up on b"
lib_assert_eq "b: still a replica of" 198.51.100.1 "$(my_slave b Master_Host)"
lib_assert_eq "b: SQL thread" Yes "$(my_slave b Slave_SQL_Running)"
lib_assert_nolog b 'stopped the IO thread|read_only = OFF'
lib_pass
