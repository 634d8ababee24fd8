#!/bin/bash
# t_res_badscript: resource programs that cannot run, and OCF exit codes.
#   hamgr -t refuses a missing script, a script without execute permission
#   and a missing OCF agent, naming FILE:LINE of the resource, and exits 78;
#   so does hamgr started with such a file (before it touches anything);
#   a good file passes -t with the same resources fixed;
#   at run time, promote exiting 2, 5 and 6 (on-fail ignore) is logged with
#   the OCF meaning ("invalid argument", "not installed", "not
#   configured"), the node takes over all the same, and hactl log lists
#   the failed steps.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
lib_require_root
lib_require_hamgr
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1

noexec=$LIB_TMP/noexec-script
cp "$RES_SCRIPT" "$noexec"
chmod 0644 "$noexec"

# check_refused WHAT SCRIPT [TYPE]: a config whose resource db runs SCRIPT
# is refused by -t and at start with exit 78 and FILE:LINE of db.
check_refused() {
	local what=$1 script=$2 type=${3:-script} conf=$LIB_TMP/n1.conf rc out lines
	lib_vrrp_conf n1 prio=200 extra="    resource db {
        type = \"$type\"
        script = \"$script\"
    }"
	lib_hamgr_write_conf n1 "$LIB_CONF_TEXT"
	lines=$(grep -nE 'resource db|script = ' "$conf" | cut -d: -f1 | paste -sd'|')
	out=$(lib_exec n1 "$LIB_HAMGR" -t -f "$conf" 2>&1)
	rc=$?
	printf '    > %s\n' "$out"
	lib_assert_eq "$what: hamgr -t exit status" 78 "$rc"
	grep -Eq -- "$conf:($lines): resource db: .*(${script##*[/:]})" <<<"$out" ||
		lib_fail "$what: -t does not name $conf:LINE (one of $lines) and the program: $out"
	out=$(timeout 10 ip netns exec "$LIB_PREFIX"n1 "$LIB_HAMGR" -f "$conf" 2>&1)
	rc=$?
	lib_assert_eq "$what: hamgr (not -t) exit status" 78 "$rc"
	grep -Eq -- "$conf:($lines): resource db" <<<"$out" ||
		lib_fail "$what: hamgr does not name $conf:LINE: $out"
	lib_has_addr n1 $VIP && lib_fail "$what: the VIP came up"
	lib_log "$what: refused"
}
check_refused "missing script" "$LIB_TMP/no-such-script"
out=$(lib_exec n1 "$LIB_HAMGR" -t -f "$LIB_TMP/n1.conf" 2>&1)
grep -q 'No such file or directory' <<<"$out" || lib_fail "missing script: no reason given: $out"
check_refused "script not executable" "$noexec"
out=$(lib_exec n1 "$LIB_HAMGR" -t -f "$LIB_TMP/n1.conf" 2>&1)
grep -q 'not executable' <<<"$out" || lib_fail "non-executable script: no reason given: $out"
check_refused "missing OCF agent" "heartbeat:NoSuchAgent" ocf

# The same file with a usable script passes -t.
lib_vrrp_conf n1 prio=200 extra="$(res_section db after-vips)"
lib_hamgr_write_conf n1 "$LIB_CONF_TEXT" check
lib_log "a usable script: -t accepts the file"

# OCF exit codes in the log, on-fail ignore: the node takes over anyway.
RES_OPTS='        on-fail = "ignore"'
lib_vrrp_start n1 prio=200 int=100ms extra="$(res_section args after-vips fail_promote=2)
$(res_section inst after-vips fail_promote=5)
$(res_section conf after-vips fail_promote=6)"
lib_wait_state n1 MASTER 5
lib_wait_log n1 'takeover complete' 5
lib_wait_log n1 'web/args promote failed: exit 2 \(invalid argument\)' 1
lib_wait_log n1 'web/inst promote failed: exit 5 \(not installed\)' 1
lib_wait_log n1 'web/conf promote failed: exit 6 \(not configured\)' 1
lib_wait_holders $VIP n1 3
lib_assert_nolog n1 'giving the role up'
for r in args inst conf; do
	lib_assert_eq "$r promotes" 1 "$(res_count n1 $r promote)"
done
lib_assert_eq "promote exit statuses" "2 5 6" \
	"$(res_rc n1 args promote) $(res_rc n1 inst promote) $(res_rc n1 conf promote)"
hactl n1 log
expect_rc 0 "hactl log"
for m in 'args promote failed: exit 2 \(invalid argument\)' 'inst promote failed: exit 5 \(not installed\)' \
	'conf promote failed: exit 6 \(not configured\)'; do
	grep -Eq -- "$m" "$LIB_TMP/out" || lib_fail "hactl log does not show /$m/"
done
lib_pass
