#!/bin/bash
# ctstall.sh: the stall of a TCP stream through the firewall pair when the
# master firewall fails; hamgr and keepalived + conntrackd in the same run,
# interleaved. Not part of make check (root, ~6 minutes): make bench-ctstall.
#
#   bench/ctstall.sh       BENCH_RUNS (default 5) runs per cell
#
# Cells (BENCH_CELLS, IMPL:INTERVAL words): hamgr:50ms hamgr:100ms
# keepalived:100ms keepalived:50ms, each with MODE kill (links cut, daemon
# SIGKILLed) and term (SIGTERM). Each run is bench/ctstall_run.sh in fresh
# namespaces. Per cell min / median / max of the stall (the stream's
# longest gap after the failure, as its client sees it), the median
# takeover (failure .. the new master's commit and VIPs), the median
# retransmission timeout of the stream, and how many runs recovered on
# TCP's first retransmission (stall under twice the RTO: the second
# comes 3 RTOs after the loss). Logs of every run under $BENCH_DIR
# (default a mktemp dir, kept); BENCH_RUNS=0 BENCH_DIR=that dir prints the
# table of its results again.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib_ct.sh
. "$here/lib_ct.sh"
runs=${BENCH_RUNS:-5}
cells=${BENCH_CELLS:-"hamgr:50ms hamgr:100ms keepalived:100ms keepalived:50ms"}
modes=${BENCH_MODES:-"kill term"}
dir=${BENCH_DIR:-$(mktemp -d /tmp/hamgr-bench-ctstall.XXXXXX)}
export HM_BUILD=${HM_BUILD:-$here/../build}
mkdir -p "$dir" || exit 1
results=$dir/results
# BENCH_RUNS=0 with the BENCH_DIR of a run: its table again
[ "$runs" -gt 0 ] && : >"$results" && echo "load before: $(uptime)" | tee "$dir/load"

for ((r = 1; r <= runs; r++)); do
	for mode in $modes; do
		for cell in $cells; do
			impl=${cell%%:*} int=${cell#*:}
			log=$dir/$impl-$int-$mode-$r
			HM_PREFIX="hs$$x$r${impl:0:1}${int%ms}${mode:0:1}-" HM_LOGDIR=$log \
				ct_bench_run "$log" "$r $impl $int $mode" timeout -k 10 120 \
				bash "$here/ctstall_run.sh" "$impl" "$int" "$mode" || continue
			echo "$CT_LINE load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results"
		done
	done
done
[ "$runs" -gt 0 ] && echo "load after: $(uptime)" | tee -a "$dir/load"

# stats IMPL INT MODE: runs, stall min/median/max, takeover and RTO
# medians, runs under 2 x RTO, resets
stats() {
	awk -v impl="$1" -v iv="$2" -v mode="$3" '
		function med(a, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		  if (v["impl"] != impl || v["int"] != iv || v["mode"] != mode) next
		  c++; s[c] = v["stall_ms"] + 0; k[c] = v["takeover_ms"] + 0; o[c] = v["rto_ms"] + 0
		  first += s[c] < 2 * o[c]; resets += v["reset"] }
		END { if (!c) { print "0 - - - - - - -"; exit }
		      lo = hi = s[1]; for (i = 2; i <= c; i++) { if (s[i] < lo) lo = s[i]; if (s[i] > hi) hi = s[i] }
		      printf "%d %d %.0f %d %.0f %.0f %d %d\n", c, lo, med(s, c), hi, med(k, c), med(o, c), first, resets }' "$results"
}

echo
printf '%-11s %-6s %-5s %5s %6s %6s %6s %9s %6s %9s %6s\n' impl int mode runs "min" median "max" \
	takeover rto "1st try" resets
for mode in $modes; do
	for cell in $cells; do
		impl=${cell%%:*} int=${cell#*:}
		read -r c lo md hi tk rto first resets < <(stats "$impl" "$int" "$mode")
		printf '%-11s %-6s %-5s %5s %6s %6s %6s %9s %6s %9s %6s\n' "$impl" "$int" "$mode" "$c" \
			"$lo" "$md" "$hi" "$tk" "$rto" "$first/$c" "$resets"
	done
done
echo "stall, takeover, rto in ms; runs: $runs per cell; logs in $dir"
