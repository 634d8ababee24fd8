#!/bin/bash
# ctsync.sh: conntrack-sync, hamgr next to Debian's conntrackd (FTFW), in
# the same run, interleaved. Not part of make check (root, ~5 minutes).
#
#   bench/ctsync.sh            BENCH_RUNS (default 3) runs per cell
#   BENCH_BASE_HAMGR=path/to/old/hamgr bench/ctsync.sh   an older hamgr
#                              beside, as "hamgr-before" (before/after);
#                              BENCH_IMPLS="hamgr hamgr-before": only those
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
# shellcheck source=bench/lib_ct.sh
. "$here/lib_ct.sh"
runs=${BENCH_RUNS:-3}
sizes=${BENCH_SIZES:-"10000 100000"}
dir=${BENCH_DIR:-$(mktemp -d /tmp/hamgr-bench-ctsync.XXXXXX)}
export HM_BUILD=${HM_BUILD:-$here/../build}
base=${BENCH_BASE_HAMGR:-}
impls=${BENCH_IMPLS:-"hamgr conntrackd${base:+ hamgr-before}"}
mkdir -p "$dir" || exit 1
results=$dir/results
: >"$results"

for ((r = 1; r <= runs; r++)); do
	for n in $sizes; do
		for impl in $impls; do
			log=$dir/$impl-$n-$r
			bin=${HAMGR:-$HM_BUILD/hamgr}
			[ "$impl" = hamgr-before ] && bin=$base
			HAMGR=$bin HM_PREFIX="hc$$x$r$n${impl:0:1}${impl:6:1}-" HM_LOGDIR=$log \
				ct_bench_run "$log" "$r $impl n=$n" timeout -k 10 300 \
				bash "$here/ctsync_run.sh" "${impl%-before}" "$n" || continue
			[ "$impl" = hamgr-before ] && CT_LINE=${CT_LINE/impl=hamgr /impl=hamgr-before }
			echo "$CT_LINE" | tee -a "$results"
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
	for impl in $impls; do
		printf '%-8s %-11s %12s %10s %10s\n' "$n" "$impl" "$(med "$impl" "$n" rate)" \
			"$(med "$impl" "$n" lag)" "$(med "$impl" "$n" commit)"
	done
	printf '%-8s %-11s %12s %10s %10s\n' "$n" "ratio" \
		"$(ratio "$(med hamgr "$n" rate)" "$(med conntrackd "$n" rate)")" \
		"$(ratio "$(med conntrackd "$n" lag)" "$(med hamgr "$n" lag)")" \
		"$(ratio "$(med conntrackd "$n" commit)" "$(med hamgr "$n" commit)")"
done
echo "runs: $runs per cell; logs in $dir"
