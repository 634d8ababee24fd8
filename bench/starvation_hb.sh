#!/bin/bash
# starvation_hb.sh: protocol "hamgr" (issue 12) under CPU starvation: the
# host's CPUs saturated by 2 x nproc busy loops for BENCH_SECS while a
# settled pair (n1 master, n2 backup, one instance) must keep its roles.
# Cells (IMPL@INTERVAL@RT, RT = hamgr's realtime-priority, 0 = off,
# "default" = the config silent, hamgr's default: 10 below 50 ms):
# hamgr-hb (hamgr with protocol "hamgr", a key from hamgr --genkey) at 1 ms
# and 10 ms, each without and with realtime-priority 50, next to keepalived
# and hamgr's VRRPv3 at 10 ms, runs interleaved (run k of every cell, then
# run k + 1). Every run is bench/starvation_run.sh in fresh namespaces.
# Goals (reported, never asserted): no false takeover at 10 ms, and none at
# 1 ms with realtime scheduling. `make bench-starve-hb`; not part of make
# check nor make bench.
#
# Output, in $BENCH_OUT (default $HM_BUILD/bench): starvation-hb.csv (the
# RESULT line of every run), starvation-hb.txt (the table, also on
# stdout), starvation-hb.meta, starvation-hb-logs/ (per run: the run's
# output and its daemons' logs and configs).
# Environment:
#   BENCH_RUNS    runs per cell (default 3)
#   BENCH_SECS    seconds of load per run (default 120)
#   BENCH_CELLS   default "hamgr-hb@1ms@0 hamgr-hb@1ms@50 hamgr-hb@10ms@0
#                 hamgr-hb@10ms@50 hamgr@10ms@0 keepalived@10ms@0"
#   BENCH_LOAD    cpu (default) or stop (starvation_run.sh's SIGSTOPs)
#   BENCH_REPORT_ONLY=1   print the table of the last run again
#   HM_BUILD, HAMGR as for test/netns/lib.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
HM_BUILD=${HM_BUILD:-$here/../build}
export HM_BUILD
OUT=${BENCH_OUT:-$HM_BUILD/bench}
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECS:-120}
LOAD=${BENCH_LOAD:-cpu}
CELLS=${BENCH_CELLS:-hamgr-hb@1ms@0 hamgr-hb@1ms@50 hamgr-hb@10ms@0 hamgr-hb@10ms@50 hamgr@10ms@0 keepalived@10ms@0}
CSV=$OUT/starvation-hb.csv
TXT=$OUT/starvation-hb.txt
META=$OUT/starvation-hb.meta
LOGS=$OUT/starvation-hb-logs
PREFIX=hz$$r
RUN_ID=0

note() { echo "bench: $*" >&2; }
die() { note "$1"; exit "${2:-1}"; }
# shellcheck source=bench/lib_sweep.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_sweep.sh"
sweep() { bench_sweep "$PREFIX"; }

