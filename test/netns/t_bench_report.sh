#!/bin/bash
# t_bench_report: bench/report.sh on a copy of docs/BENCHMARKS.md with only
# a failover bench's results (a made-up failover.csv and table): the page
# gains a "Failover" section with the table and, where gnuplot is
# installed, the outage chart (docs/bench/failover.svg, one column per
# interval and implementation, a bar at each median); every other line of
# the page stays as it was (the sections whose results are absent keep
# their tables); a second run changes nothing; a run without the failover
# results keeps the section. No network, no daemon.
. "$(dirname "$0")/lib.sh"
[ "$LIB_IMPL" = hamgr ] || lib_skip "hamgr only"
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$LIB_TMP/out doc=$LIB_TMP/docs/BENCHMARKS.md
mkdir -p "$out" "$LIB_TMP/docs"
# The page without its Failover section, if it has one: the section is
# what the test expects report.sh to add.
awk '/^## Failover$/ { skip = 1; next } skip && /^## / { skip = 0 } !skip' \
	"$root/docs/BENCHMARKS.md" >"$LIB_TMP/page0"
cp "$LIB_TMP/page0" "$doc"

# Two intervals x two implementations, node death and SIGTERM, three runs
# a cell, and one failed run (no outage): known medians.
{
	echo "run,interval,scenario,impl,rep,status,gap_ms,switch_ms,wire_ms,phase,sent,answered,lost,first,last,switches,path,vipgap_ms,delgarp_ms,rate,pre_to,post_to,confirm_us"
	id=0
	for iv in 100ms 10ms; do
		for sc in death stop; do
			for impl in hamgr keepalived; do
				for g in 30 50 40; do
					[ $iv = 100ms ] && g=$((g * 10))
					[ $sc = stop ] && g=$((g / 10))
					[ $impl = keepalived ] && g=$((g + 1))
					id=$((id + 1))
					echo "$id,$iv,$sc,$impl,1,ok,$g,$g,1,0.5,100,99,1,n1,n2,1,garp,1,1,4000,0,0,1"
				done
			done
		done
	done
	echo "99,10ms,death,hamgr,4,fail,,,,0.5,,,,,,,,,,,,,"
} >"$out/failover.csv"
printf 'hamgr failover bench, made up by t_bench_report\nthe table\n' >"$out/failover.txt"

report() {
	BENCH_OUT=$out BENCH_DOC=$doc "$root/bench/report.sh" >"$LIB_TMP/report.out" 2>&1 ||
		{ cat "$LIB_TMP/report.out"; lib_fail "report.sh failed"; }
}
report
cp "$doc" "$LIB_TMP/page1"
# Only lines added, none changed or removed.
removed=$(diff "$LIB_TMP/page0" "$doc" | grep -c '^<')
[ "$removed" = 0 ] || lib_fail "report.sh changed $removed lines of the page; only the Failover section may be new"
[ "$(grep -c '^## Failover$' "$doc")" = 1 ] || lib_fail "no (or more than one) Failover section"
sed -n '/^## Failover$/,/^## /p' "$doc" | grep -q '^the table$' || lib_fail "the Failover section lacks the bench's table"
if command -v gnuplot >/dev/null; then
	svg=$LIB_TMP/docs/bench/failover.svg
	[ -s "$svg" ] || lib_fail "no $svg"
	grep -q '!\[Failover outage per run\](bench/failover.svg)' "$doc" || lib_fail "the chart is not on the page"
	for label in "100ms hamgr" "100ms keepalived" "10ms hamgr" "10ms keepalived"; do
		grep -q "$label" "$svg" || lib_fail "the chart has no column \"$label\""
	done
	# columns: 100ms before 10ms, hamgr before keepalived
	[ "$(cut -f2,3 "$out/failover.cols" | tr '\t\n' ' ,')" = "100ms hamgr,100ms keepalived,10ms hamgr,10ms keepalived," ] ||
		lib_fail "columns out of order: $(tr '\n' ' ' <"$out/failover.cols")"
	[ "$(tr '\t\n' ' ,' <"$out/failover.death.med")" = "1 400,2 401,3 40,4 41," ] ||
		lib_fail "medians of node death: $(tr '\n' ' ' <"$out/failover.death.med"), expected 400 401 40 41"
	[ "$(tr '\t\n' ' ,' <"$out/failover.stop.med")" = "1 40,2 41,3 4,4 5," ] ||
		lib_fail "medians of SIGTERM: $(tr '\n' ' ' <"$out/failover.stop.med"), expected 40 41 4 5"
	# 12 runs of node death, the failed one not among them
	[ "$(wc -l <"$out/failover.death.dat")" = 12 ] || lib_fail "node death: $(wc -l <"$out/failover.death.dat") points, expected 12"
else
	lib_log "gnuplot not installed: no chart checked (make bench-deps)"
	grep -q 'failover.svg' "$doc" && lib_fail "a chart on the page without gnuplot"
fi

report
cmp -s "$LIB_TMP/page1" "$doc" || lib_fail "a second run changed the page: $(diff "$LIB_TMP/page1" "$doc" | head -5)"
rm "$out"/failover.*
report
cmp -s "$LIB_TMP/page1" "$doc" || lib_fail "without the failover results the page changed: $(diff "$LIB_TMP/page1" "$doc" | head -5)"
lib_pass
