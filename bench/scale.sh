#!/bin/bash
# scale.sh: the scale benchmarks of issue 11, hamgr beside keepalived in
# the same run, each run in fresh namespaces (see bench/README.md):
#   scale       idle CPU and RSS of master and backup with 1, 100 and 255
#               instances at 100 ms (scale_run.sh)
#   addrs       takeover of one instance with 1,000 VIPs (1,000 IPv4, and
#               200 IPv4 + 800 IPv6): SIGTERM / the decision to the last
#               address on the new master, beside one ip -batch adding
#               the same addresses (addrs_run.sh)
#   starvation  100 instances at 100 ms and 1 at 10 ms; the host's CPUs
#               saturated by 2 x nproc busy loops, or the backup SIGSTOPped
#               for 50 ms at random times; hamgr with realtime-priority 0
#               (off), with BENCH_RT (default 50) and with its default
#               (auto: 10 at 10 ms, 0 at 100 ms),
#               and keepalived (starvation_run.sh)
# Results: $HM_BUILD/bench/{scale,addrs,starvation}.csv (one RESULT line
# per run); bench/report.sh turns them into docs/BENCHMARKS.md.
# Environment: BENCH_ONLY (sections, default "scale addrs starvation"),
# BENCH_SCALE_NS (default "1 100 255"), BENCH_SECS (scale: seconds
# measured, default 20), BENCH_STARVE_SECS (default 120), BENCH_ADDR_RUNS
# (default 3), BENCH_IMPLS (default "hamgr keepalived"), BENCH_RT (the
# realtime-priority tried, default 50), BENCH_BASE_HAMGR (an older hamgr
# binary: the scale section runs it too, as "hamgr-before", side by side
# with the others, and the starvation section with the stopped backup).
set -u
here=$(cd "$(dirname "$0")" && pwd)
HM_BUILD=${HM_BUILD:-$here/../build}
export HM_BUILD
OUT=${BENCH_OUT:-$HM_BUILD/bench}
ONLY=${BENCH_ONLY:-scale addrs starvation}
IMPLS=${BENCH_IMPLS:-hamgr keepalived}
NS=${BENCH_SCALE_NS:-1 100 255}
RT=${BENCH_RT:-50}
PREFIX=hs$$r
RUN_ID=0
mkdir -p "$OUT/logs"

note() { echo "bench: $*" >&2; }
# shellcheck source=bench/lib_sweep.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_sweep.sh"
# sweep [PREFIX]: what is left in the run's namespaces (every run's by
# default).
sweep() { bench_sweep "${1:-$PREFIX}"; }
trap 'sweep' EXIT
trap 'note interrupted; exit 130' INT
trap 'note terminated; exit 143' TERM
[ "$(id -u)" -eq 0 ] || { note "needs root (network namespaces)"; exit 77; }

# run_id ID CSV TIMEOUT SCRIPT ARGS...: run number ID, its RESULT line
# appended to CSV; run CSV TIMEOUT SCRIPT ARGS...: the next number.
run_id() {
	local id=$1 csv=$2 to=$3 script=$4 line
	shift 4
	note "run $id: $script $*"
	line=$(HM_PREFIX="$PREFIX$id-" HM_LOGDIR="$OUT/logs/$id" \
		timeout -k 10 "$to" "$here/$script" "$@" 2>&1 | tee "$OUT/logs/$id.out" |
		grep '^RESULT' | tail -n 1)
	sweep "$PREFIX$id-"
	if [ -n "$line" ]; then echo "$line" >>"$csv"; note "  $line"
	else note "  run $id failed: $OUT/logs/$id.out"; fi
}
run() {
	RUN_ID=$((RUN_ID + 1))
	run_id "$RUN_ID" "$@"
}

T0=$SECONDS
for section in $ONLY; do
	case $section in
	scale)
		# Every implementation at once, each pair in its own namespaces:
		# idle CPU moves by tens of percent from one minute to the next on
		# a VM, so sequential runs compare two different machines; side by
		# side they share it (together they load it by a few percent).
		# BENCH_SCALE_RUNS rounds.
		: >"$OUT/scale.csv"
		for ((k = 0; k < ${BENCH_SCALE_RUNS:-3}; k++)); do
			for n in $NS; do
				for impl in $IMPLS; do
					RUN_ID=$((RUN_ID + 1))
					run_id "$RUN_ID" "$OUT/scale.csv" $((120 + n)) scale_run.sh "$impl" "$n" 100ms &
				done
				# the older binary too, in the same minute as the others
				if [ -n "${BENCH_BASE_HAMGR:-}" ]; then
					RUN_ID=$((RUN_ID + 1))
					HAMGR=$BENCH_BASE_HAMGR BENCH_LABEL=hamgr-before \
						run_id "$RUN_ID" "$OUT/scale.csv" $((120 + n)) scale_run.sh hamgr "$n" 100ms &
				fi
				wait
			done
		done ;;
	addrs)
		: >"$OUT/addrs.csv"
		for ((k = 0; k < ${BENCH_ADDR_RUNS:-3}; k++)); do
			for layout in "1000 0" "200 800"; do
				for impl in $IMPLS ip; do
					# shellcheck disable=SC2086 # layout: two words
					run "$OUT/addrs.csv" 120 addrs_run.sh "$impl" $layout
				done
			done
		done ;;
	starvation)
		: >"$OUT/starvation.csv"
		secs=${BENCH_STARVE_SECS:-120}
		for cfg in "100 100ms" "1 10ms"; do
			for load in cpu stop; do
				for impl in $IMPLS; do
					if [ "$impl" = hamgr ]; then
						BENCH_SECS=$secs run "$OUT/starvation.csv" $((secs + 150)) \
							starvation_run.sh hamgr $cfg $load 0
						BENCH_SECS=$secs run "$OUT/starvation.csv" $((secs + 150)) \
							starvation_run.sh hamgr $cfg $load "$RT"
						BENCH_SECS=$secs run "$OUT/starvation.csv" $((secs + 150)) \
							starvation_run.sh hamgr $cfg $load default
					else
						BENCH_SECS=$secs run "$OUT/starvation.csv" $((secs + 150)) \
							starvation_run.sh "$impl" $cfg $load
					fi
				done
				if [ -n "${BENCH_BASE_HAMGR:-}" ] && [ "$load" = stop ]; then
					HAMGR=$BENCH_BASE_HAMGR BENCH_LABEL=hamgr-before BENCH_SECS=$secs \
						run "$OUT/starvation.csv" $((secs + 150)) \
						starvation_run.sh hamgr $cfg stop 0
				fi
			done
		done ;;
	*) note "unknown section $section"; exit 2 ;;
	esac
done
{
	echo "duration_s=$((SECONDS - T0))"
	echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$OUT/scale.meta"
note "done in $((SECONDS - T0)) s; bench/report.sh writes docs/BENCHMARKS.md"
