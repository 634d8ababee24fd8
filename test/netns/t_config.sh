#!/bin/bash
# t_config: hamgr -t accepts a good config (exit 0) and rejects bad ones
# with exit 78 and "FILE:LINE: ..." naming the offending line; nothing is
# started. Needs no namespace.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
[ "$LIB_IMPL" = hamgr ] || lib_skip "hamgr only"
lib_require_hamgr

check() {          # check WANT_EXIT WANT_LINE NAME CONFTEXT; leaves the output in $out
	local want=$1 line=$2 name=$3 f=$LIB_TMP/$3.conf rc
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
check 78 9 track_relative "$(with 'track gw { command = "true" }')"
check 78 9 track_missing "$(with 'track gw { command = "/nonexistent/check-gw -c 1" }')"
check 78 9 resource_missing "$(with 'resource db { script = "/nonexistent/promote-db" }')"
out=$("$LIB_HAMGR" -t -f "$LIB_TMP/resource_missing.conf" 2>&1)
case $out in
*"resource db: /nonexistent/promote-db: No such file or directory, expected an executable program") ;;
*) lib_fail "resource_missing: expected a missing-program error, seen '$out'" ;;
esac
out=$("$LIB_HAMGR" -t -f "$LIB_TMP/track_relative.conf" 2>&1)
case $out in
*": command: \"true\" does not start with an absolute path"*) ;;
*) lib_fail "track_relative: expected a command error, seen '$out'" ;;
esac
# What a start would refuse, -t refuses too, with the line; the daemon
# itself exits 78 (systemd's RestartPreventExitStatus), not 1.
check 78 11 nogroup "$good
control-group = \"hm-nosuchgroup\""
grep -q "control-group: no group hm-nosuchgroup, expected an existing group" \
	<<<"$out" || lib_fail "nogroup: seen '$out'"
out=$(timeout 5 "$LIB_HAMGR" -f "$LIB_TMP/nogroup.conf" 2>&1)
rc=$?
lib_log "nogroup, daemon: exit $rc: $out"
[ "$rc" = 78 ] || lib_fail "nogroup: the daemon exited $rc, expected 78"
grep -q -- "$LIB_TMP/nogroup.conf:11: control-group" <<<"$out" ||
	lib_fail "nogroup: the daemon said '$out'"
touch "$LIB_TMP/afile"
check 78 11 state_file "$good
state-directory = \"$LIB_TMP/afile\""
check 78 2 socket_dir "${good/\/nonexistent\/n1.sock/$LIB_TMP/afile/n1.sock}"
# Read-only: what the daemon could not write, as root under a read-only
# mount (ProtectSystem=strict without ReadWritePaths=).
mkdir -p "$LIB_TMP/ro"
printf '%s\nstate-directory = "%s"\n' "$good" "$LIB_TMP/ro/state" >"$LIB_TMP/ro.conf"
out=$(unshare -m sh -c 'mount --bind -o ro "$1" "$1" && exec "$2" -t -f "$3"' sh \
	"$LIB_TMP/ro" "$LIB_HAMGR" "$LIB_TMP/ro.conf" 2>&1)
rc=$?
lib_log "read-only state directory: exit $rc: $out"
[ "$rc" = 78 ] || lib_fail "read-only state directory: expected exit 78, seen $rc"
grep -q -- "ro.conf:11: state-directory: $LIB_TMP/ro/state cannot be created: $LIB_TMP/ro is not writable (Read-only file system)" \
	<<<"$out" || lib_fail "read-only state directory: seen '$out'"
# A missing interface is a warning (it may appear later): exit 0.
check 0 "" noif "${good/\"eth0\"/\"hm-none9\"}"
grep -q -- "warning: $LIB_TMP/noif.conf:4: interface hm-none9 does not exist (yet)" \
	<<<"$out" || lib_fail "noif: expected a warning, seen '$out'"

# Not a regular file: refused at once, a FIFO is not waited on.
mkfifo "$LIB_TMP/fifo.conf"
out=$(timeout 5 "$LIB_HAMGR" -t -f "$LIB_TMP/fifo.conf" 2>&1)
rc=$?
lib_log "fifo: exit $rc: $out"
[ "$rc" = 78 ] || lib_fail "fifo: expected exit 78 at once, seen $rc (124: it hung)"
grep -q -- "$LIB_TMP/fifo.conf: not a regular file" <<<"$out" || lib_fail "fifo: seen '$out'"
# --help and -h: usage on stdout, exit 0; --version like -V; a bad option
# is exit 2 with the usage on stderr.
for opt_want in "--help:^usage: hamgr" "-h:^usage: hamgr" "--version:^hamgr [0-9]" \
	"-V:^hamgr [0-9]"; do
	opt=${opt_want%%:*}
	out=$("$LIB_HAMGR" "$opt" 2>/dev/null)
	rc=$?
	[ "$rc" = 0 ] || lib_fail "hamgr $opt: exit $rc"
	grep -q "${opt_want#*:}" <<<"$out" || lib_fail "hamgr $opt: stdout '$out'"
done
out=$("$LIB_HAMGR" --bogus 2>&1 >/dev/null)
rc=$?
[ "$rc" = 2 ] || lib_fail "hamgr --bogus: exit $rc, expected 2"
grep -q '^usage: hamgr' <<<"$out" || lib_fail "hamgr --bogus: no usage on stderr"
[ -e /nonexistent/n1.sock ] && lib_fail "-t created the control socket"
out=$("$LIB_HAMGR" -t -f "$LIB_TMP/missing.conf" 2>&1)
rc=$?
lib_log "missing file: exit $rc: $out"
[ "$rc" -ne 0 ] || lib_fail "a missing config file was accepted"
lib_pass
