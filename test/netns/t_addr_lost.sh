#!/bin/bash
# t_addr_lost: one node, 24 instances on one interface (VRIDs 1..24, an
# IPv4 and an IPv6 VIP each), all MASTER. Presence is read with one
# address dump per interface for all instances (vipset.c), and each
# instance's answer must still be its own:
#   A  the address watch overflows: hamgr stopped (SIGSTOP), 2,000 foreign
#      addresses added to eth0, then the IPv4 VIP of i5 and the IPv6 VIP of
#      i17 removed, hamgr continued. Those two removals are lost with the
#      rest of the notifications; hamgr logs the loss, checks every holding
#      instance, adds exactly those two back, and no other instance
#      reports anything.
#   B  status: all 48 VIPs present; then i9's IPv4 VIP removed more often
#      than hamgr adds it back (5 times in 10 s), so it stays away: status
#      calls that one VIP absent, in i9, and every other present.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"

N=24
v4() { echo "198.51.100.$((100 + $1))"; }
v6() { echo "2001:db8:100::10:$1"; }
conf() {
	local k
	for ((k = 1; k <= N; k++)); do
		printf 'instance i%d {\n  interface = "eth0"\n  vrid = %d\n  priority = 200\n' "$k" "$k"
		printf '  advert-interval = 100ms\n  vips = {"%s/24", "%s/64"}\n}\n' "$(v4 "$k")" "$(v6 "$k")"
	done
}
# How many of the 2N VIPs n1 holds.
held() {
	ip -n "${LIB_PREFIX}n1" -o addr show dev eth0 | awk '{ print $4 }' |
		grep -cE "^(198\.51\.100\.1[0-9][0-9]/24|2001:db8:100::10:[0-9]+/64)$"
}
# shellcheck disable=SC2317 # called through lib_poll
held_is() { [ "$(held)" = "$1" ]; }
# The VIPs status calls absent, "INSTANCE ADDRESS" each, sorted.
absent() {
	QUIET=1 hactl n1 status --json
	[ "$RC" = 0 ] || { echo "status failed: $(cat "$LIB_TMP/err")"; return; }
	jq -r '.instances[] | .name as $n | .vips[] | select(.present != true) |
		"\($n) \(.address)"' "$LIB_TMP/out" | sort | tr '\n' ' ' | sed 's/ $//'
}
present_count() {
	jq '[.instances[].vips[] | select(.present == true)] | length' "$LIB_TMP/out"
}

lib_bridge
lib_node n1 198.51.100.1 2001:db8:100::1
lib_hamgr_start n1 "$(conf)"
lib_poll 10 held_is $((2 * N)) || lib_fail "n1 holds $(held) of $((2 * N)) VIPs after 10 s"
sleep 0.5       # the takeovers' announcements are over
pid=$(cat "$LIB_TMP/n1.pid")

lib_log "--- A: notifications lost: 2,000 foreign addresses, then two VIPs removed, while hamgr is stopped"
lib_log_mark n1
{
	for ((i = 0; i < 2000; i++)); do
		echo "addr add 10.99.$((i / 250)).$((i % 250 + 1))/32 dev eth0"
	done
	echo "addr del $(v4 5)/24 dev eth0"
	echo "addr del $(v6 17)/64 dev eth0"
} >"$LIB_TMP/batch"
kill -STOP "$pid"
lib_exec n1 ip -batch "$LIB_TMP/batch"
rc=$?
kill -CONT "$pid"
[ $rc = 0 ] || lib_fail "ip -batch: exit $rc"
lib_wait_log n1 "address watch: netlink notifications lost, resynchronising" 3
lib_poll 3 held_is $((2 * N)) || lib_fail "n1 holds $(held) of $((2 * N)) VIPs 3 s after the loss"
lib_wait_log n1 "$(v4 5)/24 was removed from eth0 while held: adding it back" 1
lib_wait_log n1 "$(v6 17)/64 was removed from eth0 while held: adding it back" 1
lib_assert_eq "VIPs reported removed" 2 "$(lib_log_since_mark n1 | grep -c 'was removed from')"
lib_assert_nolog n1 ' -> '

lib_log "--- B: status: every VIP present, then one that stays away"
lib_assert_eq "VIPs status calls absent" "" "$(absent)"
lib_assert_eq "VIPs status calls present" $((2 * N)) "$(present_count)"
for ((i = 1; i <= 6; i++)); do
	lib_exec n1 ip addr del "$(v4 9)/24" dev eth0 || lib_fail "cannot remove $(v4 9) ($i)"
	[ $i = 6 ] && break
	lib_poll 2 lib_has_addr n1 "$(v4 9)" || lib_fail "$(v4 9) not added back after removal $i"
done
lib_wait_log n1 "$(v4 9)/24 removed 5 times within 10 s: not adding it back" 2
sleep 0.3
lib_assert_eq "VIPs status calls absent" "i9 $(v4 9)/24" "$(absent)"
lib_assert_eq "VIPs status calls present" $((2 * N - 1)) "$(present_count)"
lib_assert_nolog n1 ' -> '
lib_pass
