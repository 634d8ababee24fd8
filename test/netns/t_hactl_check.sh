#!/bin/bash
# t_hactl_check: hactl check and what an operator must be able to trust,
# against a live pair: n1 (priority 200) and n2 (100) run web (VIP .50,
# 100ms) and an instance with a 63-character name (VIP .60, 1550ms, n1 its
# owner at 255). `hactl check` says OK on both (exit 0, the backup naming
# its master), WARNING for standby (exit 1); the backup's reason names
# the master it follows; the status table stays within 100 columns with
# the long name and shows 1.55s; `hactl log` piped is one line per event.
# standby on the master while the only backup stands by is refused (exit
# 1, nothing moves) and goes through with --force; then nobody serves the
# VIP: the backup's status names no master ("none: ... (n1) released ...
# and nobody took over", JSON master null, released_master n1) and check
# is CRITICAL on both nodes (exit 2). A reload that restarts web keeps its
# transition count; check on a stopped daemon is CRITICAL (exit 2).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "hactl check is hamgr's own"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50
VIP2=198.51.100.60
LONG=a-very-long-instance-name-that-is-exactly-sixty-three-chars-xyz
[ ${#LONG} = 63 ] || lib_fail "the long name has ${#LONG} characters"
I='.instances[] | select(.name == "web")'

# check on NODE [INSTANCE]: the line in $LIB_TMP/out, the exit code in RC.
check() {
	local n=$1
	shift
	QUIET=1 hactl "$n" check "$@"
}

# NODE's check exits RC with a line matching RE.
# shellcheck disable=SC2317 # called through lib_poll
check_is() {
	check "$1"
	[ "$RC" = "$2" ] && grep -Eq -- "$3" "$LIB_TMP/out"
}

expect_check() {
	lib_poll "${4:-3}" check_is "$1" "$2" "$3" ||
		lib_fail "$1: check exits $RC with '$(cat "$LIB_TMP/out")', expected $2 and /$3/"
	lib_log "$1: check exits $RC: $(cat "$LIB_TMP/out")"
}

# n2's status (in $LIB_TMP/out) names no master for web.
# shellcheck disable=SC2317 # called through lib_poll
n2_follows_nobody() {
	QUIET=1 hactl n2 status --json
	[ "$(jqo -c "$I.master")" = null ]
}

for n in n1 n2; do mkdir -p "$LIB_TMP/$n.state"; done
lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
declare -A CONF
for n in n1 n2; do
	p=200 lp=255
	[ $n = n2 ] && p=100 lp=100
	lib_vrrp_conf $n name=$LONG vrid=52 prio=$lp int=1550ms vips="$VIP2/24"
	long=$LIB_CONF_TEXT
	lib_vrrp_conf $n prio=$p
	CONF[$n]="state-directory = \"$LIB_TMP/$n.state\"
$long
$LIB_CONF_TEXT"
	lib_hamgr_start $n "${CONF[$n]}"
done
lib_wait_state n1 MASTER 5
lib_wait_holders $VIP n1 3
lib_wait_holders $VIP2 n1 3
wait_node n1 n2 "BACKUP false"
wait_node n2 n1 "MASTER false"

lib_log "--- healthy pair: OK on both"
expect_check n1 0 "^HAMGR OK - $LONG MASTER 255, web MASTER 200$"
expect_check n2 0 "^HAMGR OK - $LONG BACKUP \(master n1\), web BACKUP \(master n1\)$"
check n2 web
lib_assert_eq "n2: check web" "0 HAMGR OK - web BACKUP (master n1)" "$RC $(cat "$LIB_TMP/out")"
check n2 nosuch
lib_assert_eq "n2: check of an unknown instance" \
	"3 HAMGR UNKNOWN - no instance named \"nosuch\"" "$RC $(cat "$LIB_TMP/out")"

lib_log "--- the backup's reason names its master"
QUIET=1 hactl n2 status --json
lib_assert_eq "n2: reason" "startup; following master 198.51.100.1 (priority 200)" \
	"$(jqo "$I.reason")"

lib_log "--- status within 100 columns with a 63-character name; intervals exact"
hactl n2 status
wide=$(awk 'length > 100' "$LIB_TMP/out")
[ -z "$wide" ] || lib_fail "status lines wider than 100 columns: $wide"
grep -qx "$LONG" "$LIB_TMP/out" || lib_fail "status: the long name is not on a line of its own"
grep -Eq '^ +BACKUP +100/100 +52 +eth0 +vrrp3 +1\.55s +[0-9a-z.]+ +[0-9]+ 198\.51\.100\.1$' \
	"$LIB_TMP/out" || lib_fail "status: no row for the long instance under its name"
grep -Eq '^web +BACKUP +100/100 +51 +eth0 +vrrp3 +100ms ' "$LIB_TMP/out" ||
	lib_fail "status: no row for web"

lib_log "--- hactl log piped: one line per event"
QUIET=1 hactl n1 log
cont=$(grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$LIB_TMP/out" | head -n 3)
[ -z "$cont" ] || lib_fail "log: continuation lines when piped: $cont"
grep -Eq "^.{101,}$" "$LIB_TMP/out" || lib_fail "log: no event longer than 100 columns to test with"
grep -Eq "Z $LONG INIT -> MASTER: startup; priority 255 \(address owner\)$" "$LIB_TMP/out" ||
	lib_fail "log: the long instance's first transition is not one whole line"

lib_log "--- standby on the backup: WARNING there, OK on the master"
hactl n2 standby web
expect_rc 0 "n2 standby"
expect_check n2 1 "^HAMGR WARNING - web: standby$"
expect_check n1 0 "^HAMGR OK - "
wait_node n1 n2 "BACKUP true"

lib_log "--- standby on the master with the only backup in standby: refused"
lib_log_mark n1
lib_log_mark n2
hactl n1 standby web
expect_rc 1 "n1 standby without an eligible backup"
expect_err '^hactl: no eligible backup announces itself for web \(hamgr nodes heard: n2 BACKUP standby\): standby would leave its addresses unserved; a backup that runs keepalived does not announce: --force releases anyway$' \
	"n1 standby without an eligible backup"
sleep 0.5
lib_assert_holders $VIP n1
lib_assert_eq "n1 keeps the role" "MASTER false" "$(QUIET=1 hactl n1 status --json; jqo "$I | \"\(.state) \(.standby)\"")"
lib_assert_no_state n1 '[A-Z]+'
[ -e "$LIB_TMP/n1.state/standby.web" ] && lib_fail "a refused standby left its mark"

lib_log "--- standby --force: nobody serves $VIP"
hactl n1 standby web --force
expect_rc 0 "n1 standby --force"
lib_wait_holders $VIP "" 3
lib_wait_state n1 BACKUP 3
# n2 names no master once it has read n1's release: hactl saw that 50-100
# ms after n1's transition here, over 0.6 s under ASan beside another
# suite on 2 CPUs, so poll.
lib_poll 3 n2_follows_nobody
lib_assert_eq "n2: master after the release" null "$(jqo -c "$I.master")"
lib_assert_holders $VIP ""
lib_assert_eq "n2: released_master" "198.51.100.1 n1 null" \
	"$(jqo "$I.released_master | \"\(.address) \(.node) \(.takeover_in_ms)\"")"
hactl n2 status web
grep -Eq '^  master +none: 198\.51\.100\.1 \(n1\) released [0-9.]+m?s ago and nobody took over$' \
	"$LIB_TMP/out" || lib_fail "n2 status: no 'master none: ... released' line"
grep -Eq '^web +BACKUP .* -$' "$LIB_TMP/out" || lib_fail "n2 status: the MASTER column is not -"
grep -Eq '^  master .*priority 0' "$LIB_TMP/out" && lib_fail "n2 status names a master at priority 0"
expect_check n2 2 "^HAMGR CRITICAL - web: no master: 198\.51\.100\.1 \(n1\) released [0-9.]+m?s ago and nobody took over; web: standby$"
expect_check n1 2 "^HAMGR CRITICAL - web: no master heard for [0-9.]+m?s; web: standby$"

lib_log "--- active again: n1 takes the role back, OK"
hactl n1 active web
hactl n2 active web
lib_wait_holders $VIP n1 3
expect_check n1 0 "^HAMGR OK - "
expect_check n2 0 "^HAMGR OK - .*web BACKUP \(master n1\)$"

lib_log "--- a reload that restarts web keeps counting its transitions"
QUIET=1 hactl n2 status --json
before=$(jqo "$I.transitions")
lib_log_mark n2
lib_vrrp_conf n2 prio=100 extra='    track link { interface = "eth0" }'
lib_hamgr_reload n2 "${CONF[n2]%instance web*}$LIB_CONF_TEXT"
lib_wait_log n2 'instance web: INIT -> BACKUP' 5
QUIET=1 hactl n2 status --json
lib_assert_eq "n2: web restarted with its track" link "$(jqo "$I.tracks[0].name")"
after=$(jqo "$I.transitions")
lib_assert_ge "n2: transitions after the restart (before: $before)" "$after" $((before + 2))
# The restarted instance names its master once it has heard an advert.
trans_row() {
	QUIET=1 hactl n2 status
	grep -Eq "^web +BACKUP +100/100 .* $after 198\.51\.100\.1\$" "$LIB_TMP/out"
}
lib_poll 3 trans_row || { cat "$LIB_TMP/out"; lib_fail "n2 status: TRANS is not $after"; }

lib_log "--- the daemon stopped: CRITICAL"
lib_hamgr_stop n2
# A clean exit after the reload: nothing leaked in ASan builds.
lib_assert_eq "n2's exit status" 0 "$LIB_EXIT"
check n2
lib_assert_eq "n2: check of a stopped hamgr" \
	"2 HAMGR CRITICAL - hamgr is not running (no socket at $LIB_TMP/n2.sock)" \
	"$RC $(cat "$LIB_TMP/out")"
lib_pass
