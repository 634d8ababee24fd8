#!/bin/bash
# t_instances_many: 255 instances on one interface, two nodes (issue 11).
#   A  the config, written here (one section per VRID 1..255, one VIP
#      each: 250 IPv4 instances, then 5 IPv6 ones), passes hamgr -t.
#   B  n1 (200) and n2 (100) run all 255 at 100 ms: every instance
#      elects one master, n1, which holds all 255 VIPs and n2 none, and
#      it stays so (no transition for 2 s).
#   C  the shared receive path on n2 (the backup, 2,550 adverts/s): its
#      counters move (status --json vrrp_receive, hamgr_rx_* metrics),
#      two sockets (IPv4, IPv6), no read error, no kernel drop.
#   D  n1 dies (link cut, SIGKILL): every instance fails over to n2;
#      the time until all 255 VIPs are up there is logged, against a
#      generous bound.
# VIPs are counted with one `ip -o addr` per namespace.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
# shellcheck source=test/netns/lib_metrics.sh
. "$(dirname "$0")/lib_metrics.sh"

N=255 N4=250
# VIP of instance K: 198.51.100.(3+K)/24 for the first 250, then
# 2001:db8:100::5:K/64 (IPv6 instances).
vip() {
	if [ "$1" -le $N4 ]; then echo "198.51.100.$((3 + $1))/24"
	else echo "2001:db8:100::5:$1/64"; fi
}
conf() {
	local k
	for ((k = 1; k <= N; k++)); do
		printf 'instance i%d {\n  interface = "eth0"\n  vrid = %d\n' "$k" "$k"
		printf '  priority = %d\n  advert-interval = 100ms\n  vips = {"%s"}\n}\n' \
			"$1" "$(vip "$k")"
	done
}
for ((k = 1; k <= N; k++)); do vip $k; done >"$LIB_TMP/vips.list"
# How many of the VIPs NODE holds: one dump of its addresses.
held() {
	ip -n "$LIB_PREFIX$1" -o addr show dev eth0 2>/dev/null |
		awk '{ print $4 }' | grep -cxFf "$LIB_TMP/vips.list"
}
# shellcheck disable=SC2317 # called through lib_poll
held_is() { [ "$(held "$1")" = "$2" ]; }
# "STATE COUNT, ..." of NODE's instances, from one status.
states() {
	QUIET=1 hactl "$1" status --json
	[ "$RC" = 0 ] || { echo "status failed: $(cat "$LIB_TMP/err")"; return; }
	jqo '[.instances[].state] | group_by(.) | map("\(.[0]) \(length)") | join(", ")'
}
# shellcheck disable=SC2317 # called through lib_poll
states_are() { [ "$(states "$1")" = "$2" ]; }
# Transitions into STATE in NODE's log since the mark.
count_state() { lib_log_since_mark "$1" | grep -c -- " -> $2 "; }
# A number of n2's vrrp_receive object, from the last status.
rx() { jqo ".vrrp_receive.$1"; }

lib_bridge
lib_node n1 198.51.100.1 2001:db8:100::1
lib_node n2 198.51.100.2 2001:db8:100::2

lib_log "--- A: hamgr -t with $N instances"
conf 200 >"$LIB_TMP/t.conf"
"$LIB_HAMGR" -t -f "$LIB_TMP/t.conf" >"$LIB_TMP/t.out" 2>&1 ||
	{ cat "$LIB_TMP/t.out"; lib_fail "hamgr -t refused $N instances"; }
grep -q "configuration OK ($N instance(s))" "$LIB_TMP/t.out" ||
	lib_fail "hamgr -t: $(cat "$LIB_TMP/t.out")"
lib_log "hamgr -t: $(cat "$LIB_TMP/t.out")"

