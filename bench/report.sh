#!/bin/bash
# report.sh: docs/BENCHMARKS.md from the results of bench/scale.sh (and
# bench/failover.sh, when its table exists), with SVG charts drawn by
# gnuplot (Debian package gnuplot-nox; `make bench-deps`) in docs/bench/.
# Environment: BENCH_OUT (default $HM_BUILD/bench), BENCH_DOC (default
# docs/BENCHMARKS.md), BENCH_TERM and BENCH_EXT (another gnuplot terminal
# and file extension for the charts, e.g. "pngcairo" and png to look at).
# Charts: scale_cpu.svg (CPU against instances), addrs.svg (1,000
# addresses), failover.svg (the outage of every failover run, per
# interval and implementation).
# What is written by hand stays: the "### " subsections of the generated
# sections, and everything from "## Protocol hamgr" on. Text between a
# generated table and the first "### " is replaced with the table. A
# section whose results are not in BENCH_OUT (one bench run on its own)
# keeps its tables as the page has them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
HM_BUILD=${HM_BUILD:-$root/build}
OUT=${BENCH_OUT:-$HM_BUILD/bench}
DOC=${BENCH_DOC:-$root/docs/BENCHMARKS.md}
SVG=$(dirname "$DOC")/bench
mkdir -p "$SVG"

# field CSV KEY...: the values of KEY in each RESULT line, tab separated.
fields() {
	local csv=$1
	shift
	[ -s "$csv" ] || return 0
	awk -v keys="$*" 'BEGIN { n = split(keys, k, " ") }
		{ delete v; for (i = 2; i <= NF; i++) { split($i, p, "="); v[p[1]] = p[2] }
		  line = ""; for (j = 1; j <= n; j++) line = line (j > 1 ? "\t" : "") v[k[j]]
		  print line }' "$csv"
}

machine() {
	echo "- CPU: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores"
	echo "- memory: $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- kernel: $(uname -r)"
	echo "- keepalived: $(keepalived --version 2>&1 | head -n 1)"
	echo "- hamgr: $(git -C "$root" describe --always --dirty 2>/dev/null)"
	[ -f "$OUT/scale.meta" ] && sed 's/^/- /' "$OUT/scale.meta"
}

scale_table() {
	echo "| instances | impl | master CPU % | backup CPU % | master RSS kB | backup RSS kB | settled in s | false takeovers |"
	echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	fields "$OUT/scale.csv" n impl master_cpu backup_cpu master_rss_kb backup_rss_kb settle_s false_takeovers |
		sort -n -k1,1 -k2,2 | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
}

scale_chart() {
	local d=$OUT/scale impl plot=""
	local term=${BENCH_TERM:-'svg size 760,480 dynamic font "sans,12"'}
	[ -s "$OUT/scale.csv" ] && command -v gnuplot >/dev/null || return 0
	for impl in hamgr keepalived hamgr-before; do
		# the mean of the rounds at each count
		fields "$OUT/scale.csv" n impl master_cpu backup_cpu |
			awk -F'\t' -v i="$impl" '$2 == i { k[$1]++; m[$1] += $3; b[$1] += $4 }
				END { for (n in k) printf "%s\t%s\t%.3f\t%.3f\n", n, i, m[n] / k[n], b[n] / k[n] }' |
			sort -n -k1,1 >"$d.$impl.dat"
	done
	# log scale: a 0 (below the tick resolution) is drawn at 0.01
	local u3="using 1:(\$3 < 0.01 ? 0.01 : \$3)" u4="using 1:(\$4 < 0.01 ? 0.01 : \$4)"
	plot="'$d.hamgr.dat' $u3 with linespoints lw 2 title 'hamgr master'"
	plot+=", '$d.hamgr.dat' $u4 with linespoints lw 2 title 'hamgr backup'"
	plot+=", '$d.keepalived.dat' $u3 with linespoints lw 2 dt 2 title 'keepalived master'"
	plot+=", '$d.keepalived.dat' $u4 with linespoints lw 2 dt 2 title 'keepalived backup'"
	if [ -s "$d.hamgr-before.dat" ]; then
		plot+=", '$d.hamgr-before.dat' $u3 with linespoints lw 1 dt 3 title 'hamgr before (master)'"
		plot+=", '$d.hamgr-before.dat' $u4 with linespoints lw 1 dt 3 title 'hamgr before (backup)'"
	fi
	gnuplot <<GP
set terminal $term
set output "$SVG/scale_cpu.${BENCH_EXT:-svg}"
set title "Idle CPU against instances (advert interval 100 ms)"
set xlabel "instances per node"
set ylabel "CPU, % of one core (log scale)"
set logscale y
set xrange [-10:265]
set key outside below
set xtics (1, 100, 255)
set grid
set datafile separator "\t"
plot $plot
GP
	echo "![CPU against instances](bench/scale_cpu.svg)"
}

