# shellcheck shell=bash
# lib_res.sh: resource scripts and tracks for the netns scenarios, on top
# of lib.sh (source lib.sh first). The scenarios use test/netns/scripts/
# res-log, which appends "EPOCH_US NODE RESOURCE ACTION begin|end ..." to
# one log file per run ($RES_LOG), and `ip -ts monitor address` in each
# node for the moments addresses appear and go.

RES_SCRIPT=$LIB_ROOT/test/netns/scripts/res-log
RES_LOG=$LIB_TMP/resources.log
: >"$RES_LOG"

# One resource section: res_section NAME PHASE [PARAM=VALUE ...]; extra
# option lines (on-fail, timeout, monitor-interval ...) through
# RES_OPTS="...". Prints the section.
res_section() {
	local name=$1 phase=$2 p params="\"log=$RES_LOG\""
	shift 2
	for p in "$@"; do params+=", \"$p\""; done
	cat <<CONF
    resource $name {
        script = "$RES_SCRIPT"
        phase = "$phase"
        params = {$params}
${RES_OPTS:-}
    }
CONF
}

# Start `ip -ts monitor address` in NODE; lines go to $LIB_TMP/NODE.addrmon.
res_addrmon_start() {
	ip netns exec "$LIB_PREFIX$1" ip -ts monitor address >"$LIB_TMP/$1.addrmon" 2>&1 &
	LIB_BG+=("$!")
}

# Epoch microseconds at which ADDR was added (event=add) or deleted
# (event=del) on NODE, the first such event; empty if none.
res_addr_time() {
	local n=$1 addr=$2 ev=$3 line ts
	if [ "$ev" = del ]; then
		line=$(grep -F " $addr/" "$LIB_TMP/$n.addrmon" | grep -F 'Deleted' | head -n 1)
	else
		line=$(grep -F " $addr/" "$LIB_TMP/$n.addrmon" | grep -vF 'Deleted' | head -n 1)
	fi
	[ -n "$line" ] || return 0
	ts=$(sed -n 's/^\[\([^]]*\)\].*/\1/p' <<<"$line")
	date -u -d "$ts" +%s%6N
}

# Epoch microseconds of the first "NODE RES ACTION begin|end" line.
res_time() {
	awk -v n="$1" -v r="$2" -v a="$3" -v e="$4" \
		'$2 == n && $3 == r && $4 == a && $5 == e { print $1; exit }' "$RES_LOG"
}

# Whether the VIP was on NODE at the first "RES ACTION begin|end": 0 or 1
# (recorded by res-log inside the node: no clocks compared).
res_vip_at() {
	awk -v n="$1" -v r="$2" -v a="$3" -v e="$4" \
		'$2 == n && $3 == r && $4 == a && $5 == e {
			for (i = 6; i <= NF; i++) if ($i ~ /^vip=/) { print substr($i, 5); exit } }' "$RES_LOG"
}

# How many times NODE ran ACTION of RES (begin lines).
res_count() {
	awk -v n="$1" -v r="$2" -v a="$3" \
		'$2 == n && $3 == r && $4 == a && $5 == "begin" { c++ } END { print c + 0 }' "$RES_LOG"
}

# Fail unless time A < time B (both epoch us, non-empty).
res_assert_before() {
	local what=$1 a=$2 b=$3
	[ -n "$a" ] && [ -n "$b" ] || lib_fail "$what: a time is missing ('$a', '$b')"
	[ "$a" -lt "$b" ] || lib_fail "$what: $a is not before $b"
	lib_log "$what: $(((b - a) / 1000)) ms apart"
}

# Every ACTION of RES in the run (begin lines), all nodes together.
res_count_all() {
	awk -v r="$1" -v a="$2" \
		'$3 == r && $4 == a && $5 == "begin" { c++ } END { print c + 0 }' "$RES_LOG"
}

# Nodes that ran ACTION of RES (begin lines), space separated, sorted.
res_nodes() {
	awk -v r="$1" -v a="$2" '$3 == r && $4 == a && $5 == "begin" { print $2 }' "$RES_LOG" |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}

# The exit status on the first "NODE RES ACTION end" line, empty if none.
res_rc() {
	awk -v n="$1" -v r="$2" -v a="$3" \
		'$2 == n && $3 == r && $4 == a && $5 == "end" { print $6; exit }' "$RES_LOG"
}

# Print NODE's RES ACTION lines (begin and end), for the scenario's output.
res_show() {
	awk -v n="$1" -v r="$2" '$2 == n && $3 == r' "$RES_LOG" | sed 's/^/    /'
}

res_count_ge() {
	[ "$(res_count "$1" "$2" "$3")" -ge "$4" ]
}

# Wait (at most TIMEOUT_S) until NODE ran ACTION of RES at least N times.
res_wait_count() {
	local n=$1 r=$2 a=$3 want=$4 t=$5
	lib_poll "$t" res_count_ge "$n" "$r" "$a" "$want" ||
		lib_fail "$n ran $r $a $(res_count "$n" "$r" "$a") time(s), expected at least $want within $t s"
	lib_log "$n ran $r $a $(res_count "$n" "$r" "$a") time(s)"
}

