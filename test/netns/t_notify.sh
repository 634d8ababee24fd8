#!/bin/bash
# t_notify: hamgr's sd_notify protocol, without systemd as PID 1. One node
# runs hamgr with NOTIFY_SOCKET pointing at notify_listen (standing in for
# systemd) and WATCHDOG_USEC/WATCHDOG_PID set as systemd sets them for
# WatchdogSec=. Checks: every message comes from hamgr's own pid (systemd's
# NotifyAccess=main drops others); READY=1 at start with STATUS= "web
# BACKUP", then "web MASTER" once it takes over; WATCHDOG=1 all along at
# about half WATCHDOG_USEC (no gap of 2 x WATCHDOG_USEC, not flooding);
# RELOADING=1 then READY=1 around a SIGHUP, also when the new config is
# refused (else systemd would wait for the end of the reload until its
# timeout); STOPPING=1 on SIGTERM. Then a control: with WATCHDOG_PID naming
# another process (systemd's watchdog is for someone else) hamgr must not
# send WATCHDOG=1 at all.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_bin notify_listen
[ "$LIB_IMPL" = hamgr ] || lib_skip "sd_notify is hamgr's (HM_IMPL=$LIB_IMPL)"

WD_US=400000                  # WATCHDOG_USEC: pings expected every 100..300 ms
WD_MS=$((WD_US / 1000))

# Start notify_listen on SOCK (bound for 120 s), output in OUT; waits
# (at most 2 s) until the socket exists.
listen_start() {
	local sock=$1 out=$2 i
	rm -f "$sock"
	: >"$out"
	"$LIB_TOOLS/notify_listen" -t 120 "$sock" >"$out" 2>>"$LIB_TMP/notify_listen.err" &
	LIB_BG+=("$!")
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && return 0
		sleep 0.02
	done
	lib_fail "notify_listen did not bind $sock"
}

# Start hamgr on NODE with the config in LIB_CONF_TEXT, reporting to SOCK.
# WATCHDOG_PID must be the daemon's pid: the shell sets it to its own and
# execs hamgr (ip netns exec and env exec too, so LIB_PID is hamgr's pid).
# WDPID=other sets it to 1 instead.
notify_hamgr_start() {
	local n=$1 sock=$2 wdpid=${3:-self} conf=$LIB_TMP/$1.conf
	lib_hamgr_write_conf "$n" "$LIB_CONF_TEXT" check
	lib_log_mark "$n"
	echo "=== hamgr start (NOTIFY_SOCKET=$sock) $(date +%T.%N) ===" >>"$LIB_TMP/$n.log"
	# shellcheck disable=SC2016 # $$ and $0 are the inner shell's
	lib_daemon_spawn "$n" hamgr env NOTIFY_SOCKET="$sock" WATCHDOG_USEC=$WD_US \
		WDPID="$wdpid" sh -c '
			if [ "$WDPID" = self ]; then WATCHDOG_PID=$$; else WATCHDOG_PID=1; fi
			export WATCHDOG_PID; unset WDPID; exec "$0" "$@"' \
		"$LIB_HAMGR" -d -f "$conf"
}

# The number of the first line of OUT after line FROM with a field
# matching the extended regex RE as a whole; 0 if there is none.
nf_first() {
	awk -F'\t' -v from="$2" -v re="^($3)\$" '
		NR > from { for (i = 3; i <= NF; i++) if ($i ~ re) { print NR; found = 1; exit } }
		END { if (!found) print 0 }' "$1"
}

# shellcheck disable=SC2317 # called through lib_poll
nf_has() {
	[ "$(nf_first "$@")" -gt 0 ]
}

# The listener's timestamp (ms) of line LINE of OUT.
nf_ms() {
	awk -F'\t' -v l="$2" 'NR == l { print $1 }' "$1"
}

# Wait (at most TIMEOUT_S) for a field matching RE after line FROM of OUT.
nf_wait() {
	local out=$1 from=$2 re=$3 timeout=$4 l
	lib_poll "$timeout" nf_has "$out" "$from" "$re" || {
		sed 's/^/    /' "$out" | tail -n 15
		lib_fail "no notification matching /$re/ after line $from within $timeout s"
	}
	l=$(nf_first "$out" "$from" "$re")
	lib_log "notify line $l at $(nf_ms "$out" "$l") ms: $(cut -f3- "$out" | sed -n "${l}p" | tr '\t' ' ')"
}

nf_lines() {
	wc -l <"$1"
}

lib_bridge
lib_node n1 198.51.100.1
SOCK=$LIB_TMP/notify.sock
OUT=$LIB_TMP/notify.out

# 1 s adverts: n1 stays BACKUP for Master_Down_Interval (3.6 s) first, and
# its loop is mostly idle, so the watchdog pings come from sd-event's own
# timer rather than from other events passing by.
lib_vrrp_conf n1 prio=100 int=1s
listen_start "$SOCK" "$OUT"
notify_hamgr_start n1 "$SOCK"
PID=${LIB_PID[n1]}

