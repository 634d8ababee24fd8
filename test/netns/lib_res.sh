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
