# shellcheck shell=bash
# shellcheck disable=SC2034 # HB_* are read by the scenarios
# lib_hb.sh: protocol "hamgr" (authenticated heartbeat over UDP) for the
# netns scenarios; source lib.sh first. Sources lib_metrics.sh and
# hactl.sh (metrics, switchover).
#
#   hb_genkey ID                  one key-file line "ID HEX" (hamgr --genkey)
#   hb_keys NODE LINE...          NODE's key file ($LIB_TMP/NODE.authkey, 0600)
#   hb_start NODE [lib_vrrp_conf args] [port=N]
#                                 hamgr with protocol "hamgr" on NODE, its
#                                 key file as auth-key-file (int=30ms unless
#                                 given: Master_Down ~110 ms, so a VM that
#                                 stalls a daemon 40 ms, as seen under ASan,
#                                 moves nothing; at 10 ms it did); the text
#                                 is kept for hb_restart
#   hb_restart NODE               start NODE again with the same config
#   hb_rekey NODE LINE...         new key file, then SIGHUP (HB_REKEY=hup,
#                                 the default) or a restart (HB_REKEY=restart)
#   hb_metrics NODE               hactl metrics into $LIB_TMP/metrics (format
#                                 checked) and $LIB_TMP/NODE.metrics
#   hb_drops NODE REASON          NODE's drop counter for REASON (0: none)
#   hb_drop_snapshot NODE         remember every drop counter of NODE
#   hb_drop_delta NODE REASON     growth since the snapshot
#   hb_drop_zero NODE             the snapshot of a daemon started again: 0
#   hb_rx_above NODE FLOOR        NODE accepted more heartbeats than FLOOR
#   hb_transitions NODE           "FROM->TO ..." in NODE's log since the mark
#   hb_rogue NODE ARGS...         hbrogue in NODE's namespace; its per-kind
#                                 lines into HB_SENT[KIND], HB_REASON[KIND]
#
# The daemon's metric names and labels are guesses until the wiring lands:
# they are all here, in HB_M_* and the reason names below, nowhere else.

# shellcheck source=test/netns/lib_metrics.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_metrics.sh"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "${BASH_SOURCE[0]}")/hactl.sh"

# ------------------------------------------------ names of the daemon's
# (hamgr/hactl/metrics.c metrics_heartbeat, hamgr/hbproto.c drop names, as
# of main 03b7b26). Sent and received are daemon-wide (one counter, one
# replay window for every instance of the protocol); drops too.
HB_M_DROPS=hamgr_heartbeat_drops_total         # {reason="..."}
HB_M_RX=hamgr_heartbeats_received_total        # authentic, fresh: reached an instance
HB_M_TX=hamgr_heartbeats_sent_total
HB_M_JOINS=hamgr_heartbeat_joins_total         # sessions (re)started by an answered challenge
HB_M_ANSWERS=hamgr_heartbeat_answers_total     # sent at once to answer a challenge
HB_M_PEERS=hamgr_heartbeat_peers               # gauge: peers joined
HB_M_TRANSITIONS=hamgr_transitions_total       # {instance="NAME"}
HB_DROP_LABEL=reason
HB_INST_LABEL=instance
# Reasons: heartbeat_reason_str() names (hbrogue prints the one for each
# kind it sends), replay verdicts, and the daemon's own.
HB_R_DECODE="short magic version type field interval length target nonce name"
HB_R_AUTH="key mac"
HB_R_REPLAY="dup old old_boot unverified full"
HB_R_OTHER="own_name no_instance not_allowed"
HB_R_ALL="$HB_R_DECODE $HB_R_AUTH $HB_R_REPLAY $HB_R_OTHER"
# The config lines of the wiring.
HB_CONF_KEYFILE=auth-key-file
HB_CONF_PORT=heartbeat-port
HB_CONF_PROTOCOL='protocol = "hamgr"'
# ------------------------------------------------------------------------

HB_REKEY=${HB_REKEY:-hup}
declare -A HB_TEXT=()          # node -> config text of its last hb_start
declare -A HB_SNAP=()          # "node reason" -> drop counter at the snapshot
declare -A HB_SENT=()          # hbrogue kind -> packets sent (last hb_rogue)
declare -A HB_REASON=()        # hbrogue kind -> the reason a receiver gives
HB_RC=0                        # exit status of the last hbrogue
HB_TOTAL=0                     # datagrams it sent

