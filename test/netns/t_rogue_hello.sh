#!/bin/bash
# t_rogue_hello: the peer announcements (UDP 5798) are no way in. A rogue
# on the segment floods malformed announcements (bad magic, version, type,
# field, length, name, target), announces itself with TTL 64, and forges a
# HANDOVER naming the backup from its own address: nothing moves, no
# transition, the drops are counted by reason in `hactl status --json`, the
# rogue never shows up as a node. Control: the real master's handover (hactl
# switchover --to) does move the role, so the forged one failed for its
# source, not its form.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
lib_require_bin hello_send
HACTL=$LIB_BUILD/hactl
[ -x "$HACTL" ] || lib_skip "$HACTL not built (make build/hactl)"
VIP=198.51.100.50
GROUP=224.0.0.18

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client rogue 198.51.100.66

status() {
	lib_exec "$1" "$HACTL" -s "$LIB_TMP/$1.sock" status --json >"$LIB_TMP/$1.json" ||
		lib_fail "hactl status on $1"
}

lib_vrrp_start n1 prio=200
lib_vrrp_start n2 prio=100
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 1.5                      # one announcement round each way
status n2
lib_assert_eq "n2 names its master" n1 "$(jq -r '.instances[0].master.node' "$LIB_TMP/n2.json")"

# Announcements by hand: "HMGR" v1 type vrid(51=0x33) state prio eff flags
# node_len target_len 000000 seq node target.
evil=6576696c n2hex=6e32
good_announce=484d47520101330201ff02040000000000000001$evil
bad=(
	584d47520101330201ff020400000000000000016576696c   # magic
	484d47520201330201ff020400000000000000016576696c   # version
	484d47520109330201ff020400000000000000016576696c   # type
	484d47520101330901ff020400000000000000016576696c   # field: state 9
	484d47520101330201ff02040000000000000001657669     # length
	484d47520101330201ff0204000000000000000165762069   # name: a space
	484d47520101330201ff020402000000000000016576696c6e32   # target on an announce
	484d4752                                           # short
)

lib_log "--- flood: malformed announcements, 500/s for 2 s"
lib_log_mark n1
lib_log_mark n2
lib_exec rogue "$LIB_TOOLS/hello_send" -i eth0 -n 1000 -r 500 $GROUP "${bad[@]}"
lib_log "--- a valid announcement with TTL 64"
lib_exec rogue "$LIB_TOOLS/hello_send" -i eth0 -t 64 -n 5 $GROUP "$good_announce"
lib_log "--- a forged handover to n2 from the rogue's own address (TTL 255)"
forged=484d47520102330201ff02040200000000000002$evil$n2hex
lib_exec rogue "$LIB_TOOLS/hello_send" -i eth0 -n 5 $GROUP "$forged"
lib_exec rogue "$LIB_TOOLS/hello_send" -i eth0 -n 5 198.51.100.2 "$forged"
lib_log "--- an announcement under n2's own name from the rogue"
clash=484d47520101330164640202000000000000000a$n2hex
lib_exec rogue "$LIB_TOOLS/hello_send" -i eth0 -n 3 $GROUP "$clash"
sleep 1
lib_assert_holders $VIP n1
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
lib_assert_running n1
lib_assert_running n2
for n in n1 n2; do
	status $n
	for r in magic version type field length name target short; do
		c=$(jq -r ".announcement_drops.$r" "$LIB_TMP/$n.json")
		lib_assert_ge "$n: announcement drops for $r" "$c" 1
	done
	lib_assert_ge "$n: TTL-64 announcements dropped" \
		"$(jq -r '.instances[0].counters.announcement_ttl_drops' "$LIB_TMP/$n.json")" 5
	lib_assert_ge "$n: TTL-64 announcements counted daemon-wide" \
		"$(jq -r '.announcement_drops.ttl' "$LIB_TMP/$n.json")" 5
done
lib_assert_ge "n2: announcements under its own name" \
	"$(jq -r '.instances[0].counters.announcement_name_clashes' "$LIB_TMP/n2.json")" 1
lib_assert_log n2 'also announces itself as "n2"'
# The rogue's forged handover came with TTL 255 and a valid form: it was
# heard (as a node) but not obeyed, since it is not the master n2 follows.
lib_assert_eq "n2's master after the forged handover" n1 \
	"$(jq -r '.instances[0].master.node' "$LIB_TMP/n2.json")"

lib_log "--- control: the real master hands over to n2"
lib_exec n1 "$HACTL" -s "$LIB_TMP/n1.sock" switchover web --to n2 || lib_fail "switchover --to n2"
lib_wait_holders $VIP n2 3
lib_wait_state n2 MASTER 1
lib_assert_log n2 'handed the role to this node'
lib_pass
