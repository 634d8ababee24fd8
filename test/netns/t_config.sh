#!/bin/bash
# t_config: hamgr -t accepts a good config (exit 0) and rejects bad ones
# with exit 78 and "FILE:LINE: ..." naming the offending line; nothing is
# started. Needs no namespace.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
[ "$LIB_IMPL" = hamgr ] || lib_skip "hamgr only"
lib_require_hamgr

check() {          # check WANT_EXIT WANT_LINE NAME CONFTEXT
	local want=$1 line=$2 name=$3 f=$LIB_TMP/$3.conf out rc
	printf '%s\n' "$4" >"$f"
	out=$("$LIB_HAMGR" -t -f "$f" 2>&1)
	rc=$?
	lib_log "$name: exit $rc: $out"
	[ "$rc" = "$want" ] || lib_fail "$name: expected exit $want, seen $rc"
	if [ -n "$line" ]; then
		grep -q -- "$f:$line: " <<<"$out" || lib_fail "$name: expected a message starting '$f:$line: ', seen '$out'"
	fi
}

good='node-name = "n1"
control-socket = "/nonexistent/n1.sock"
instance web {
    interface = "eth0"
    vrid = 51
    priority = 150
    advert-interval = 100ms
    preempt = true
    vips = {"198.51.100.50/24", "2001:db8:100::50/64"}
}'
check 0 "" good "$good"
check 78 5 vrid0 "${good/vrid = 51/vrid = 0}"
check 78 6 prio256 "${good/priority = 150/priority = 256}"
check 78 7 interval5ms "${good/advert-interval = 100ms/advert-interval = 5ms}"
check 78 9 badvip "${good/198.51.100.50\/24/198.51.100.500\/24}"
check 78 "" unknown_option "${good/preempt = true/preempt = true
    frobnicate = 1}"
# Tracks and resources: their syntax is checked by the parser, their
# programs on disk (preflight), both with -t.
with() {           # with SECTION: the good config with SECTION after "preempt"
	printf '%s' "${good/preempt = true/preempt = true
    $1}"
}
check 0 "" track_ok "$(with 'track gw { command = "/bin/true" }')"
check 0 "" resource_ok "$(with 'resource db { script = "/bin/true" }')"
check 78 9 track_missing "$(with 'track gw { command = "/nonexistent/agent" }')"
check 78 9 resource_missing "$(with 'resource db { script = "/nonexistent/script" }')"
check 78 9 track_relative "$(with 'track gw { command = "true" }')"
out=$("$LIB_HAMGR" -t -f "$LIB_TMP/track_relative.conf" 2>&1)
case $out in
*": command: \"true\" does not start with an absolute path"*) ;;
*) lib_fail "track_relative: expected a command error, seen '$out'" ;;
esac
# Not a regular file: refused at once, a FIFO is not waited on.
mkfifo "$LIB_TMP/fifo.conf"
out=$(timeout 5 "$LIB_HAMGR" -t -f "$LIB_TMP/fifo.conf" 2>&1)
rc=$?
lib_log "fifo: exit $rc: $out"
[ "$rc" = 78 ] || lib_fail "fifo: expected exit 78 at once, seen $rc (124: it hung)"
grep -q -- "$LIB_TMP/fifo.conf: not a regular file" <<<"$out" || lib_fail "fifo: seen '$out'"
[ -e /nonexistent/n1.sock ] && lib_fail "-t created the control socket"
out=$("$LIB_HAMGR" -t -f "$LIB_TMP/missing.conf" 2>&1)
rc=$?
lib_log "missing file: exit $rc: $out"
[ "$rc" -ne 0 ] || lib_fail "a missing config file was accepted"
lib_pass