addrs_table() {
	echo "| IPv4 + IPv6 | impl | SIGTERM to first address ms | first to last ms | SIGTERM to last ms | decision to last ms |"
	echo "| --- | --- | ---: | ---: | ---: | ---: |"
	fields "$OUT/addrs.csv" v4 v6 impl stop_to_first_ms first_to_last_ms stop_to_last_ms decision_to_last_ms |
		sort -t$'\t' -k1,1nr -k3,3 | awk -F'\t' 'function d(x) { return x == "" || x < 0 ? "-" : x }
			{ printf "| %s + %s | %s | %s | %s | %s | %s |\n", d($1), d($2), $3, d($4), $5, d($6), d($7) }'
}

addrs_chart() {
	local d=$OUT/addrs.dat
	local term=${BENCH_TERM:-'svg size 640,360 dynamic font "sans,12"'}
	[ -s "$OUT/addrs.csv" ] && command -v gnuplot >/dev/null || return 0
	# one bar per implementation and layout ("hamgr 200/800"); ip, the
	# kernel's floor, has no SIGTERM
	fields "$OUT/addrs.csv" impl v4 v6 stop_to_first_ms first_to_last_ms |
		awk -F'\t' '{ k = $1 " " ($2 == "" ? 200 : $2) "/" ($3 == "" ? 800 : $3)
			n[k]++; a[k] += ($4 < 0 ? 0 : $4); b[k] += $5 }
			END { for (i in n) printf "%s\t%.0f\t%.0f\n", i, a[i] / n[i], b[i] / n[i] }' |
		sort >"$d"
	gnuplot <<GP
set terminal $term
set output "$SVG/addrs.${BENCH_EXT:-svg}"
set title "Takeover of 1,000 addresses (mean of the runs)"
set ylabel "ms"
set style data histograms
set style histogram rowstacked
set style fill solid 0.7 border -1
set boxwidth 0.5
set grid ytics
set key outside right top
set datafile separator "\t"
plot "$d" using 2:xtic(1) title "SIGTERM to first address", "" using 3 title "first to last address"
GP
	echo "![Takeover of 1,000 addresses](bench/addrs.svg)"
}

# failover_chart: docs/bench/failover.svg, the client-visible outage of
# every run of bench/failover.sh (failover.csv's gap_ms), one panel per
# scenario, one column per interval and implementation: a point per run
# (spread sideways so equal values stay visible) and a bar at the median.
failover_chart() {
	local d=$OUT/failover term=${BENCH_TERM:-'svg size 760,420 dynamic font "sans,11"'}
	local sc panels="" n=0
	[ -s "$OUT/failover.csv" ] && command -v gnuplot >/dev/null || return 0
	# Columns: interval (longest first), then implementation. Runs that
	# failed have no outage.
	awk -F, 'function secs(iv) { return iv ~ /ms$/ ? substr(iv, 1, length(iv) - 2) / 1000 : substr(iv, 1, length(iv) - 1) + 0 }
		NR > 1 && $6 != "fail" && $7 != "" { print secs($2) "\t" $2 "\t" $4 }' "$OUT/failover.csv" |
		sort -t$'\t' -k1,1gr -k3,3 -u | awk -F'\t' '{ print NR "\t" $2 "\t" $3 }' >"$d.cols"
	for sc in death stop switch; do
		# column, outage, colour (by implementation)
		awk -F, -v sc="$sc" 'NR == FNR { col[$2 "," $3] = $1
				clr[$1] = $3 == "hamgr" ? 1 : $3 == "keepalived" ? 2 : $3 == "hamgr-hb" ? 3 : 4; next }
			FNR > 1 && $3 == sc && $6 != "fail" && $7 != "" {
				c = col[$2 "," $4]; print c "\t" $7 "\t" clr[c] }' \
			FS='\t' "$d.cols" FS=, "$OUT/failover.csv" >"$d.$sc.dat"
		[ -s "$d.$sc.dat" ] || continue
		# the median of each column
		sort -t$'\t' -k1,1n -k2,2g "$d.$sc.dat" | awk -F'\t' '
			{ v[$1, ++k[$1]] = $2 }
			END { for (c in k) { n = k[c]; m = (n % 2) ? v[c, (n + 1) / 2] : (v[c, n / 2] + v[c, n / 2 + 1]) / 2
				printf "%s\t%s\n", c, m } }' | sort -n >"$d.$sc.med"
		n=$((n + 1))
		panels+="$sc "
	done
	[ $n -gt 0 ] || return 0
	local xt
	xt=$(awk -F'\t' '{ printf "%s\"%s %s\" %s", (NR > 1 ? ", " : ""), $2, $3, $1 }' "$d.cols")
	{
		echo "set terminal $term"
		echo "set output \"$SVG/failover.${BENCH_EXT:-svg}\""
		echo "set multiplot layout 1,$n title \"Client-visible outage of each failover run (bench/failover.sh)\""
		echo "set logscale y"
		echo "set ylabel \"outage, ms (log scale)\""
		echo "set xtics ($xt) rotate by -30"
		echo "set xrange [0.4:$(wc -l <"$d.cols").6]"
		echo "set grid ytics"
		echo "set bmargin 6"
		echo "set key off"
		printf '%s\n' 'set datafile separator "\t"'
		for sc in $panels; do
			case $sc in
			death) echo "set title \"node death (link cut + SIGKILL)\"" ;;
			stop) echo "set title \"SIGTERM (priority 0)\"" ;;
			switch) echo "set title \"hactl switchover\"" ;;
			esac
			# a fixed sideways spread per run: the chart is the same
			# each time it is drawn from the same file
			echo "plot \"$d.$sc.dat\" using (\$1 + 0.25 * (2 * (\$0 * 0.618034 - floor(\$0 * 0.618034)) - 1)):2:3 with points pt 7 ps 0.6 lc variable, \\"
			echo "     \"$d.$sc.med\" using 1:2:(0.35) with xerrorbars pt -1 lw 3 lc rgb \"black\""
		done
		echo "unset multiplot"
	} | gnuplot
	echo "![Failover outage per run](bench/failover.svg)"
}

