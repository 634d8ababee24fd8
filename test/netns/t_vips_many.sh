#!/bin/bash
# t_vips_many: one instance with 4,096 VIPs (issue 11).
#   A  hamgr -t accepts configs with 1,000 and 4,096 VIPs and refuses
#      4,097.
#   B  two nodes, one instance of 3,996 IPv6 VIPs (the advert family:
#      the advert lists the first 255) and 100 IPv4 ones (not listed):
#      the master holds all 4,096, the backup none, nobody drops an
#      advert (the 4 KB IPv6 advert goes fragmented) or flaps.
#   C  the gratuitous ARPs/NAs of a takeover are paced (garp-rate 1000/s
#      by default): a bystander sees far fewer than the 12,288 due in
#      its first second.
#   D  SIGTERM to the master: its addresses are all gone and the backup
#      holds all 4,096; SIGTERM to the new master: all removed.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools tcpdump

N6=3996 N4=100 N=4096
# vips: the first $1 IPv6 VIPs 2001:db8:100::a:K/64, then $2 IPv4 ones
# 198.51.100.100 + K /24, as a hamgr list.
vips() {
	local k h out=""
	# (printf -v: a $(printf) per address would start thousands of shells)
	for ((k = 1; k <= $1; k++)); do printf -v h %x "$k"; out+="\"2001:db8:100::a:$h/64\", "; done
	for ((k = 0; k < $2; k++)); do out+="\"198.51.100.$((100 + k))/24\", "; done
	echo "${out%, }"
}
conf() {
	printf 'instance big {\n  interface = "eth0"\n  vrid = 60\n  priority = %s\n' "$1"
	printf '  advert-interval = 100ms\n  vips = {%s}\n}\n' "$2"
}
# How many of the VIPs NODE holds.
held() {
	ip -n "$LIB_PREFIX$1" -o addr show dev eth0 2>/dev/null |
		grep -Ec 'inet6 2001:db8:100::a:|inet 198\.51\.100\.1[0-9][0-9]/'
}
held_is() { [ "$(held "$1")" = "$2" ]; }

lib_bridge
lib_node n1 198.51.100.1 2001:db8:100::1
lib_node n2 198.51.100.2 2001:db8:100::2
lib_client c 198.51.100.3 2001:db8:100::3
VIPS=$(vips $N6 $N4)

lib_log "--- A: hamgr -t with 1,000, 4,096 and 4,097 VIPs"
conf 100 "$(vips 900 100)" >"$LIB_TMP/v1000.conf"
"$LIB_HAMGR" -t -f "$LIB_TMP/v1000.conf" >"$LIB_TMP/t.out" 2>&1 ||
	{ cat "$LIB_TMP/t.out"; lib_fail "hamgr -t refused 1,000 VIPs"; }
conf 100 "$VIPS" >"$LIB_TMP/v4096.conf"
"$LIB_HAMGR" -t -f "$LIB_TMP/v4096.conf" >"$LIB_TMP/t.out" 2>&1 ||
	{ cat "$LIB_TMP/t.out"; lib_fail "hamgr -t refused 4,096 VIPs"; }
# ... and says what 3,996 IPv6 VIPs with their own last 24 bits cost
# (hamgr.conf(5), vips), and nothing of the kind when they share them
grep -q "v4096.conf:6: the IPv6 VIPs on eth0 join $N6 solicited-node multicast groups" "$LIB_TMP/t.out" ||
	{ cat "$LIB_TMP/t.out"; lib_fail "hamgr -t did not warn of $N6 solicited-node groups"; }
lib_log "    | $(grep solicited "$LIB_TMP/t.out" | cut -c1-150)..."
shared=""
for ((k = 1; k <= N6; k++)); do printf -v h %x "$k"; shared+="\"2001:db8:100:0:a:$h:0:1/64\", "; done
conf 100 "${shared%, }" >"$LIB_TMP/v4096s.conf"
"$LIB_HAMGR" -t -f "$LIB_TMP/v4096s.conf" >"$LIB_TMP/t.out" 2>&1 ||
	{ cat "$LIB_TMP/t.out"; lib_fail "hamgr -t refused $N6 VIPs that share their last 24 bits"; }