# Whether res-log left RES promoted on NODE (its role file exists).
res_promoted() {
	[ -e "$RES_LOG.$1.$2.role" ]
}

# Processes in NODE's namespace whose command line mentions WORD (default
# res-log), as "PID CMDLINE" lines; empty if none.
res_procs() {
	local n=$1 word=${2:-res-log} p cmd
	for p in $(ip netns pids "$LIB_PREFIX$n" 2>/dev/null); do
		cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)
		[[ $cmd == *"$word"* ]] && echo "$p $cmd"
	done
}

# Drop VRRP and the peer announcements (UDP 5798) in the bridge: the nodes
# stop hearing each other altogether (lib_vrrp_block drops VRRP only).
res_block_peers() {
	ip netns exec "$LIB_BR" nft -f - <<-EOF2 || lib_fail "nft: cannot block"
		table bridge hmresblock {
			chain drop_peers {
				type filter hook forward priority 0; policy accept;
				ip protocol 112 drop
				ip6 nexthdr 112 drop
				udp dport 5798 drop
			}
		}
	EOF2
}

res_unblock_peers() {
	ip netns exec "$LIB_BR" nft delete table bridge hmresblock || lib_fail "nft: cannot unblock"
}

# Epoch microseconds of the Nth (1-based) "NODE RES ACTION begin|end" line.
res_time_nth() {
	awk -v n="$1" -v r="$2" -v a="$3" -v e="$4" -v k="$5" \
		'$2 == n && $3 == r && $4 == a && $5 == e && ++c == k { print $1; exit }' "$RES_LOG"
}

# How many times NODE's ACTION of RES ended with RC, at or after SINCE (epoch
# us, default 0).
res_count_rc() {
	awk -v n="$1" -v r="$2" -v a="$3" -v rc="$4" -v t="${5:-0}" \
		'$2 == n && $3 == r && $4 == a && $5 == "end" && $6 == rc && $1 >= t { c++ }
		END { print c + 0 }' "$RES_LOG"
}

res_count_rc_ge() {
	[ "$(res_count_rc "$1" "$2" "$3" "$4" "$5")" -ge "$6" ]
}

# Wait (at most TIMEOUT_S) until NODE's ACTION of RES ended with RC at least
# N times since SINCE: res_wait_rc NODE RES ACTION RC SINCE N TIMEOUT_S
res_wait_rc() {
	lib_poll "$7" res_count_rc_ge "$1" "$2" "$3" "$4" "$5" "$6" ||
		lib_fail "$1: $2 $3 ended $(res_count_rc "$1" "$2" "$3" "$4" "$5") time(s) with $4, expected $6 within $7 s"
	lib_log "$1: $2 $3 ended with $4 $(res_count_rc "$1" "$2" "$3" "$4" "$5") time(s)"
}

# Start hamgr on every NODE at the same instant, each with the config in
# $LIB_TMP/NODE.conf (lib_hamgr_write_conf first): every wrapper waits for
# one file to appear, then execs. Sets LIB_PID, LIB_KIND and a log mark
# per node, as lib_hamgr_start does.
res_hamgr_start_together() {
	local go=$LIB_TMP/go.$$.$RANDOM n i
	rm -f "$go"
	for n in "$@"; do
		[ -z "${LIB_PID[$n]:-}" ] || lib_fail "$n already runs a daemon"
		rm -f "$LIB_TMP/$n.pid" "$LIB_TMP/$n.exit"
		lib_log_mark "$n"
		echo "=== hamgr start (together) $(date +%T.%N) ===" >>"$LIB_TMP/$n.log"
		(
			for ((i = 0; i < 5000; i++)); do
				[ -e "$go" ] && break
				sleep 0.001
			done
			# shellcheck disable=SC2086 # HM_HAMGR_ARGS: several words
			ip netns exec "$LIB_PREFIX$n" "$LIB_HAMGR" ${HM_HAMGR_ARGS--d} \
				-f "$LIB_TMP/$n.conf" >>"$LIB_TMP/$n.log" 2>&1 &
			echo $! >"$LIB_TMP/$n.pid"
			wait $!
			echo $? >"$LIB_TMP/$n.exit"
		) 2>/dev/null &
		LIB_BG+=("$!")
	done
	sleep 0.05
	: >"$go"
	for n in "$@"; do
		for ((i = 0; i < 200; i++)); do
			[ -s "$LIB_TMP/$n.pid" ] && break
			sleep 0.01
		done
		LIB_PID[$n]=$(cat "$LIB_TMP/$n.pid" 2>/dev/null)
		[ -n "${LIB_PID[$n]}" ] || lib_fail "$n: hamgr did not start"
		LIB_KIND[$n]=hamgr
	done
	lib_log "$*: hamgr started together (pids $(for n in "$@"; do printf '%s ' "${LIB_PID[$n]}"; done))"
}
