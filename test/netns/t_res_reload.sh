#!/bin/bash
# t_res_reload: a reload that changes an instance's resources restarts the
# instance, and the old one releases in full (demote, stop) before the
# new one starts its resources and takes over: never two of the same
# resource promoted on one node. A reload that changes nothing of the
# resources keeps the instance (no demote at all).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
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

# Changed resource: restarted, the old one released first.
lib_log_mark n1
lib_vrrp_reload n1 prio=200 int=100ms extra="$(res_section db before-vips sleep_promote=0.1)"
lib_wait_log n1 'restarting it' 3
lib_wait_log n1 'takeover complete' 10
lib_wait_holders $VIP n1 2
res_assert_before "old db demote done -> old db stop" \
	"$(res_time n1 db demote end)" "$(res_time n1 db stop begin)"
second_start=$(awk '$2 == "n1" && $3 == "db" && $4 == "start" && $5 == "begin" { t = $1 } END { print t }' "$RES_LOG")
res_assert_before "old db stop done -> new db start" "$(res_time n1 db stop end)" "$second_start"
lib_assert_eq "db promotes in all" 2 "$(res_count n1 db promote)"
lib_assert_eq "db demotes in all" 1 "$(res_count n1 db demote)"
lib_pass
