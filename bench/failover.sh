#!/bin/bash
# bench/failover.sh: client-visible failover outage, hamgr next to Debian's
# keepalived, in network namespaces. See bench/README.md.
#
# For every advert interval x scenario (death: link cut + SIGKILL of the
# master; stop: SIGTERM of the master) x implementation, BENCH_RUNS runs of
# bench/failover_run.sh, each in fresh namespaces, interleaved so that both
# implementations see the same machine at the same time. Before that, one
# capture per interval and implementation checks the advert interval the
# master really sends.
#
# Output: the table on stdout and in $BENCH_OUT/failover.txt, raw runs in
# $BENCH_OUT/failover.csv, per-run logs in $BENCH_OUT/logs/. The goals
# (hamgr no slower than keepalived, hamgr's node-death outage at 10 ms within
# 3 x interval + skew + 5 ms) are reported, never asserted: the exit status
# is 0 when every cell got at least one measurement, 1 otherwise, 77 when
# the bench cannot run here (not root, a tool or hamgr missing).
#
# Environment:
#   BENCH_RUNS       runs per cell (default 5)
#   BENCH_QUICK=1    2 runs per cell (smoke test), unless BENCH_RUNS is set
#   BENCH_INTERVALS  default "1s 100ms 10ms"
#   BENCH_IMPLS      default "hamgr keepalived"
#   BENCH_SCENARIOS  default "death stop"
#   BENCH_RATE       probe requests/s (default 4000)
#   BENCH_OUT        output directory (default $HM_BUILD/bench)
#   BENCH_REPORT_ONLY=1  print the table of the last run again, no runs
#   HM_BUILD, HAMGR  as for test/netns/lib.sh

set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
export HM_BUILD=${HM_BUILD:-$ROOT/build}
HAMGR_BIN=${HAMGR:-$HM_BUILD/hamgr}
if [ -n "${BENCH_RUNS:-}" ]; then
	RUNS=$BENCH_RUNS
elif [ "${BENCH_QUICK:-0}" = 1 ]; then
	RUNS=2
else
	RUNS=5
fi
INTERVALS=${BENCH_INTERVALS:-1s 100ms 10ms}
IMPLS=${BENCH_IMPLS:-hamgr keepalived}
SCENARIOS=${BENCH_SCENARIOS:-death stop}
export BENCH_RATE=${BENCH_RATE:-4000}
OUT=${BENCH_OUT:-$HM_BUILD/bench}
PREFIX=hb$$r        # namespaces: hb<pid>r<run>-<node>
CSV=$OUT/failover.csv
TXT=$OUT/failover.txt
RATES=$OUT/adverts.csv
T0=$SECONDS
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

die() { echo "bench: $*" >&2; exit "${2:-1}"; }
note() { echo "bench: $*" >&2; }

# Everything a run left behind (a run killed by its timeout cleans up after
# itself; this is for the bench being interrupted). Only our own prefix.
sweep() {
	local ns pids
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$PREFIX"); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
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

# ------------------------------------------------------------- checks

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)" 77
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 100 ] ||
	die "BENCH_RUNS must be 1..100" 2
for t in ip timeout tcpdump awk; do
	command -v "$t" >/dev/null || die "required tool missing: $t" 77
done
for t in probe responder; do
	[ -x "$HM_BUILD/tools/$t" ] || die "$HM_BUILD/tools/$t not built (make $HM_BUILD/tools/$t)" 77
done
for impl in $IMPLS; do
	case $impl in
	hamgr) [ -f "$HAMGR_BIN" ] && [ -x "$HAMGR_BIN" ] ||
		die "$HAMGR_BIN is not built (make build/hamgr, or BENCH_IMPLS=keepalived)" 77 ;;
	keepalived) command -v keepalived >/dev/null || die "keepalived not installed" 77 ;;
	*) die "unknown implementation in BENCH_IMPLS: $impl" 2 ;;
	esac
done
for s in $SCENARIOS; do
	case $s in death | stop) ;; *) die "unknown scenario in BENCH_SCENARIOS: $s" 2 ;; esac
done
for iv in $INTERVALS; do
	[[ $iv =~ ^[0-9]+(ms|s)$ ]] || die "bad interval in BENCH_INTERVALS: $iv" 2
done

mkdir -p "$OUT" || die "cannot create $OUT"

# Interval in seconds (1s, 100ms, 10ms).
int_s() {
	case $1 in
	*ms) awk -v v="${1%ms}" 'BEGIN { printf "%g", v / 1000 }' ;;
	*s) echo "${1%s}" ;;
	esac
}

