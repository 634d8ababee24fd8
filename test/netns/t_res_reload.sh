#!/bin/bash
# t_res_reload: a reload that changes an instance's resources restarts the
# instance, and the old one releases in full (demote, stop) before the
# new one starts its resources and takes over: never two of the same
# resource promoted on one node. A reload that changes nothing of the
# resources keeps the instance (no demote at all), and so does one that
# changes only a resource's policy (timeout, monitor-interval,
# restart-limit, restart-window): it applies in place, the monitors start,
# change pace and stop as the reloads say.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
res_addrmon_start n1

lib_vrrp_start n1 prio=200 int=100ms extra="$(res_section db before-vips sleep_demote=0.3)"
lib_wait_log n1 'takeover complete' 8
lib_wait_holders $VIP n1 2

# Unchanged resources (a VIP added): reconfigured in place.
lib_log_mark n1
lib_vrrp_reload n1 prio=200 int=100ms vips="198.51.100.50/24 198.51.100.51/24" \
	extra="$(res_section db before-vips sleep_demote=0.3)"
lib_wait_vip n1 198.51.100.51 3
lib_assert_eq "demotes after an in-place reload" 0 "$(res_count n1 db demote)"

# Only the policy changed: in place, no demote; monitors every 300 ms.
lib_log "--- a reload that only changes db's policy"
lib_log_mark n1
RES_OPTS="        timeout = 20s
        monitor-interval = 300ms
        restart-limit = 5
        restart-window = 60s" lib_vrrp_reload n1 prio=200 int=100ms \
	vips="198.51.100.50/24 198.51.100.51/24" extra="$(RES_OPTS="        timeout = 20s
        monitor-interval = 300ms
        restart-limit = 5
        restart-window = 60s" res_section db before-vips sleep_demote=0.3)"
lib_wait_log n1 'resource db: timeouts, on-fail, monitor and restart policy as reloaded, in place' 3
m0=$(res_count n1 db monitor)
sleep 2
m1=$(res_count n1 db monitor)
lib_log "monitors in 2 s at 300 ms: $((m1 - m0))"
lib_assert_ge "monitors in 2 s at 300 ms" $((m1 - m0)) 4
lib_assert_eq "demotes after a policy reload" 0 "$(res_count n1 db demote)"
lib_assert_nolog n1 'restarting it'
lib_has_addr n1 $VIP || lib_fail "n1 lost the VIP on a policy reload"
# hactl shows the new limit and window.
"$LIB_BUILD/hactl" -s "$LIB_TMP/n1.sock" status --json >"$LIB_TMP/status" 2>&1
lib_assert_eq "hactl: db's restart limit and window" "5 60000" \
	"$(jq -r '.instances[0].resources[0] | "\(.restart_limit) \(.restart_window_ms)"' "$LIB_TMP/status")"
# And back without a monitor: they stop.
lib_log_mark n1
lib_vrrp_reload n1 prio=200 int=100ms vips="198.51.100.50/24 198.51.100.51/24" \
	extra="$(res_section db before-vips sleep_demote=0.3)"
lib_wait_log n1 'resource db: timeouts, on-fail, monitor and restart policy as reloaded, in place' 3
sleep 0.5
m0=$(res_count n1 db monitor)
sleep 1.5
lib_assert_eq "monitors once monitor-interval is gone" "$m0" "$(res_count n1 db monitor)"
lib_assert_eq "demotes after the second policy reload" 0 "$(res_count n1 db demote)"

# Changed resource: restarted, the old one released first.
lib_log_mark n1
lib_vrrp_reload n1 prio=200 int=100ms extra="$(res_section db before-vips sleep_promote=0.1)"
lib_wait_log n1 'resource db changed: restarting it' 3
lib_wait_log n1 'takeover complete' 10
lib_wait_holders $VIP n1 2
res_assert_before "old db demote done -> old db stop" \
	"$(res_time n1 db demote end)" "$(res_time n1 db stop begin)"
second_start=$(awk '$2 == "n1" && $3 == "db" && $4 == "start" && $5 == "begin" { t = $1 } END { print t }' "$RES_LOG")
res_assert_before "old db stop done -> new db start" "$(res_time n1 db stop end)" "$second_start"
lib_assert_eq "db promotes in all" 2 "$(res_count n1 db promote)"
lib_assert_eq "db demotes in all" 1 "$(res_count n1 db demote)"
lib_pass