starvation_table() {
	echo "| instances | interval | load | impl | realtime-priority | seconds | SIGSTOPs | false takeovers | roles lost by the master | backup CPU % |"
	echo "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	fields "$OUT/starvation.csv" n interval load impl rt secs stops false_takeovers master_lost backup_cpu |
		awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, ($4 == "keepalived" ? "-" : $5), $6, ($3 == "cpu" ? "-" : $7), $8, $9, $10 }'
}

# The sections from protocol "hamgr" on (bench/failover_hb.sh,
# starvation_hb.sh; the send path, measured with perf; the conntrack-sync
# stall) are written by hand, with their reading of the numbers: kept as
# they are, at the end of the page.
KEEP=$(sed -n '/^## Protocol hamgr: node death and handover$/,$p' "$DOC" 2>/dev/null)

# kept HEADING: the hand-written subsections (from the first "### " on)
# of a generated section of the page as it is, printed after the new
# tables: what a measurement by hand found stays when the page is
# written again.
kept() {
	[ -f "$DOC" ] || return 0
	awk -v h="$1" '
		$0 == h { in_sec = 1; next }
		in_sec && /^## / { exit }
		in_sec && /^### / { sub_sec = 1 }
		sub_sec { print }' "$DOC"
}
# section HEADING: the whole section, heading included, as the page has it.
section() {
	[ -f "$DOC" ] || return 0
	awk -v h="$1" '$0 == h { in_sec = 1; print; next }
		in_sec && /^## / { exit }
		in_sec { print }' "$DOC"
}
# tables HEADING: the generated part of a section as the page has it,
# from its first table line to its first "### ".
tables() {
	[ -f "$DOC" ] || return 0
	awk -v h="$1" '$0 == h { in_sec = 1; next }
		in_sec && /^##/ { exit }
		in_sec && /^[|]/ { on = 1 }
		on { print }' "$DOC"
}
KEEP_SCALE=$(kept "## Idle CPU and memory against instances")
KEEP_ADDRS=$(kept "## Takeover of 1,000 addresses")
KEEP_STARVE=$(kept "## Stability under load")
KEEP_FAILOVER=$(kept "## Failover")
# A section whose results are not in $OUT (a bench run on its own, such
# as bench/failover.sh) keeps its tables as the page has them.
OLD_FAILOVER=$(section "## Failover")
OLD_MACHINE=$(section "## Machine" | grep '^- ')
OLD_SCALE=$(tables "## Idle CPU and memory against instances")
OLD_ADDRS=$(tables "## Takeover of 1,000 addresses")
OLD_STARVE=$(tables "## Stability under load")

