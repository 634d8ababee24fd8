#!/bin/bash
# bench/dbfailover.sh: a MariaDB failover as the client sees it, hamgr with
# the mysql resource script (before-vips) next to Debian's keepalived with
# the same script's promote as notify_master, in network namespaces. Not
# part of make check; see bench/README.md.
#
# BENCH_RUNS runs per implementation and mode (bench/dbfailover_run.sh,
# each in fresh namespaces), interleaved so that both implementations see
# the same machine at the same time. Per cell: the time from the fault to
# the first insert the new primary acknowledged, and b's promote
# (min/median/max), acknowledged inserts lost, read-only errors the client
# saw, refused promotions (totals); then the ratios hamgr/keepalived of
# the medians.
#
# Output: the table on stdout and in $BENCH_OUT/dbfailover.txt, one line
# per run in $BENCH_OUT/dbfailover.csv, per-run logs in
# $BENCH_OUT/dblogs/. Exit status 0 when every cell has a measurement,
# 1 otherwise, 77 when it cannot run here.
#
# Environment:
#   BENCH_RUNS    runs per cell (default 5)
#   BENCH_MODES   default "async" (also: semisync, lagging: b's promote
#                 refuses, see dbfailover_run.sh)
#   BENCH_IMPLS   default "hamgr hamgr-pair hamgr-gate keepalived" (hamgr-pair:
#                 unicast pair with settle-gate = 0s; hamgr-gate: that
#                 pair with db-pair-fast.conf's portblock gate)
#   BENCH_PRIOS   "A B", the priorities of a and b for every
#                 implementation (default "254 244": a pair's backup close
#                 under its master waits 5 ms of Skew_Time, not 61 ms as at
#                 100; hamgr.conf(5), priority); "200 100" gives the
#                 numbers bench/README.md had before
#   MY_ATTEMPT_S  the client's bound on one insert (default here 0.1 s:
#                 the client retries that often, so the switch time is
#                 not rounded up to a long attempt)
#   BENCH_OUT     default $HM_BUILD/bench
#   HM_BUILD, HAMGR as for test/netns/lib.sh

set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
export HM_BUILD=${HM_BUILD:-$ROOT/build}
RUNS=${BENCH_RUNS:-5}
MODES=${BENCH_MODES:-async}
IMPLS=${BENCH_IMPLS:-hamgr hamgr-pair hamgr-gate keepalived}
export MY_ATTEMPT_S=${MY_ATTEMPT_S:-0.1}
export BENCH_PRIOS=${BENCH_PRIOS:-254 244}
OUT=${BENCH_OUT:-$HM_BUILD/bench}
PREFIX=hd$$r
CSV=$OUT/dbfailover.csv
TXT=$OUT/dbfailover.txt
T0=$SECONDS

die() { echo "dbbench: $*" >&2; exit "${2:-1}"; }
note() { echo "dbbench: $*" >&2; }
# shellcheck source=bench/lib_sweep.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_sweep.sh"
sweep() { bench_sweep "$PREFIX"; }
on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	[ -n "${CHILD:-}" ] && kill -TERM "$CHILD" 2>/dev/null && wait "$CHILD" 2>/dev/null
	sweep
	exit "$rc"
}
trap on_exit EXIT
trap 'note interrupted; exit 130' INT
trap 'note terminated; exit 143' TERM

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)" 77
if ! [[ $RUNS =~ ^[0-9]+$ ]] || [ "$RUNS" -lt 1 ] || [ "$RUNS" -gt 100 ]; then
	die "BENCH_RUNS must be 1..100" 2
fi
for t in mariadbd mariadb mariadb-install-db keepalived ip timeout; do
	command -v "$t" >/dev/null || die "required tool missing: $t" 77
done
[ -x "${HAMGR:-$HM_BUILD/hamgr}" ] || die "${HAMGR:-$HM_BUILD/hamgr} not built (make)" 77
rm -rf "$OUT/dblogs"
mkdir -p "$OUT/dblogs" || die "cannot create $OUT"
echo "run,impl,mode,switch_ms,acked,lost,ro_errors,refused,promote_ms,vip_on_b" >"$CSV"

field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

