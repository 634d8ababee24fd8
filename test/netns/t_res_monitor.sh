#!/bin/bash
# t_res_monitor: monitor-interval 300ms, restart-limit 2 on a pair.
#   healthy: the master's monitor answers 8, the backup's 0, nothing runs;
#   one failed monitor on the master: the resource is restarted (demote,
#   then promote) and stays on n1; healthy again, the count starts over
#   ("failures in a row");
#   a lasting failure (res-log's failfile on n1): restarted twice (the
#   limit), the third failure gives the role up: n1 demotes, n2 takes
#   over and promotes, the VIP moves to n2.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

RES_OPTS='        monitor-interval = 300ms
        restart-limit = 2
        on-fail = "release"'
res() {
	res_section app after-vips "failfile=$LIB_TMP/$1.fail" "failonce=$LIB_TMP/$1.failonce"
}
lib_vrrp_start n1 prio=200 int=100ms extra="$(res n1)"
lib_wait_state n1 MASTER 5
lib_vrrp_start n2 prio=100 int=100ms extra="$(res n2)"
lib_wait_log n1 'takeover complete' 5
lib_wait_holders $VIP n1 3
t0=$(res_time n1 app promote end)
res_wait_rc n1 app monitor 8 "$t0" 2 5
res_wait_rc n2 app monitor 0 "$t0" 2 5
lib_assert_eq "n1 promotes while healthy" 1 "$(res_count n1 app promote)"
lib_assert_eq "n1 demotes while healthy" 0 "$(res_count n1 app demote)"
lib_assert_nolog n1 'failed its monitor'

# One failure: one restart, the role stays.
: >"$LIB_TMP/n1.failonce"
res_wait_count n1 app promote 2 5
lib_assert_eq "n1 demotes after one failed monitor" 1 "$(res_count n1 app demote)"
failed=$(awk '$2 == "n1" && $3 == "app" && $4 == "monitor" && $5 == "end" && $6 == 7 { print $1; exit }' "$RES_LOG")
res_assert_before "n1: failed monitor -> demote" "$failed" "$(res_time n1 app demote begin)"
res_assert_before "n1: demote done -> promote again" "$(res_time n1 app demote end)" \
	"$(res_time_nth n1 app promote begin 2)"
lib_assert_log n1 'resource app failed its monitor on the master \(restart 1 of 2\)'
t1=$(res_time_nth n1 app promote end 2)
res_wait_rc n1 app monitor 8 "$t1" 2 5
lib_assert_holders $VIP n1
lib_assert_eq "n1 promotes after the restart" 2 "$(res_count n1 app promote)"

# A lasting failure: two restarts, then the role goes to n2.
lib_log_mark n1
: >"$LIB_TMP/n1.fail"
lib_wait_log n1 'giving the role up: app failed' 6
lib_wait_log n2 'takeover complete' 5
lib_wait_holders $VIP n2 3
rm -f "$LIB_TMP/n1.fail"
lib_assert_log n1 'failed its monitor on the master \(restart 1 of 2\)'
lib_assert_log n1 'failed its monitor on the master \(restart 2 of 2\)'
lib_assert_log n1 'failed its monitor on the master \(restart limit 2 reached\)'
lib_assert_eq "n1 promotes (1 + 1 + 2 restarts)" 4 "$(res_count n1 app promote)"
lib_assert_eq "n1 demotes (1 + 2 restarts + the release)" 4 "$(res_count n1 app demote)"
# (those that ended before the release's demote: one more may end on n1
# as a backup before the test removes the fail file, on a slow machine)
t_rel=$(res_time_nth n1 app demote begin 4)
lib_assert_eq "n1 failed monitors on the master" 4 \
	"$(awk -v t0="$t0" -v t1="$t_rel" '$2 == "n1" && $3 == "app" && $4 == "monitor" &&
		$5 == "end" && $6 == 7 && $1 >= t0 && $1 < t1' "$RES_LOG" | wc -l)"
res_promoted n1 app && lib_fail "n1 left app promoted"
res_assert_before "n1 last demote done -> n2 promote begins" \
	"$(res_time_nth n1 app demote end 4)" "$(res_time n2 app promote begin)"
lib_assert_eq "n2 promotes" 1 "$(res_count n2 app promote)"
t2=$(res_time n2 app promote end)
res_wait_rc n2 app monitor 8 "$t2" 1 5
lib_assert_eq "n2 demotes" 0 "$(res_count n2 app demote)"
lib_pass
