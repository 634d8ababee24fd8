#!/bin/bash
# core_symbols.sh: the pure core links nothing but the libc functions in
# test/core_symbols.allow. For every object given (the ones built from
# hamgr/core/*.c), each undefined symbol (nm -u) must be defined by one of
# the objects given or match a line of the allow-list. Prints
#   core: OBJECT: SYMBOL not allowed (core_symbols.allow)
# for each offence and ends with "core: N passed, N failed": one check,
# failed when anything is not allowed. Exits 1 on failure.
#
#   test/core_symbols.sh build/obj/hamgr/core/*.o
#
# CORE_SYMBOLS_ALLOW names another allow-list (to see the check fail).
set -u
here=$(cd "$(dirname "$0")" && pwd)
allow_file=${CORE_SYMBOLS_ALLOW:-$here/core_symbols.allow}

summary() {
	echo "core: $1 passed, $2 failed"
	[ "$2" -eq 0 ]
}
if [ $# -eq 0 ]; then
	echo "core: no objects given (build hamgr first)"
	summary 0 1; exit
fi
for o in "$@"; do
	if [ ! -f "$o" ]; then
		echo "core: $o: no such object (build hamgr first)"
		summary 0 1; exit
	fi
done
command -v nm >/dev/null || { echo "core: nm missing (Debian package binutils)"; summary 0 1; exit; }
[ -r "$allow_file" ] || { echo "core: cannot read $allow_file"; summary 0 1; exit; }

mapfile -t allow < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$allow_file" | grep -v '^$')

# Symbols the core defines for itself (ipaddr_* used by fsm.c ...).
declare -A defined=()
while read -r sym _; do
	defined[$sym]=1
done < <(nm --defined-only -P "$@" 2>/dev/null | grep -v ':$')

allowed() {
	local s=$1 base p
	# __memcpy_chk is memcpy with a bounds check (_FORTIFY_SOURCE).
	base=$s
	case $s in __*_chk) base=${s#__}; base=${base%_chk} ;; esac
	for p in "${allow[@]}"; do
		# Unquoted $p: the allow-list's patterns are shell patterns.
		# shellcheck disable=SC2053
		[[ $s == $p || $base == $p ]] && return 0
	done
	return 1
}

bad=0
for o in "$@"; do
	if ! syms=$(nm -u -P "$o"); then
		echo "core: $o: nm failed"
		bad=$((bad + 1))
		continue
	fi
	while read -r sym _; do
		[ -n "$sym" ] || continue
		[ -n "${defined[$sym]:-}" ] && continue
		allowed "$sym" && continue
		echo "core: $o: $sym not allowed (${allow_file##*/})"
		bad=$((bad + 1))
	done <<<"$syms"
done
if [ $bad -eq 0 ]; then
	summary 1 0
else
	summary 0 1
fi