lib_log "--- start: READY=1, STATUS=web BACKUP, then web MASTER"
nf_wait "$OUT" 0 'READY=1' 5
READY_LINE=$(nf_first "$OUT" 0 'READY=1')
nf_wait "$OUT" 0 'STATUS=web BACKUP' 2
lib_wait_state n1 MASTER 10
nf_wait "$OUT" 0 'STATUS=web MASTER' 3
BACKUP_LINE=$(nf_first "$OUT" 0 'STATUS=web BACKUP')
MASTER_LINE=$(nf_first "$OUT" 0 'STATUS=web MASTER')
[ "$READY_LINE" -lt "$MASTER_LINE" ] || lib_fail "STATUS=web MASTER (line $MASTER_LINE) before READY=1 (line $READY_LINE)"
[ "$BACKUP_LINE" -lt "$MASTER_LINE" ] || lib_fail "no STATUS=web BACKUP before STATUS=web MASTER"
lib_log "order: READY=1 (line $READY_LINE), web BACKUP ($BACKUP_LINE) before web MASTER ($MASTER_LINE)"

# A few seconds of a quiet master for the watchdog analysis at the end.
sleep 3

lib_log "--- SIGHUP with the same config: RELOADING=1, then READY=1, still MASTER"
L=$(nf_lines "$OUT")
lib_log_mark n1
lib_hamgr_reload n1 "$LIB_CONF_TEXT"
nf_wait "$OUT" "$L" 'RELOADING=1' 3
R=$(nf_first "$OUT" "$L" 'RELOADING=1')
nf_wait "$OUT" "$R" 'READY=1' 3
nf_wait "$OUT" "$R" 'STATUS=web MASTER' 3
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
mono=$(sed -n "${R}p" "$OUT" | tr '\t' '\n' | grep '^MONOTONIC_USEC=' || true)
lib_log "RELOADING=1 came ${mono:+with $mono}${mono:-without MONOTONIC_USEC= (systemd >= 253 Type=notify-reload wants it)}"

lib_log "--- SIGHUP with a config that does not parse: refused, still RELOADING=1 then READY=1"
L=$(nf_lines "$OUT")
lib_log_mark n1
lib_hamgr_reload n1 'instance web { vrid = 300 }' nocheck
nf_wait "$OUT" "$L" 'RELOADING=1' 3
R=$(nf_first "$OUT" "$L" 'RELOADING=1')
nf_wait "$OUT" "$R" 'READY=1' 3
lib_wait_log n1 'refused' 3
lib_assert_running n1
lib_hamgr_write_conf n1 "$LIB_CONF_TEXT" check

sleep 1
lib_log "--- SIGTERM: STOPPING=1"
L=$(nf_lines "$OUT")
lib_daemon_stop n1 TERM
lib_assert_eq "hamgr exit status after SIGTERM" 0 "$LIB_EXIT"
nf_wait "$OUT" "$L" 'STOPPING=1' 1
STOP_LINE=$(nf_first "$OUT" "$L" 'STOPPING=1')
lib_assert_eq "READY=1 after STOPPING=1 (line number, 0: none)" 0 "$(nf_first "$OUT" "$STOP_LINE" 'READY=1')"

lib_log "--- every message from hamgr's pid $PID"
others=$(awk -F'\t' -v p="$PID" '$2 != p' "$OUT" | head -n 3)
[ -z "$others" ] || lib_fail "notifications from another pid than hamgr's ($PID): $others"
lib_assert_ge "notifications received" "$(nf_lines "$OUT")" 5

lib_log "--- watchdog between READY=1 and STOPPING=1 (WATCHDOG_USEC=$WD_US)"
t_ready=$(nf_ms "$OUT" "$READY_LINE")
t_stop=$(nf_ms "$OUT" "$STOP_LINE")
read -r pings maxgap < <(awk -F'\t' -v a="$t_ready" -v b="$t_stop" '
	$1 >= a && $1 <= b { for (i = 3; i <= NF; i++) if ($i == "WATCHDOG=1") {
		n++; if ($1 - last > g) g = $1 - last; last = $1 } }
	BEGIN { last = a } END { if (b - last > g) g = b - last; print n + 0, g + 0 }' "$OUT")
span=$((t_stop - t_ready))
lib_log "span $span ms: $pings WATCHDOG=1, longest gap $maxgap ms"
lib_assert_ge "span of the run (ms)" "$span" 4000
# sd-event pings 1/4 .. 3/4 of WATCHDOG_USEC apart: at least one per
# WATCHDOG_USEC, at most four (plus the ends) even when busy.
lib_assert_ge "WATCHDOG=1 pings" "$pings" $((span / WD_MS))
lib_assert_le "WATCHDOG=1 pings" "$pings" $((span * 4 / WD_MS + 2))
lib_assert_le "longest gap without WATCHDOG=1 (ms, 2 x WATCHDOG_USEC)" "$maxgap" $((2 * WD_MS))

lib_log "--- control: WATCHDOG_PID names another process: no WATCHDOG=1"
OUT2=$LIB_TMP/notify2.out
listen_start "$LIB_TMP/notify2.sock" "$OUT2"
notify_hamgr_start n1 "$LIB_TMP/notify2.sock" other
nf_wait "$OUT2" 0 'READY=1' 5
sleep 1.5
lib_assert_eq "WATCHDOG=1 with a foreign WATCHDOG_PID (first line, 0: none)" 0 \
	"$(nf_first "$OUT2" 0 'WATCHDOG=1')"
lib_daemon_stop n1 TERM
lib_assert_eq "hamgr exit status after SIGTERM" 0 "$LIB_EXIT"
lib_pass
