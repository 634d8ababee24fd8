#!/bin/bash
# t_hactl_clash: two nodes left with the same node-name (cloned machines
# share a host name) announce themselves once a second. Each warns once
# in its log (not every second), shows a "node name clash" alarm line in
# status and a name_clash alarm in the JSON, counts the announcements in
# hamgr_hello_name_clash_total and in hactl log, and hactl check says
# WARNING (exit 1). Once one of them is renamed by a reload the alarm
# goes and check says OK.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_metrics.sh
. "$(dirname "$0")/lib_metrics.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "announcements are hamgr's own"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50
WARN='instance web: 198\.51\.100\.[12] (also|still) announces itself as "clone"'

# shellcheck disable=SC2317 # called through lib_poll
check_is() {
	QUIET=1 hactl "$1" check
	[ "$RC" = "$2" ] && grep -Eq -- "$3" "$LIB_TMP/out"
}

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
declare -A PRIO=([n1]=200 [n2]=100)
for n in n1 n2; do
	lib_vrrp_conf $n prio="${PRIO[$n]}"
	lib_hamgr_start $n "node-name = \"clone\"
$LIB_CONF_TEXT"
done
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
lib_wait_log n1 "$WARN" 5
lib_wait_log n2 "$WARN" 5
sleep 4         # four more announcements each way

lib_log "--- the warning: once, not once a second"
for n in n1 n2; do
	lib_assert_eq "$n: clash warnings in ~4 s" 1 "$(lib_log_since_mark $n | grep -Ec "$WARN")"
done

lib_log "--- status: an alarm line instead of silence"
hactl n1 status
# Detail lines wrap at 100 columns: join them back.
sed -E -e ':a' -e 'N' -e '$!ba' -e 's/\n {11}/ /g' "$LIB_TMP/out" |
	grep -Eq '^  alarm +node name clash: 198\.51\.100\.2 also announces itself as clone, [0-9]+ announcements, first [0-9.]+s ago$' ||
	lib_fail "n1 status: no node name clash line"
QUIET=1 hactl n1 status --json
lib_assert_eq "n1: the alarm" "name_clash 198.51.100.2 clone" \
	"$(jqo '.instances[0].alarms[] | "\(.kind) \(.from) \(.node)"')"
lib_assert_ge "n1: clashing announcements" "$(jqo '.instances[0].alarms[0].count')" 4
lib_assert_ge "n1: the clash's age (ms)" "$(jqo '.instances[0].alarms[0].since_ms')" 4000
lib_assert_eq "n1: nodes listed" 0 "$(jqo '.instances[0].nodes | length')"

lib_log "--- metrics and log"
QUIET=1 hactl n2 metrics
cp "$LIB_TMP/out" "$LIB_TMP/metrics"
check_exposition "$LIB_TMP/metrics"
lib_assert_ge "n2: hamgr_hello_name_clash_total" \
	"$(metric 'hamgr_hello_name_clash_total{instance="web"}')" 4
QUIET=1 hactl n2 log
grep -Eq 'Z web name-clash: 198\.51\.100\.1 also announces itself as "clone"$' "$LIB_TMP/out" ||
	lib_fail "n2 log: no name-clash event"
lib_assert_eq "n2 log: name-clash events" 1 "$(grep -c ' name-clash: ' "$LIB_TMP/out")"

lib_log "--- check: WARNING on both"
for n in n1 n2; do
	o=198.51.100.2
	[ $n = n2 ] && o=198.51.100.1
	lib_poll 2 check_is $n 1 "^HAMGR WARNING - web: node name clash: ${o//./\\.} also announces itself as clone$" ||
		lib_fail "$n: check: exit $RC, $(cat "$LIB_TMP/out")"
	lib_log "$n: check exits 1: $(cat "$LIB_TMP/out")"
done

lib_log "--- n2 renamed: the alarm goes, check OK"
lib_hamgr_reload n2 "node-name = \"n2\"
$LIB_CONF_TEXT"
lib_poll 6 check_is n1 0 '^HAMGR OK - web MASTER 200$' ||
	lib_fail "n1: check after the rename: exit $RC, $(cat "$LIB_TMP/out")"
lib_poll 6 check_is n2 0 '^HAMGR OK - web BACKUP \(master clone\)$' ||
	lib_fail "n2: check after the rename: exit $RC, $(cat "$LIB_TMP/out")"
QUIET=1 hactl n1 status --json
lib_assert_eq "n1: alarms after the rename" 0 "$(jqo '.instances[0].alarms | length')"
lib_assert_eq "n1: hears n2" "n2 BACKUP" "$(jqo '.instances[0].nodes[] | "\(.node) \(.state)"')"
lib_pass