if grep -q solicited "$LIB_TMP/t.out"; then
	cat "$LIB_TMP/t.out"
	lib_fail "hamgr -t warned of VIPs that share one solicited-node group"
fi
conf 100 "$(vips 3997 100)" >"$LIB_TMP/v4097.conf"
"$LIB_HAMGR" -t -f "$LIB_TMP/v4097.conf" >"$LIB_TMP/t.out" 2>&1 &&
	lib_fail "hamgr -t accepted 4,097 VIPs"
grep -q 'vips: too many addresses, expected at most 4096' "$LIB_TMP/t.out" ||
	{ cat "$LIB_TMP/t.out"; lib_fail "no 'too many addresses' message"; }

lib_log "--- B: n1 (200) and n2 (100) with $N VIPs"
LIB_INST[n1]=big LIB_INST[n2]=big
t0=$(lib_now_ms)
lib_hamgr_start n1 "$(conf 200 "$VIPS")"
lib_hamgr_start n2 "$(conf 100 "$VIPS")"
lib_wait_state n1 MASTER 10
# Bounds, not timings (logged): the kernel walks the interface's address
# list on every add, so 4,096 adds took 4-9 s on this 2-core VM under load,
# and n2's takeover below waits for n1's release of as many first.
lib_poll 30 held_is n1 $N || lib_fail "n1 holds $(held n1) of $N VIPs"
lib_log "n1 holds all $N VIPs $(($(lib_now_ms) - t0)) ms after the start"
lib_wait_state n2 BACKUP 5
lib_assert_eq "VIPs on n2" 0 "$(held n2)"
lib_log_mark n1
lib_log_mark n2
sleep 2
lib_assert_nolog n2 'dropped advert'
lib_assert_nolog n1 'dropped advert'
lib_assert_no_state n1 BACKUP
lib_assert_no_state n2 MASTER
lib_assert_eq "VIPs on n1 after 2 s" $N "$(held n1)"

lib_log "--- C, D: SIGTERM n1: n2 takes over, announcements paced"
lib_exec c timeout 3 tcpdump -i eth0 -nn -l 'arp or icmp6' >"$LIB_TMP/garp" 2>/dev/null &
cap=$!
sleep 0.5
t0=$(lib_now_ms)
lib_daemon_signal n1 TERM
lib_poll 40 held_is n2 $N || lib_fail "n2 holds $(held n2) of $N VIPs"
took=$(($(lib_now_ms) - t0))
lib_log "n2 holds all $N VIPs $took ms after SIGTERM to n1"
lib_daemon_reap n1
lib_assert_eq "VIPs left on n1" 0 "$(held n1)"
wait $cap
awk '{ split($1, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]; print s }' "$LIB_TMP/garp" >"$LIB_TMP/garp.t"
first=$(grep -E 'Reply|Request who-has 198\.51\.100\.1[0-9][0-9] tell 198\.51\.100\.1[0-9][0-9]|neighbor advertisement' \
	"$LIB_TMP/garp" | head -n 1 | awk '{ split($1, t, ":"); print t[1] * 3600 + t[2] * 60 + t[3] }')
[ -n "$first" ] || lib_fail "no gratuitous ARP/NA from n2 seen"
in1s=$(grep -Ec 'Request who-has 198\.51\.100\.1[0-9][0-9] tell 198\.51\.100\.1[0-9][0-9]|neighbor advertisement' \
	<(awk -v f="$first" '{ split($1, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]; if (s < f + 1) print }' "$LIB_TMP/garp"))
lib_log "gratuitous ARP/NA in the first second of n2's announcements: $in1s (of $((N * 3)) due)"
lib_assert_ge "announcements seen in that second" "$in1s" 100
lib_assert_le "announcements seen in that second (garp-rate 1000 + burst 100)" "$in1s" 1500

lib_log "--- D: SIGTERM n2: every VIP removed"
lib_daemon_stop n2 TERM
lib_assert_eq "VIPs left on n2" 0 "$(held n2)"
lib_pass