n=0
for ((k = 1; k <= RUNS; k++)); do
	for mode in $MODES; do
		for impl in $IMPLS; do
			n=$((n + 1))
			tag=$(printf '%03d' $n)-$impl-$mode
			HM_PREFIX=$PREFIX$n- HM_LOGDIR=$OUT/dblogs/$tag timeout -k 5 120 \
				"$BENCH_DIR/dbfailover_run.sh" "$impl" "$mode" >"$OUT/dblogs/$tag.log" 2>&1 &
			CHILD=$!
			wait "$CHILD"
			rc=$?
			CHILD=""
			sweep
			line=$(grep '^RESULT ' "$OUT/dblogs/$tag.log" | tail -n 1)
			if [ $rc -ne 0 ] || [ -z "$line" ]; then
				note "run $tag failed (exit $rc), see $OUT/dblogs/$tag.log"
				[ $rc -eq 77 ] && die "$(grep SKIP "$OUT/dblogs/$tag.log")" 77
				continue
			fi
			note "$tag: ${line#RESULT }"
			echo "$n,$impl,$mode,$(field switch_ms "$line"),$(field acked "$line"),$(field lost "$line")," \
				"$(field ro_errors "$line"),$(field refused "$line"),$(field promote_ms "$line")," \
				"$(field vip_on_b "$line")" |
				tr -d ' ' >>"$CSV"
		done
	done
done

# stats CSV IMPL MODE COLUMN: "min median max n" of a column (switch_ms
# -1, no switch, left out).
stats() {
	awk -F, -v i="$2" -v m="$3" -v c="$4" '$2 == i && $3 == m && $c >= 0 { print $c }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) { print "- - - 0"; exit }
			med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %d %d %d\n", v[1], med, v[NR], NR }'
}
sum() { awk -F, -v i="$2" -v m="$3" -v c="$4" '$2 == i && $3 == m { s += $c } END { print s + 0 }' "$1"; }
runs() { awk -F, -v i="$2" -v m="$3" '$2 == i && $3 == m' "$1" | wc -l; }

ok=1
{
	echo "MariaDB failover: fault (daemon SIGKILL + link cut on the primary) to the first"
	echo "insert acknowledged by the new primary; 100 ms adverts, priorities ${BENCH_PRIOS/ / and };" \
		"client attempt bound ${MY_ATTEMPT_S} s"
	echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)," \
		"$((SECONDS - T0)) s, $RUNS runs per cell"
	printf '%-8s %-10s %4s  %-20s %-20s %5s %5s %6s %7s %5s\n' mode impl runs "switch ms min/med/max" \
		"promote ms min/med/max" acked lost ro_err refused vip_b
	for mode in $MODES; do
		for impl in $IMPLS; do
			read -r smin smed smax sn <<<"$(stats "$CSV" "$impl" "$mode" 4)"
			read -r pmin pmed pmax _ <<<"$(stats "$CSV" "$impl" "$mode" 9)"
			r=$(runs "$CSV" "$impl" "$mode")
			printf '%-8s %-10s %4s  %-20s %-20s %5s %5s %6s %7s %5s\n' "$mode" "$impl" "$r" \
				"$smin/$smed/$smax" "$pmin/$pmed/$pmax" "$(sum "$CSV" "$impl" "$mode" 5)" \
				"$(sum "$CSV" "$impl" "$mode" 6)" "$(sum "$CSV" "$impl" "$mode" 7)" \
				"$(sum "$CSV" "$impl" "$mode" 8)" "$(sum "$CSV" "$impl" "$mode" 10)"
			[ "$sn" != "$r" ] && echo "    ($((r - sn)) run(s) without any insert acknowledged by the new primary)"
		done
		kk=$(stats "$CSV" keepalived "$mode" 4 | cut -d' ' -f2)
		for impl in $IMPLS; do
			[ "$impl" != keepalived ] || continue
			h=$(stats "$CSV" $impl "$mode" 4 | cut -d' ' -f2)
			if [[ $h =~ ^[0-9]+$ ]] && [[ $kk =~ ^[0-9]+$ ]] && [ "$kk" -gt 0 ]; then
				echo "    $mode: median switch $impl/keepalived = $(awk -v a="$h" -v b="$kk" 'BEGIN { printf "%.2f", a / b }')"
			fi
		done
	done
} >"$TXT"
cat "$TXT"
for mode in $MODES; do
	for impl in $IMPLS; do
		[ "$(runs "$CSV" "$impl" "$mode")" -gt 0 ] || ok=0
	done
done
[ $ok = 1 ]