# ---------------------------------------------------------- one run

RUN_ID=0
# run IMPL INTERVAL SCENARIO: one failover_run.sh, bounded by a timeout that
# grows with the interval; sets LINE to its machine line (RESULT/RATE) or "".
# Not called in a subshell: RUN_ID and CHILD must stay in this shell.
run() {
	local impl=$1 iv=$2 sc=$3 id tag limit rc line
	RUN_ID=$((RUN_ID + 1))
	id=$(printf '%03d' "$RUN_ID")
	tag=$id-$impl-$iv-$sc
	limit=$(awk -v i="$(int_s "$iv")" 'BEGIN { printf "%d", 25 + 12 * i }')
	HM_PREFIX=$PREFIX$RUN_ID- HM_LOGDIR=$OUT/logs/$tag HAMGR=$HAMGR_BIN \
		timeout -k 5 "$limit" "$BENCH_DIR/failover_run.sh" "$impl" "$iv" "$sc" \
		>"$OUT/logs/$tag.log" 2>&1 &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=""
	line=$(grep -E '^(RESULT|RATE) ' "$OUT/logs/$tag.log" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
		note "run $tag failed (exit $rc), see $OUT/logs/$tag.log"
		[ "$rc" -eq 77 ] && die "$(grep SKIP "$OUT/logs/$tag.log")" 77
		line=""
	fi
	# A run must not leak namespaces into the next one.
	sweep
	LINE=$line
}

# Value of KEY in a machine line.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# ---------------------------------------------------------- the runs

ncells=0
for iv in $INTERVALS; do for sc in $SCENARIOS; do for impl in $IMPLS; do
	ncells=$((ncells + 1))
done; done; done

measure() {
rm -rf "$OUT/logs"
mkdir -p "$OUT/logs"
note "$((ncells * RUNS)) failover runs ($RUNS per cell) + advert checks; logs in $OUT/logs"

echo "interval,impl,n,min_ms,median_ms,max_ms,field" >"$RATES"
for iv in $INTERVALS; do
	for impl in $IMPLS; do
		run "$impl" "$iv" rate
		line=$LINE
		if [ -n "$line" ]; then
			echo "$iv,$impl,$(field n "$line"),$(field min_ms "$line"),$(field median_ms "$line"),$(field max_ms "$line"),$(field field "$line")" >>"$RATES"
		else
			echo "$iv,$impl,0,-,-,-,-" >>"$RATES"
		fi
		note "adverts $impl $iv: ${line:-failed}"
	done
done

echo "run,interval,scenario,impl,rep,status,gap_ms,switch_ms,wire_ms,phase,sent,answered,lost,first,last,switches" >"$CSV"
for iv in $INTERVALS; do
	for ((rep = 1; rep <= RUNS; rep++)); do
		# Stratified phase of the event within the advert interval: run k
		# of N falls in [(k-1)/N, k/N), the same for every cell of the rep.
		BENCH_PHASE=$(awk -v k="$rep" -v n="$RUNS" -v r="$RANDOM" \
			'BEGIN { printf "%.4f", (k - 1 + r / 32768) / n }')
		export BENCH_PHASE
		for sc in $SCENARIOS; do
			for impl in $IMPLS; do
				run "$impl" "$iv" "$sc"
				line=$LINE
				if [ -z "$line" ]; then
					echo "$RUN_ID,$iv,$sc,$impl,$rep,fail,,,,$BENCH_PHASE,,,,,," >>"$CSV"
					continue
				fi
				# A clean failover: n1 answered, then n2, one switch.
				st=ok
				[ "$(field first "$line")/$(field last "$line")/$(field switches "$line")" = n1/n2/1 ] ||
					st=odd
				echo "$RUN_ID,$iv,$sc,$impl,$rep,$st,$(field gap_ms "$line"),$(field switch_ms "$line"),$(field wire_ms "$line"),$(field phase "$line"),$(field sent "$line"),$(field answered "$line"),$(field lost "$line"),$(field first "$line"),$(field last "$line"),$(field switches "$line")" >>"$CSV"
				note "$(printf '%-5s %-5s %-10s run %d/%d: outage %s ms, wire %s ms%s' "$iv" "$sc" "$impl" "$rep" "$RUNS" "$(field gap_ms "$line")" "$(field wire_ms "$line")" "$([ $st = ok ] || echo " ($line)")")"
			done
		done
	done
done
ELAPSED=$((SECONDS - T0))
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
DATE=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
printf 'ELAPSED=%q\nLOAD0=%q\nLOAD1=%q\nRUNS=%q\nBENCH_RATE=%q\nDATE=%q\n' \
	"$ELAPSED" "$LOAD0" "$LOAD1" "$RUNS" "$BENCH_RATE" "$DATE" >"$OUT/failover.meta"
}

# BENCH_REPORT_ONLY=1 prints the table of the last run again (same
# BENCH_INTERVALS/IMPLS/SCENARIOS as that run).
if [ "${BENCH_REPORT_ONLY:-0}" = 1 ]; then
	[ -f "$CSV" ] && [ -f "$OUT/failover.meta" ] || die "no earlier run in $OUT"
	. "$OUT/failover.meta"
else
	measure
fi

# ----------------------------------------------------------- the table

HAMGR_VER=$([ -f "$HAMGR_BIN" ] && "$HAMGR_BIN" -V 2>/dev/null | head -n 1)
KA_VER=$(keepalived --version 2>&1 | head -n 1)

report() {
	echo "hamgr failover bench, $DATE"
	echo "machine: $(nproc) CPUs, kernel $(uname -r), $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}")"
	echo "load average: $LOAD0 at the start, $LOAD1 at the end"
	echo "versions: ${HAMGR_VER:-hamgr ?}; $KA_VER"
	echo "command: bench/failover.sh (BENCH_RUNS=$RUNS BENCH_RATE=$BENCH_RATE" \
		"BENCH_INTERVALS=\"$INTERVALS\" BENCH_IMPLS=\"$IMPLS\"), took ${ELAPSED} s"
	echo "probe: UDP to the VIP at $BENCH_RATE requests/s from 0.5 s before the event;"
	echo "outage = longest gap between two answers the client received (ms)."
	echo
	echo "Advert interval the master really sends (tcpdump on its bridge port):"
	awk -F, 'NR > 1 { printf "  %-6s %-10s  n=%-4s  min %-8s median %-8s max %-8s  field %s\n",
		$1, $2, $3, $4, $5, $6, $7 }' "$RATES"
	echo
	awk -F, -v impls="$IMPLS" -v ivs="$INTERVALS" -v scs="$SCENARIOS" '
	function secs(iv) { return iv ~ /ms$/ ? substr(iv, 1, length(iv) - 2) / 1000 : substr(iv, 1, length(iv) - 1) + 0 }
	# MIN, MED, MAX of the N values v[1..N] (insertion sort: N is small).
	function stats(v, n,   a, b, t) {
		for (a = 2; a <= n; a++) { t = v[a]; for (b = a - 1; b >= 1 && v[b] > t; b--) v[b + 1] = v[b]; v[b + 1] = t }
		MIN = v[1]; MAX = v[n]
		MED = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
	NR > 1 {
		k = $2 SUBSEP $3 SUBSEP $4
		if ($6 == "fail") { fails[k]++; next }
		if ($6 == "odd") odd[k]++
		# The longest gap elsewhere than at the switch: a stall of the
		# machine, not of the failover (the outage still counts it).
		if ($8 < 0 || $7 > $8 + 0.5) off[k]++
		gap[k, ++cnt[k]] = $7
		if ($8 >= 0) sw[k, ++scnt[k]] = $8
		if ($9 != "-" && $9 != "") wire[k, ++wcnt[k]] = $9
	}
	END {
		ni = split(ivs, I, " "); ns = split(scs, S, " "); nm = split(impls, M, " ")
		print "Client-visible outage (ms): the probe'"'"'s longest gap between answers."
		print "expected = Master_Down_Interval (death) or Skew_Time (stop) of the priority-100 backup:"
		print "3 x interval + skew and skew, skew = (256 - 100) / 256 x interval. A death outage falls"
		print "in [expected - interval, expected] by the phase of the cut, which runs spread evenly."
		print "wire = takeover on the wire, phase-free: from the master'"'"'s last (death) or priority-0"
		print "(stop) advert to the backup'"'"'s first advert or gratuitous ARP, median (ms)."
		print "switch = median gap at the change of answering node (the probe'"'"'s switch_ms);"
		print "off = runs whose longest gap was not that one (a stall of the machine or the tools"
		print "elsewhere in the run; it still counts as the outage)."
		printf "%-8s %-6s %-11s %3s %9s %9s %9s %9s %9s %9s %4s\n", "interval", "event", "impl", "n", "min", "median", "max", "expected", "wire", "switch", "off"
		for (i = 1; i <= ni; i++) for (s = 1; s <= ns; s++) for (m = 1; m <= nm; m++) {
			k = I[i] SUBSEP S[s] SUBSEP M[m]
			t = secs(I[i]) * 1000; sk = 156 * t / 256
			ex = S[s] == "death" ? 3 * t + sk : sk
			note = ""
			if (fails[k]) note = note sprintf("  (%d failed)", fails[k])
			if (odd[k]) note = note sprintf("  (%d odd: see csv)", odd[k])
			wm = "-"; sm = "-"
			if (wcnt[k]) {
				for (j = 1; j <= wcnt[k]; j++) v[j] = wire[k, j]
				stats(v, wcnt[k]); wmed[k] = MED; wm = sprintf("%.1f", MED)
			}
			if (scnt[k]) {
				for (j = 1; j <= scnt[k]; j++) v[j] = sw[k, j]
				stats(v, scnt[k]); smed[k] = MED; sm = sprintf("%.1f", MED)
			}
			if (!cnt[k]) { printf "%-8s %-6s %-11s %3d %9s %9s %9s %9.1f %9s %9s %4s%s\n", I[i], S[s], M[m], 0, "-", "-", "-", ex, wm, sm, "-", note; continue }
			for (j = 1; j <= cnt[k]; j++) v[j] = gap[k, j]
			stats(v, cnt[k])
			med[k] = MED; mn[k] = MIN; mx[k] = MAX
			printf "%-8s %-6s %-11s %3d %9.1f %9.1f %9.1f %9.1f %9s %9s %4d%s\n", I[i], S[s], M[m], cnt[k], MIN, MED, MAX, ex, wm, sm, off[k], note
		}
		if (impls ~ /hamgr/ && impls ~ /keepalived/) {
			print ""
			print "Ratio hamgr / keepalived of the outage (below 1: hamgr shorter; goal: at most 1),"
			print "of the wire and switch medians, and the difference of the outage medians (ms)"
			printf "%-8s %-6s %8s %8s %8s %8s %8s %9s  %s\n", "interval", "event", "median", "min", "max", "wire", "switch", "diff ms", "goal (outage median)"
			for (i = 1; i <= ni; i++) for (s = 1; s <= ns; s++) {
				h = I[i] SUBSEP S[s] SUBSEP "hamgr"; q = I[i] SUBSEP S[s] SUBSEP "keepalived"
				if (!cnt[h] || !cnt[q]) { printf "%-8s %-6s %8s %8s %8s %8s %8s %9s  %s\n", I[i], S[s], "-", "-", "-", "-", "-", "-", "no data"; continue }
				d = med[h] - med[q]
				wd = (wcnt[h] && wcnt[q]) ? sprintf(", wire %+.1f ms", wmed[h] - wmed[q]) : ""
				printf "%-8s %-6s %8s %8s %8s %8s %8s %+9.1f  %s\n", I[i], S[s], ratio(med[h], med[q]), ratio(mn[h], mn[q]), ratio(mx[h], mx[q]),
					(wcnt[h] && wcnt[q]) ? ratio(wmed[h], wmed[q]) : "-", (scnt[h] && scnt[q]) ? ratio(smed[h], smed[q]) : "-",
					d, d <= 0 ? "met" : sprintf("not met: +%.1f ms%s", d, wd)
			}
		}
		if (impls ~ /hamgr/ && scs ~ /death/) {
			print ""
			print "hamgr node death against 3 x interval + skew + 5 ms (the goal is set for 10ms)"
			printf "%-8s %9s %9s %9s %9s  %s\n", "interval", "bound", "median", "max", "wire", "median within bound"
			for (i = 1; i <= ni; i++) {
				k = I[i] SUBSEP "death" SUBSEP "hamgr"
				t = secs(I[i]) * 1000; b = 3 * t + 156 * t / 256 + 5
				if (!cnt[k]) { printf "%-8s %9.1f %9s %9s %9s  %s\n", I[i], b, "-", "-", "-", "no data"; continue }
				printf "%-8s %9.1f %9.1f %9.1f %9s  %s\n", I[i], b, med[k], mx[k], wcnt[k] ? sprintf("%.1f", wmed[k]) : "-",
					med[k] <= b ? "yes" : "NO"
			}
		}
	}' "$CSV"
}

report | tee "$TXT"
note "table in $TXT, runs in $CSV, took ${ELAPSED} s"
# Every cell measured at least once: 0; the goals are only reported.
missing=$(awk -F, -v want="$ncells" 'NR > 1 && $6 != "fail" { ok[$2 "," $3 "," $4] = 1 }
	END { n = 0; for (k in ok) n++; print want - n }' "$CSV")
[ "$missing" -eq 0 ] || { note "$missing cell(s) without any measurement"; exit 1; }
exit 0
