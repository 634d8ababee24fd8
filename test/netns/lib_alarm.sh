# shellcheck shell=bash
# lib_alarm.sh: the alarms of `hactl status --json` and their metrics, for
# the conflict scenarios (source lib.sh first; this brings lib_metrics.sh
# and hactl.sh).

lib_require_tools jq
# shellcheck source=test/netns/lib_metrics.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_metrics.sh"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "${BASH_SOURCE[0]}")/hactl.sh"

# alarms NODE: NODE's status into $LIB_TMP/NODE.status; prints web's
# alarms as one compact JSON line.
alarms() {
	lib_exec "$1" "$HACTL" -s "$LIB_TMP/$1.sock" status --json >"$LIB_TMP/$1.status" \
		2>"$LIB_TMP/err" || lib_fail "$1: hactl status failed: $(cat "$LIB_TMP/err")"
	jq -c '.instances[0].alarms' "$LIB_TMP/$1.status"
}

# alarm_has NODE JQ: true when jq expression JQ (over web's instance
# object) holds in NODE's status now.
alarm_has() {
	alarms "$1" >/dev/null
	[ "$(jq -r ".instances[0] | ($2)" "$LIB_TMP/$1.status")" = true ]
}

# alarm_wait NODE JQ TIMEOUT_S WHAT: poll until alarm_has, else fail.
alarm_wait() {
	lib_poll "$3" alarm_has "$1" "$2" || {
		lib_log "$1's alarms: $(alarms "$1")"
		lib_fail "$1: no $4 within $3 s"
	}
	lib_log "$1: $4: $(alarms "$1")"
}

# alarm_field NODE JQ: a value out of web's instance in the last status.
alarm_field() {
	jq -r ".instances[0] | ($2)" "$LIB_TMP/$1.status"
}

# alarm_metrics NODE: NODE's metrics into $LIB_TMP/metrics, format checked.
alarm_metrics() {
	lib_exec "$1" "$HACTL" -s "$LIB_TMP/$1.sock" metrics >"$LIB_TMP/metrics" 2>"$LIB_TMP/err" ||
		lib_fail "$1: hactl metrics failed: $(cat "$LIB_TMP/err")"
	check_exposition "$LIB_TMP/metrics"
}
