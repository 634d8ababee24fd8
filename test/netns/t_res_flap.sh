#!/bin/bash
# t_res_flap: a flapping resource is given up with restart-window.
#   monitor-interval 300ms, restart-limit 2, restart-window 30s on a pair:
#   n1's resource fails one monitor at a time, and answers healthy
#   between the failures (what t_res_monitor's first failure shows to
#   start the count again without a window). Here the count goes on:
#   restart 1 of 2, healthy, restart 2 of 2, healthy (hactl status says
#   "restarted 2 of 2, each failure within 30s of the last"), and the third
#   failure gives the role up: n1 demotes, n2 promotes, the VIP moves.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

RES_OPTS='        monitor-interval = 300ms
        restart-limit = 2
        restart-window = 30s'
res() {
	res_section app after-vips "failonce=$LIB_TMP/$1.failonce"
}
lib_vrrp_start n1 prio=200 int=100ms extra="$(res n1)"
lib_wait_state n1 MASTER 5
lib_vrrp_start n2 prio=100 int=100ms extra="$(res n2)"
lib_wait_log n1 'takeover complete' 5
lib_wait_holders $VIP n1 3
t0=$(res_time n1 app promote end)
res_wait_rc n1 app monitor 8 "$t0" 1 5

# One failed monitor, then a healthy one after the restart: twice.
for k in 1 2; do
	: >"$LIB_TMP/n1.failonce"
	res_wait_count n1 app promote $((k + 1)) 5
	lib_wait_log n1 "failed its monitor on the master \\(restart $k of 2\\)" 2
	tk=$(res_time_nth n1 app promote end $((k + 1)))
	res_wait_rc n1 app monitor 8 "$tk" 1 5
	lib_assert_holders $VIP n1
done
hactl n1 status
expect_rc 0 "hactl status"
grep -q 'restarted 2 of 2, each failure within 30s of the last' "$LIB_TMP/out" ||
	lib_fail "hactl status does not show the restarts that count"
QUIET=1 hactl n1 status --json
lib_assert_eq "status json: restarts" 2 "$(jqo '.instances[0].resources[0].restarts')"
lib_assert_eq "status json: restart_window_ms" 30000 \
	"$(jqo '.instances[0].resources[0].restart_window_ms')"

# The third, healthy monitors between or not: the limit, the role moves.
: >"$LIB_TMP/n1.failonce"
lib_wait_log n1 'failed its monitor on the master \(restart limit 2 reached\)' 5
lib_wait_log n1 'giving the role up: app failed' 3
lib_wait_log n2 'takeover complete' 5
lib_wait_holders $VIP n2 3
lib_assert_eq "n1 promotes (1 + 2 restarts)" 3 "$(res_count n1 app promote)"
lib_assert_eq "n1 demotes (2 restarts + the release)" 3 "$(res_count n1 app demote)"
res_promoted n1 app && lib_fail "n1 left app promoted"
lib_assert_eq "n2 promotes" 1 "$(res_count n2 app promote)"
t2=$(res_time n2 app promote end)
res_wait_rc n2 app monitor 8 "$t2" 1 5
lib_pass