{
	cat <<'MD'
# Benchmarks

Written by `bench/report.sh` from the results of `make bench`
(bench/scale.sh, bench/failover.sh); bench/README.md says how each is
measured. hamgr and Debian's keepalived run in the same session, on the
same machine, in network namespaces built for each run. "hamgr-before"
rows, when present, are an older hamgr run beside them
(`BENCH_BASE_HAMGR=path/to/hamgr`): here the one before issue 11, with a
raw socket per instance.

The machine is shared with other work (tests of other branches ran at the
same time), so single CPU figures move by some tenths of a percent from
run to run; the ratios and the counts of false takeovers are what to read.

## Machine

MD
	if [ -f "$OUT/scale.meta" ] || [ -z "$OLD_MACHINE" ]; then
		machine
	else
		printf '%s\n' "$OLD_MACHINE"
	fi
	cat <<'MD'

## Commands

    make bench                       # everything below, then this page
    bench/scale.sh                   # scale, addrs, starvation (BENCH_ONLY=...)
    bench/scale_run.sh hamgr 255     # one run
    bench/addrs_run.sh keepalived
    bench/starvation_run.sh hamgr 1 10ms cpu 50
    bench/report.sh                  # this page from build/bench/*.csv
    BENCH_BASE_HAMGR=/path/to/old/hamgr bench/scale.sh   # with an older hamgr beside

## Idle CPU and memory against instances

Two nodes, N VRRPv3 instances each at 100 ms (one VIP each), once every
instance settled: CPU time (the scheduler's account in nanoseconds,
/proc/PID/task/*/schedstat, keepalived's VRRP child included) over the
measured seconds, resident memory at the end.

MD
	if [ -s "$OUT/scale.csv" ]; then
		scale_table
		echo
		scale_chart
	else
		printf '%s\n' "$OLD_SCALE"
	fi
	[ -n "$KEEP_SCALE" ] && printf '\n%s\n' "$KEEP_SCALE"
	cat <<'MD'

## Takeover of 1,000 addresses

One instance with 1,000 VIPs, in two layouts: 1,000 IPv4 (200 listed
in the advert, the rest moved unlisted) and 200 IPv4 + 800 IPv6 (the IPv6
ones unlisted); the master gets SIGTERM and the backup takes over. Times
from `ip -ts monitor address` on the new master. hamgr's master removes
its addresses before it sends priority 0 (docs/DESIGN.md, "the takeover
pipeline"), hence a later first address; "decision" is the BACKUP ->
MASTER line of the new master's log. Impl "ip" is what a notify script
would do: no daemon, one `ip -batch` adding the same addresses on the
same interface, one netlink request per address, watched the same way
("decision": the moment before ip starts). The kernel walks the interface's address list on every add
(IPv4: inet_rtm_newaddr and __inet_insert_ifa; IPv6: ipv6_mc_up visits
every multicast group of the interface on every add, one solicited-node
group per address), so n addresses cost it O(n^2): in `perf`, 1,000 IPv4
adds take about 10 ms of kernel time on this machine and 800 IPv6 adds
about 100 ms, whoever asks.

MD
	if [ -s "$OUT/addrs.csv" ]; then
		addrs_table
		echo
		addrs_chart
	else
		printf '%s\n' "$OLD_ADDRS"
	fi
	[ -n "$KEEP_ADDRS" ] && printf '\n%s\n' "$KEEP_ADDRS"
	cat <<'MD'

## Stability under load

The backup must take nothing over while the host's CPUs are saturated by
2 x nproc busy loops, or while the backup daemon is stopped (SIGSTOP) for
50 ms at random times, every 0.2 to 1 s. With `realtime-priority` hamgr
runs SCHED_FIFO with its memory locked. Both nodes share the starved
host: under the busy loops a takeover at 10 ms comes from the master's
adverts leaving late (the backup logs "no advert from X for 37..69 ms"
after reading what was queued), which a real-time master prevents. A
stopped backup reads the adverts queued meanwhile before it declares the
master down; the hamgr before issue 11 did not (and, with a socket per
instance, took seconds to catch up with 100 of them).

MD
	if [ -s "$OUT/starvation.csv" ]; then
		starvation_table
	else
		printf '%s\n' "$OLD_STARVE"
	fi
	[ -n "$KEEP_STARVE" ] && printf '\n%s\n' "$KEEP_STARVE"
	if [ -s "$OUT/failover.txt" ]; then
		printf '\n## Failover\n\nbench/failover.sh (bench/README.md says what each column is):\n\n```\n'
		cat "$OUT/failover.txt"
		printf '```\n'
		chart=$(failover_chart)
		[ -n "$chart" ] && printf '\n%s\n' "$chart"
		[ -n "$KEEP_FAILOVER" ] && printf '\n%s\n' "$KEEP_FAILOVER"
	elif [ -n "$OLD_FAILOVER" ]; then
		printf '\n%s\n' "$OLD_FAILOVER"
	fi
	[ -n "$KEEP" ] && printf '\n%s\n' "$KEEP"
} >"$DOC"
echo "report: $DOC"
