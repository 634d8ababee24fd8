#!/bin/bash
# t_web_bad: bad input around resource-scripts/apache and haproxy.
#   - hamgr -t refuses (exit 78) a resource whose script is missing or not
#     executable, naming file:line (the resource's line) and the path;
#   - at run time a script that answers an OCF error is reported with the
#     code's meaning, in the log and in hactl log: apache without config=
#     but with pidfile= -> 6 (not configured), apache with a missing
#     apache2 binary -> 5 (not installed), haproxy with always_running=maybe
#     -> 2 (invalid argument); the failed promote gives the role up.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_web.sh
. "$(dirname "$0")/lib_web.sh"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
lib_require_root
lib_require_hamgr
lib_require_tools curl socat /usr/sbin/apache2 /usr/sbin/apache2ctl /usr/sbin/haproxy

web_dir_init
lib_bridge
lib_node n1 198.51.100.1

# -t: a missing and a non-executable script, each at its own line.
cp "$WEB_HAPROXY" "$LIB_TMP/haproxy-noexec"
chmod 644 "$LIB_TMP/haproxy-noexec"
conf_with() {
	lib_vrrp_conf n1 prio=200 extra="    resource $1 {
        script = \"$2\"
    }"
	lib_hamgr_write_conf n1 "$LIB_CONF_TEXT"
}
for bad in "apache:$LIB_TMP/no-such-dir/apache:No such file or directory" \
	"haproxy:$LIB_TMP/haproxy-noexec:not executable"; do
	IFS=: read -r name path why <<<"$bad"
	conf_with "$name" "$path"
	line=$(grep -n "resource $name {" "$LIB_TMP/n1.conf" | cut -d: -f1)
	out=$(lib_exec n1 "$LIB_HAMGR" -t -f "$LIB_TMP/n1.conf" 2>&1)
	rc=$?
	lib_log "hamgr -t, $why: exit $rc: $out"
	lib_assert_eq "hamgr -t exit status ($why)" 78 "$rc"
	want="$LIB_TMP/n1.conf:$line: resource $name: $path: $why, expected an executable program"
	[[ $out == *"$want"* ]] || lib_fail "hamgr -t: expected '$want'"
done

# Run time: each script answers with its OCF code.
good=$(web_apache_conf n1)
config=$(sed -n 's/^"\(config=[^"]*\)".*/\1/p' <<<"$good")
res() {
	cat <<CONF
    resource $1 {
        script = "$2"
        params = {$3}
        timeout = 10s
    }
CONF
}
extra="$(res noconf "$WEB_APACHE" "\"pidfile=$LIB_TMP/n1.web/apache2.pid\"")
$(res nobin "$WEB_APACHE" "\"$config\", \"httpd=$LIB_TMP/no-such-dir/apache2\"")
$(res args "$WEB_HAPROXY" "\"config=$LIB_TMP/n1.web/haproxy.cfg\", \"always_running=maybe\"")"
: >"$LIB_TMP/n1.web/haproxy.cfg"
lib_vrrp_start n1 prio=200 extra="$extra"
lib_wait_log n1 'web/noconf start failed: exit 6 \(not configured\): apache: pidfile=.* config= is missing' 10
lib_wait_log n1 'web/nobin start failed: exit 5 \(not installed\): apache: .*/apache2 not installed' 10
lib_wait_log n1 'web/args start failed: exit 2 \(invalid argument\): haproxy: always_running=maybe' 10
lib_wait_log n1 'web/noconf promote failed: exit 6 \(not configured\)' 10
lib_wait_log n1 'giving the role up: noconf failed' 5
lib_wait_holders 198.51.100.50 "" 5

QUIET=1 hactl n1 log
expect_rc 0 "hactl log"
sed 's/^/    /' "$LIB_TMP/out" | grep -E 'noconf|nobin|args|give' | head -n 8
for want in 'noconf start failed: exit 6 \(not configured\)' 'nobin start failed: exit 5 \(not installed\)' \
	'args start failed: exit 2 \(invalid argument\)' 'noconf promote failed: exit 6 \(not configured\)'; do
	grep -Eq -- "$want" "$LIB_TMP/out" || lib_fail "hactl log: no line matching /$want/"
done
lib_pass