hb_require() {
	lib_require_bin hbrogue
	"$LIB_TOOLS/hbrogue" selftest >"$LIB_TMP/hbrogue.selftest" 2>&1 || {
		cat "$LIB_TMP/hbrogue.selftest"
		lib_fail "hbrogue selftest failed"
	}
	lib_log "$(tail -n 1 "$LIB_TMP/hbrogue.selftest")"
}

hb_genkey() {
	"$LIB_HAMGR" --genkey="$1" || lib_fail "hamgr --genkey=$1"
}

# hb_keys NODE LINE...: each LINE "ID HEX [send]".
hb_keys() {
	local n=$1 f=$LIB_TMP/$1.authkey
	shift
	(umask 077 && printf '%s\n' "$@" >"$f.new") || lib_fail "cannot write $f"
	chmod 600 "$f.new"
	mv -f "$f.new" "$f"
	lib_log "$n: key file with ids $(awk '{ printf "%s%s%s", s, $1, ($3 == "send" ? "(send)" : ""); s = "," }' "$f")"
}

# hb_conf NODE [lib_vrrp_conf args] [port=N]: the text in HB_CONF_TEXT.
hb_conf() {
	local n=$1 kv port="" args=() int=int=30ms extra=""
	shift
	for kv in "$@"; do
		case $kv in
		port=*) port=${kv#*=} ;;
		int=*) int=$kv ;;
		extra=*) extra=${kv#*=} ;;
		*) args+=("$kv") ;;
		esac
	done
	[ -f "$LIB_TMP/$n.authkey" ] || lib_fail "hb_conf: $n has no key file (hb_keys first)"
	mkdir -p "$LIB_TMP/$n.state"
	lib_vrrp_conf "$n" impl=hamgr "$int" "${args[@]}" extra="    $HB_CONF_PROTOCOL${extra:+
$extra}"
	# shellcheck disable=SC2153 # set by lib_vrrp_conf
	HB_CONF_TEXT="$HB_CONF_KEYFILE = \"$LIB_TMP/$n.authkey\"
state-directory = \"$LIB_TMP/$n.state\"
$([ -n "$port" ] && echo "$HB_CONF_PORT = $port")
$LIB_CONF_TEXT"
}

hb_start() {
	local n=$1
	hb_conf "$@"
	HB_TEXT[$n]=$HB_CONF_TEXT
	lib_hamgr_start "$n" "$HB_CONF_TEXT"
}

hb_restart() {
	[ -n "${HB_TEXT[$1]:-}" ] || lib_fail "hb_restart: $1 was never started"
	lib_hamgr_start "$1" "${HB_TEXT[$1]}"
}

hb_rekey() {
	local n=$1
	shift
	hb_keys "$n" "$@"
	if [ "$HB_REKEY" = restart ]; then
		lib_hamgr_stop "$n"
		hb_restart "$n"
		hb_drop_zero "$n"
	else
		lib_hamgr_reload "$n" "${HB_TEXT[$n]}"
	fi
}

hb_metrics() {
	lib_exec "$1" "$HACTL" -s "$LIB_TMP/$1.sock" metrics >"$LIB_TMP/metrics" 2>"$LIB_TMP/err" ||
		lib_fail "$1: hactl metrics failed: $(cat "$LIB_TMP/err")"
	check_exposition "$LIB_TMP/metrics" >/dev/null
	cp "$LIB_TMP/metrics" "$LIB_TMP/$1.metrics"
}

# The value of SERIES (exact text before the value) in NODE's last
# hb_metrics, 0 when absent.
hb_series() {
	local v
	v=$(awk -v s="$2" 'index($0, s " ") == 1 { print $NF }' "$LIB_TMP/$1.metrics")
	printf '%.0f\n' "${v:-0}"
}

hb_drops() {
	hb_series "$1" "$HB_M_DROPS{$HB_DROP_LABEL=\"$2\"}"
}

# hb_inst NODE METRIC [INSTANCE]: a per-instance series (default web).
hb_inst() {
	hb_series "$1" "$2{$HB_INST_LABEL=\"${3:-web}\"}"
}

# Daemon-wide heartbeats received (accepted) and sent, of NODE's last
# hb_metrics.
hb_rx() {
	hb_series "$1" "$HB_M_RX"
}