# The table from the CSV: one row per cell, in the order of CELLS.
table() {
	local cell impl iv rt
	echo "hamgr starvation bench (protocol hamgr), $(sed -n 's/^date=//p' "$META" 2>/dev/null)"
	sed -n 's/^\(machine\|loadavg\|command\)=/\1: /p' "$META" 2>/dev/null
	cat <<'EOF'
load: 2 x nproc busy loops (bash: while [ $SECONDS -lt N ]; do :; done) on the host for the
seconds of each run; both nodes and their daemons share the starved CPUs.
false: the backup's transitions to MASTER with the master healthy (total, runs
with any, per run); lost: the master's transitions out of MASTER; vip: VIP
additions on the backup / deletions on the master during the load (ip monitor);
backup CPU: % of one core, median; silence: the longest time without the master's
heartbeats or adverts a false takeover of hamgr names (its log), ms.
EOF
	printf '%-10s %-8s %3s %3s %5s  %-10s %-16s %4s  %-11s %10s %8s\n' \
		impl interval rt n secs false "false/run" lost "vip n2+/n1-" "backup CPU" silence
	for cell in $CELLS; do
		IFS=@ read -r impl iv rt <<<"$cell"
		awk -v impl="$impl" -v iv="$iv" -v rt="${rt:-0}" -v ld="$LOAD" '
			{ delete v; for (i = 2; i <= NF; i++) { split($i, p, "="); v[p[1]] = p[2] } }
			v["impl"] == impl && v["interval"] == iv && v["rt"] == rt && v["load"] == ld {
				n++; secs = v["secs"]; f += v["false_takeovers"]; fr += (v["false_takeovers"] > 0)
				per = per (n > 1 ? "," : "") v["false_takeovers"]; l += v["master_lost"]
				a += v["n2_vip_add"]; d += v["n1_vip_del"]; cpu[n] = v["backup_cpu"]
				if (v["silence_max_ms"] != "-" && v["silence_max_ms"] + 0 > sil) sil = v["silence_max_ms"] + 0
			}
			END {
				if (!n) { printf "%-10s %-8s %3s %3s  (no run measured)\n", impl, iv, rt, 0; exit }
				for (i = 2; i <= n; i++) { x = cpu[i]; for (j = i - 1; j >= 1 && cpu[j] > x; j--) cpu[j + 1] = cpu[j]; cpu[j + 1] = x }
				med = (n % 2) ? cpu[(n + 1) / 2] : (cpu[n / 2] + cpu[n / 2 + 1]) / 2
				printf "%-10s %-8s %3s %3d %5s  %-10s %-16s %4d  %-11s %10.2f %8s\n", impl, iv, rt, n, secs,
					f " in " fr, per, l, a "/" d, med, sil ? sil : "-"
			}' "$CSV"
	done
	echo
	echo "Goals (reported, not asserted): zero false takeovers under starvation at 10ms,"
	echo "and at 1ms with realtime scheduling (realtime-priority > 0)."
	for cell in $CELLS; do
		IFS=@ read -r impl iv rt <<<"$cell"
		[ "$impl" = hamgr-hb ] || continue
		[ "$iv" = 10ms ] || { [ "$iv" = 1ms ] && [ "${rt:-0}" != 0 ]; } || continue
		awk -v impl="$impl" -v iv="$iv" -v rt="${rt:-0}" -v ld="$LOAD" '
			{ delete v; for (i = 2; i <= NF; i++) { split($i, p, "="); v[p[1]] = p[2] } }
			v["impl"] == impl && v["interval"] == iv && v["rt"] == rt && v["load"] == ld {
				n++; f += v["false_takeovers"]; l += v["master_lost"]; s += v["secs"] }
			END {
				if (!n) { printf "  %-8s %-5s rt %-3s no run\n", impl, iv, rt; exit }
				printf "  %-8s %-5s rt %-3s %d false takeover(s), %d master loss(es) in %d run(s), %d s: %s\n",
					impl, iv, rt, f, l, n, s, (f + l == 0) ? "met" : "not met"
			}' "$CSV"
	done
}

if [ "${BENCH_REPORT_ONLY:-0}" = 1 ]; then
	[ -s "$CSV" ] || die "no results in $CSV" 1
	table | tee "$TXT"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)" 77
{ [[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ]; } || die "BENCH_RUNS must be a positive number" 2
{ [[ $SECS =~ ^[0-9]+$ ]] && [ "$SECS" -ge 1 ]; } || die "BENCH_SECS must be a positive number" 2
case $LOAD in cpu | stop) ;; *) die "BENCH_LOAD: cpu or stop" 2 ;; esac
for cell in $CELLS; do
	IFS=@ read -r impl iv rt <<<"$cell"
	case $impl in hamgr | hamgr-hb | keepalived) ;; *) die "bad implementation in cell $cell" 2 ;; esac
	[[ $iv =~ ^[0-9]+(ms|s)$ ]] || die "bad interval in cell $cell" 2
	[[ ${rt:-0} =~ ^([0-9]+|default)$ ]] || die "bad realtime-priority in cell $cell" 2
done
trap 'sweep' EXIT
trap 'note interrupted; exit 130' INT
trap 'note terminated; exit 143' TERM
mkdir -p "$LOGS" || die "cannot create $LOGS"
: >"$CSV"
T0=$SECONDS
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
DATE0=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
fails=0
for ((r = 1; r <= RUNS; r++)); do
	for cell in $CELLS; do
		IFS=@ read -r impl iv rt <<<"$cell"
		RUN_ID=$((RUN_ID + 1))
		id=$(printf '%03d' $RUN_ID)
		note "run $id ($r/$RUNS): starvation_run.sh $impl 1 $iv $LOAD ${rt:-0} ($SECS s)"
		line=$(HM_PREFIX="$PREFIX$RUN_ID-" HM_LOGDIR="$LOGS/$id" BENCH_SECS=$SECS \
			timeout -k 10 $((SECS + 150)) "$here/starvation_run.sh" "$impl" 1 "$iv" "$LOAD" "${rt:-0}" \
			2>&1 | tee "$LOGS/$id.out" | grep '^RESULT' | tail -n 1)
		sweep
		if [ -n "$line" ]; then
			echo "$line" >>"$CSV"
			note "  $line"
		else
			fails=$((fails + 1))
			note "  run $id failed: $LOGS/$id.out"
		fi
	done
done
{
	echo "date=$DATE0"
	echo "machine=$(nproc) CPUs, kernel $(uname -r)"
	echo "loadavg=$LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "command=bench/starvation_hb.sh (BENCH_RUNS=$RUNS BENCH_SECS=$SECS BENCH_LOAD=$LOAD BENCH_CELLS=\"$CELLS\"), took $((SECONDS - T0)) s, $fails failed run(s)"
} >"$META"
table | tee "$TXT"
[ "$fails" -eq 0 ]