lib_log "--- B: n1 (200) and n2 (100), $N instances each at 100 ms"
t0=$(lib_now_ms)
lib_hamgr_start n1 "$(conf 200)"
lib_hamgr_start n2 "$(conf 100)"
lib_poll 30 held_is n1 $N || lib_fail "n1 holds $(held n1) of $N VIPs after 30 s"
lib_log "n1 holds all $N VIPs $(($(lib_now_ms) - t0)) ms after the start"
lib_poll 10 states_are n1 "MASTER $N" || lib_fail "n1's instances: $(states n1)"
lib_poll 10 states_are n2 "BACKUP $N" || lib_fail "n2's instances: $(states n2)"
lib_log "settled $(($(lib_now_ms) - t0)) ms after the start (n2 went MASTER $(count_state n2 MASTER) times on the way)"
lib_assert_eq "VIPs on n2" 0 "$(held n2)"
lib_log_mark n1
lib_log_mark n2
sleep 2
lib_assert_eq "n1's instances after 2 s" "MASTER $N" "$(states n1)"
lib_assert_eq "n2's instances after 2 s" "BACKUP $N" "$(states n2)"
lib_assert_eq "n1: transitions in 2 s" 0 "$(lib_log_since_mark n1 | grep -c -- ' -> ')"
lib_assert_eq "n2: transitions in 2 s" 0 "$(lib_log_since_mark n2 | grep -c -- ' -> ')"
lib_assert_nolog n2 'dropped advert'
lib_assert_eq "VIPs on n1 after 2 s" $N "$(held n1)"
lib_assert_eq "VIPs on n2 after 2 s" 0 "$(held n2)"

lib_log "--- C: n2's receive path"
QUIET=1 hactl n2 status --json
expect_rc 0 "n2 status"
p0=$(rx packets) b0=$(rx batches)
sleep 1
QUIET=1 hactl n2 status --json
p1=$(rx packets) b1=$(rx batches)
lib_log "n2 vrrp_receive: $(jq -c .vrrp_receive "$LIB_TMP/out")"
# 2,550 adverts/s arrive; a loaded machine may read fewer in the second.
lib_assert_ge "n2: packets read in 1 s" $((p1 - p0)) 1000
lib_assert_ge "n2: batches in 1 s" $((b1 - b0)) 1
lib_assert_le "n2: batches in 1 s (at most one a packet)" $((b1 - b0)) $((p1 - p0))
lib_assert_ge "n2: packets_per_batch" "$(rx packets_per_batch)" 1
lib_assert_eq "n2: receive sockets (IPv4, IPv6)" 2 "$(rx sockets)"
lib_assert_eq "n2: read errors" 0 "$(rx read_errors)"
lib_assert_eq "n2: kernel drops" 0 "$(rx kernel_drops)"
lib_assert_eq "n2: adverts for a VRID nobody has" 0 "$(rx other_vrid)"
QUIET=1 hactl n2 metrics
expect_rc 0 "n2 metrics"
cp "$LIB_TMP/out" "$LIB_TMP/metrics"
check_exposition "$LIB_TMP/metrics"
lib_assert_ge "n2 metrics: hamgr_rx_packets_total" "$(metric hamgr_rx_packets_total)" "$p1"
lib_assert_ge "n2 metrics: hamgr_rx_batches_total" "$(metric hamgr_rx_batches_total)" "$b1"
lib_assert_eq "n2 metrics: hamgr_rx_sockets" 2 "$(metric hamgr_rx_sockets)"
lib_assert_eq "n2 metrics: hamgr_rx_kernel_drops_total" 0 "$(metric hamgr_rx_kernel_drops_total)"
lib_assert_eq "n2 metrics: rx families" 10 "$(grep -c '^# TYPE hamgr_rx_' "$LIB_TMP/metrics")"
# Read late (vrrp_rx_lazy): the IPv6 socket, whose 5 backups take 50
# adverts a second, not the IPv4 one, shared by 250.
lib_assert_eq "n2 metrics: hamgr_rx_lazy_sockets" 1 "$(metric hamgr_rx_lazy_sockets)"

lib_log "--- D: n1 dies (link cut, SIGKILL): all $N fail over to n2"
lib_log_mark n2
t0=$(lib_now_ms)
lib_link_cut n1
lib_daemon_signal n1 KILL
lib_poll 30 held_is n2 $N || lib_fail "n2 holds $(held n2) of $N VIPs 30 s after the kill"
took=$(($(lib_now_ms) - t0))
lib_log "n2 holds all $N VIPs $took ms after the kill (Master_Down_Interval 361 ms)"
lib_daemon_reap n1
lib_poll 5 states_are n2 "MASTER $N" || lib_fail "n2's instances: $(states n2)"
lib_assert_eq "n2: takeovers on master down" $N \
	"$(lib_log_since_mark n2 | grep -Ec 'BACKUP -> MASTER \(master_down timer expired')"
# 100 ms adverts: 361 ms to notice; the rest is 255 VIP steps and their
# announcements on a shared 2-CPU machine. Generous on purpose.
lib_assert_le "ms until all $N VIPs are up on n2" $took 15000
lib_daemon_stop n2 TERM
lib_assert_eq "VIPs left on n2 after SIGTERM" 0 "$(held n2)"
lib_pass
