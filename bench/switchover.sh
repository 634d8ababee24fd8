#!/bin/bash
# switchover.sh: the client-visible outage of `hactl switchover` next to a
# graceful stop (SIGTERM, priority 0) of the same hamgr master, per advert
# interval. The issue's goal: a switchover costs a client no more than a
# graceful stop. Reported as min/median/max and the ratio of the medians;
# nothing is asserted.
#
#   bench/switchover.sh            (BENCH_RUNS, default 5; BENCH_INTERVALS,
#                                   default "100ms 10ms")
# Each run is bench/failover_run.sh in fresh namespaces.
set -u
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-5}
intervals=${BENCH_INTERVALS:-100ms 10ms}
out=${BENCH_OUT:-$here/../build/bench}
mkdir -p "$out"
csv=$out/switchover.csv
echo "interval,scenario,run,gap_ms,wire_ms" >"$csv"

for iv in $intervals; do
	for r in $(seq 1 "$runs"); do
		for sc in stop switch; do
			line=$(timeout 60 "$here/failover_run.sh" hamgr "$iv" "$sc" 2>&1 | grep '^RESULT' | tail -n 1)
			gap=$(sed -n 's/.* gap_ms=\([^ ]*\).*/\1/p' <<<"$line")
			wire=$(sed -n 's/.* wire_ms=\([^ ]*\).*/\1/p' <<<"$line")
			echo "switchover bench: $iv $sc run $r/$runs: outage ${gap:-failed} ms, wire ${wire:--} ms" >&2
			echo "$iv,$sc,$r,${gap:-},${wire:-}" >>"$csv"
		done
	done
done

awk -F, -v ivs="$intervals" 'NR > 1 && $4 != "" { k = $1 "," $2; v[k, ++n[k]] = $4; w[k, n[k]] = $5 }
	# Median of the c values a[k, 1..c]; sets lo and hi as a side effect.
	function med(a, k, c,   i, j, t, x) {
		for (i = 1; i <= c; i++) x[i] = a[k, i]
		for (i = 2; i <= c; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
		lo = x[1]; hi = x[c]
		return (c % 2) ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2
	}
	END {
		printf "%-8s %-8s %3s %9s %9s %9s %9s\n", "interval", "event", "n", "min", "median", "max", "wire"
		ni = split(ivs, iv, " ")
		for (i = 1; i <= ni; i++) for (e = 1; e <= 2; e++) {
			k = iv[i] "," (e == 1 ? "stop" : "switch")
			if (!n[k]) { printf "%-8s %-8s   0 (all runs failed)\n", iv[i], e == 1 ? "stop" : "switch"; continue }
			mw = med(w, k, n[k]); m = med(v, k, n[k])
			printf "%-8s %-8s %3d %9.1f %9.1f %9.1f %9.1f\n", iv[i], e == 1 ? "stop" : "switch", n[k], lo, m, hi, mw
			M[k] = m
		}
		print "ratio switch/stop of the outage medians (goal: at most 1):"
		for (i = 1; i <= ni; i++) if (M[iv[i] ",stop"] > 0)
			printf "  %-8s %.2f\n", iv[i], M[iv[i] ",switch"] / M[iv[i] ",stop"]
	}' "$csv" | tee "$out/switchover.txt"