hb_tx() {
	hb_series "$1" "$HB_M_TX"
}

# Every drop reason of NODE now, for hb_drop_delta.
hb_drop_snapshot() {
	local n=$1 r
	hb_metrics "$n"
	for r in $HB_R_ALL; do
		HB_SNAP["$n $r"]=$(hb_drops "$n" "$r")
	done
}

# NODE's daemon started again: its counters start from 0.
hb_drop_zero() {
	local r
	for r in $HB_R_ALL; do
		HB_SNAP["$1 $r"]=0
	done
}

# Needs a fresh hb_metrics NODE.
hb_drop_delta() {
	echo $(($(hb_drops "$1" "$2") - ${HB_SNAP["$1 $2"]:-0}))
}

# "reason=N ..." of every reason that grew since the snapshot.
hb_drop_deltas() {
	local n=$1 r d out=""
	for r in $HB_R_ALL; do
		d=$(hb_drop_delta "$n" "$r")
		[ "$d" != 0 ] && out+="${out:+ }$r=$d"
	done
	# Reasons the daemon has and this list does not: shown, never lost.
	out+=$(awk -v m="$HB_M_DROPS{$HB_DROP_LABEL=\"" -v known=" $HB_R_ALL " '
		index($0, m) == 1 { r = substr($0, length(m) + 1); sub(/".*/, "", r)
			if (index(known, " " r " ") == 0) printf " %s=%s(total,unlisted)", r, $NF }' \
		"$LIB_TMP/$n.metrics")
	echo "${out:-none}"
}

hb_rogue() {
	local n=$1 line kv kind sent reason
	shift
	lib_exec "$n" "$LIB_TOOLS/hbrogue" "$@" >"$LIB_TMP/hbrogue.out" 2>&1
	HB_RC=$?
	sed 's/^/    /' "$LIB_TMP/hbrogue.out"
	HB_SENT=()
	HB_REASON=()
	while read -r line; do
		kind="" sent="" reason=""
		for kv in ${line#hbrogue: }; do
			case $kv in
			kind=*) kind=${kv#*=} ;;
			sent=*) sent=${kv#*=} ;;
			reason=*) reason=${kv#*=} ;;
			esac
		done
		[ -n "$kind" ] && HB_SENT[$kind]=$sent HB_REASON[$kind]=$reason
	done < <(grep '^hbrogue: kind=' "$LIB_TMP/hbrogue.out")
	HB_TOTAL=$(sed -n 's/^hbrogue: sent=\([0-9]*\) .*/\1/p' "$LIB_TMP/hbrogue.out" | tail -n 1)
	HB_TOTAL=${HB_TOTAL:-0}
}

# The same in the background; hb_rogue_wait collects it (at most 130 s).
hb_rogue_bg() {
	local n=$1
	shift
	lib_exec "$n" "$LIB_TOOLS/hbrogue" "$@" >"$LIB_TMP/hbrogue.bg.out" 2>&1 &
	HB_BG=$!
	LIB_BG+=("$HB_BG")
}

hb_rogue_wait() {
	local i
	for ((i = 0; i < 1300; i++)); do
		kill -0 "$HB_BG" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$HB_BG" 2>/dev/null && { kill "$HB_BG"; lib_fail "hbrogue still running"; }
	wait "$HB_BG"
	HB_RC=$?
	sed 's/^/    /' "$LIB_TMP/hbrogue.bg.out"
	HB_TOTAL=$(sed -n 's/^hbrogue: sent=\([0-9]*\) .*/\1/p' "$LIB_TMP/hbrogue.bg.out" | tail -n 1)
	HB_TOTAL=${HB_TOTAL:-0}
}

# NODE accepts (counts received) more heartbeats than FLOOR, for lib_poll.
# shellcheck disable=SC2317 # called through lib_poll
hb_rx_above() {
	hb_metrics "$1"
	[ "$(hb_rx "$1")" -gt "$2" ]
}

# Transitions NODE's log shows since the mark, as "FROM->TO ...".
hb_transitions() {
	lib_log_since_mark "$1" | grep -Eo "instance ${LIB_INST[$1]:-web}: [A-Z]+ -> [A-Z]+" |
		awk '{ printf "%s%s->%s", s, $3, $5; s = " " }'
}
