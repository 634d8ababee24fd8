#!/bin/bash
# t_pipeline: the takeover pipeline's order against the kernel's own
# account of the VIP (the resource script looks at the interface at each
# action's begin and end; ip -ts monitor address gives the durations), on a
# real pair:
#   takeover: db promote (before-vips) finished before the VIP appears,
#             web promote (after-vips) starts after it;
#   release (SIGTERM): web demote finished before the VIP goes, db demote
#             after it, and the peer's db promote starts only after the
#             old master's db demote has finished (never two promoted).
# Step durations are printed (the closing note quotes them).
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
res_addrmon_start n1
res_addrmon_start n2

resources() {
	res_section db before-vips sleep_promote=0.3 sleep_demote=0.2
	res_section web after-vips sleep_promote=0.2 sleep_demote=0.3
}
lib_vrrp_start n1 prio=200 int=100ms extra="$(resources)"
lib_vrrp_start n2 prio=100 int=100ms extra="$(resources)"
lib_wait_state n1 MASTER 5
lib_wait_log n1 'takeover complete' 8
lib_wait_holders $VIP n1 2
lib_assert_eq "n2 promotes while n1 holds" 0 "$(res_count n2 db promote)"

# Start: every node started its resources (standby role) first.
lib_assert_eq "n1 db start" 1 "$(res_count n1 db start)"
lib_assert_eq "n2 db start" 1 "$(res_count n2 db start)"

# The order as the node itself saw it (res-log looks at the interface).
lib_assert_eq "n1: VIP absent when db promote ends" 0 "$(res_vip_at n1 db promote end)"
lib_assert_eq "n1: VIP present when web promote begins" 1 "$(res_vip_at n1 web promote begin)"
# The same against ip monitor's clock (printed; may lag under load).
vip_up=$(res_addr_time n1 $VIP add)
lib_log "n1: db promote end -> VIP up (ip monitor): $(((vip_up - $(res_time n1 db promote end)) / 1000)) ms"
lib_log "n1 takeover steps: db promote $((($(res_time n1 db promote end) - $(res_time n1 db promote begin)) / 1000)) ms," \
	"web promote $((($(res_time n1 web promote end) - $(res_time n1 web promote begin)) / 1000)) ms"

# Release by SIGTERM: backwards, and the peer promotes only after n1's
# db demote has finished.
lib_daemon_signal n1 TERM
lib_wait_log n2 'takeover complete' 10
lib_wait_holders $VIP n2 2
lib_daemon_reap n1
lib_assert_eq "n1 exit status after SIGTERM" 0 "$LIB_EXIT"
vip_down=$(res_addr_time n1 $VIP del)
lib_assert_eq "n1: VIP still present when web demote ends" 1 "$(res_vip_at n1 web demote end)"
lib_assert_eq "n1: VIP gone when db demote begins" 0 "$(res_vip_at n1 db demote begin)"
res_assert_before "n1 db demote done -> n2 db promote begins" \
	"$(res_time n1 db demote end)" "$(res_time n2 db promote begin)"
res_assert_before "n1: db demote done -> db stop (shutdown)" \
	"$(res_time n1 db demote end)" "$(res_time n1 db stop begin)"
vip2=$(res_addr_time n2 $VIP add)
lib_assert_eq "n2: VIP absent when db promote ends" 0 "$(res_vip_at n2 db promote end)"
lib_log "outage: VIP gone on n1 to VIP up on n2: $(((vip2 - vip_down) / 1000)) ms"
lib_assert_eq "n1 db promotes" 1 "$(res_count n1 db promote)"
lib_assert_eq "n2 db promotes" 1 "$(res_count n2 db promote)"
lib_pass
