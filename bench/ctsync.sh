#!/bin/bash
# ctsync.sh: conntrack-sync, hamgr next to Debian's conntrackd (FTFW), in
# the same run, interleaved. Not part of make check (root, ~5 minutes).
#
#   bench/ctsync.sh            BENCH_RUNS (default 3) runs per cell
#
# Cells: IMPL in hamgr, conntrackd; N in 10000, 100000 (BENCH_SIZES).
# Each run is bench/ctsync_run.sh in fresh namespaces: N UDP flows through
# fwa, replicated to fwb; then fwb commits them into its kernel table.
# Per cell the median of:
#   rate     entries/s replicated live: N / (flood start .. fwb caches all)
#   lag_ms   fwb caches all, after the flood's end
#   commit   ms to write the N entries into fwb's kernel (acknowledged)
# and the ratios conntrackd / hamgr (> 1: hamgr faster). Logs of every run
# under $BENCH_DIR (default a mktemp dir, kept).
set -u
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-3}
sizes=${BENCH_SIZES:-"10000 100000"}
dir=${BENCH_DIR:-$(mktemp -d /tmp/hamgr-bench-ctsync.XXXXXX)}
export HM_BUILD=${HM_BUILD:-$here/../build}
mkdir -p "$dir" || exit 1
results=$dir/results
: >"$results"

for ((r = 1; r <= runs; r++)); do
	for n in $sizes; do
		for impl in hamgr conntrackd; do
			log=$dir/$impl-$n-$r
			HM_PREFIX="hc$$x$r$n${impl:0:1}-" HM_LOGDIR=$log \
				timeout -k 10 300 bash "$here/ctsync_run.sh" "$impl" "$n" >"$log.out" 2>&1
			rc=$?
			line=$(grep '^RESULT ' "$log.out" | tail -n 1)
			if [ $rc -ne 0 ] || [ -z "$line" ]; then
				echo "run $r $impl n=$n: failed (exit $rc), see $log.out"
				continue
			fi
			echo "$line" | tee -a "$results"
		done
	done
done

# median of a column for impl and n
med() {
	awk -v impl="$1" -v n="$2" -v f="$3" '
		{ ok = 0; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		  if (v["impl"] == impl && v["n"] + 0 >= n * 0.99 && v["n"] + 0 <= n) {
			if (f == "rate") x[++c] = v["repl_ms"] > 0 ? v["n"] * 1000 / v["repl_ms"] : 0
			else if (f == "lag") x[++c] = v["repl_ms"] - v["flood_ms"]
			else x[++c] = v["commit_ms"] } }
		END { if (!c) { print "-"; exit }
		      for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
		      printf "%.0f", c % 2 ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2 }' "$results"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

echo
printf '%-8s %-11s %12s %10s %10s\n' N impl "rate (e/s)" "lag_ms" "commit_ms"
for n in $sizes; do
	for impl in hamgr conntrackd; do
		printf '%-8s %-11s %12s %10s %10s\n' "$n" "$impl" "$(med "$impl" "$n" rate)" \
			"$(med "$impl" "$n" lag)" "$(med "$impl" "$n" commit)"
	done
	printf '%-8s %-11s %12s %10s %10s\n' "$n" "ratio" \
		"$(ratio "$(med hamgr "$n" rate)" "$(med conntrackd "$n" rate)")" \
		"$(ratio "$(med conntrackd "$n" lag)" "$(med hamgr "$n" lag)")" \
		"$(ratio "$(med conntrackd "$n" commit)" "$(med hamgr "$n" commit)")"
done
echo "runs: $runs per cell; logs in $dir"
