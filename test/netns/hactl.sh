# hactl.sh: helpers for the scenarios that drive hactl (sourced after
# lib.sh). Each node's control socket is $LIB_TMP/NODE.sock.
# shellcheck shell=bash

HACTL=${HACTL:-$LIB_BUILD/hactl}
[ -x "$HACTL" ] || lib_skip "$HACTL not built (make build/hactl)"

# hactl NODE ARGS...: stdout in $LIB_TMP/out, stderr in $LIB_TMP/err,
# exit status in RC; both echoed unless QUIET is set.
hactl() {
	local n=$1
	shift
	lib_exec "$n" "$HACTL" -s "$LIB_TMP/$n.sock" "$@" >"$LIB_TMP/out" 2>"$LIB_TMP/err"
	RC=$?
	[ -n "${QUIET:-}" ] || sed 's/^/    > /' "$LIB_TMP/out" "$LIB_TMP/err"
}

expect_rc() {
	[ "$RC" = "$1" ] || lib_fail "$2: exit $RC, expected $1 (stderr: $(cat "$LIB_TMP/err"))"
}

expect_err() {
	grep -Eq -- "$1" "$LIB_TMP/err" ||
		lib_fail "$2: stderr does not match /$1/: $(cat "$LIB_TMP/err")"
}

# jqo FILTER [jq args]: jq -r on the last hactl stdout.
jqo() {
	jq -r "$@" "$LIB_TMP/out" || lib_fail "jq '$*' failed on: $(head -c 300 "$LIB_TMP/out")"
}

# NODE's status lists OTHER in the "nodes" of instance web (or
# $NODE_INST) as "STATE standby" (jq -e exit 0).
# shellcheck disable=SC2317 # called through lib_poll
node_is() {
	QUIET=1 hactl "$1" status --json
	[ "$RC" = 0 ] && jq -e --arg i "${NODE_INST:-web}" --arg n "$2" --arg v "$3" \
		'[.instances[] | select(.name == $i) | .nodes[] | select(.node == $n) |
		  "\(.state) \(.standby)"] == [$v]' "$LIB_TMP/out" >/dev/null
}

# Wait (at most 5 s) until NODE hears OTHER announce "STATE standby".
wait_node() {
	lib_poll 5 node_is "$1" "$2" "$3" || {
		jq -c '[.instances[].nodes]' "$LIB_TMP/out"
		lib_fail "$1 does not hear $2 announce '$3' within 5 s"
	}
	lib_log "$1 hears $2 announce $3"
}

# "STATE standby" of web on NODE, e.g. "BACKUP false".
web_state() {
	QUIET=1 hactl "$1" status --json
	expect_rc 0 "$1 status"
	jqo '.instances[0] | "\(.state) \(.standby)"'
}
