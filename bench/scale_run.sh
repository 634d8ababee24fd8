#!/bin/bash
# scale_run.sh: one measurement of bench/scale.sh, in fresh namespaces.
#
#   bench/scale_run.sh IMPL N [INTERVAL]
#     IMPL      hamgr | keepalived (both nodes run it)
#     N         instances per node, 1..255 (VRIDs 1..N)
#     INTERVAL  advert interval, default 100ms
#
# Two nodes on one bridge (priorities 200 and 100) run N VRRPv3 instances
# each, one VIP per instance: 198.51.100.4 .. .253 for the first 250, then
# 2001:db8:100::5:K (IPv6 instances) for the rest, all on eth0. Once every
# instance settled (N transitions to MASTER on n1, N to BACKUP on n2) and
# BENCH_WARMUP seconds passed, the CPU time (utime + stime, every process
# of the daemon: keepalived's VRRP child included) and the resident memory
# of each node's daemon are read over BENCH_SECS seconds. The last line of
# stdout is the machine line scale.sh reads:
#   RESULT impl=I n=N interval=I master_cpu=P backup_cpu=P master_rss_kb=K
#          backup_rss_kb=K settle_s=S false_takeovers=F
# cpu in % of one core; false_takeovers counts transitions to MASTER on the
# backup during the measurement (there should be none).
# Exit status: 0 measured, 1 failed, 77 skipped.
# Environment: BENCH_SECS (default 20), BENCH_WARMUP (default 5),
# BENCH_LABEL (the impl= of the RESULT line, e.g. for an older hamgr run
# with HAMGR=...), and
# lib.sh's HM_PREFIX, HM_LOGDIR, HM_BUILD, HAMGR.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/../test/netns/lib.sh"

IMPL=${1:?usage: scale_run.sh IMPL N [INTERVAL]}
N=${2:?instances}
INTERVAL=${3:-100ms}
SECS=${BENCH_SECS:-20}
WARMUP=${BENCH_WARMUP:-5}
case $IMPL in hamgr | keepalived) ;; *) lib_fail "unknown implementation $IMPL" ;; esac
[ "$N" -ge 1 ] && [ "$N" -le 255 ] || lib_fail "N must be 1..255"
LIB_IMPL=$IMPL
HM_HAMGR_ARGS=${HM_HAMGR_ARGS-}
lib_require_root
[ "$IMPL" = keepalived ] && lib_require_tools keepalived
[ "$IMPL" = hamgr ] && lib_require_hamgr

# shellcheck source=bench/lib_scale.sh
. "$(dirname "$0")/lib_scale.sh"

scale_setup
sleep "$WARMUP"
lib_log_mark n2
a1=$(cpu_ns n1) a2=$(cpu_ns n2) ts=$(lib_now_ms)
sleep "$SECS"
b1=$(cpu_ns n1) b2=$(cpu_ns n2) te=$(lib_now_ms)
r1=$(rss_kb n1) r2=$(rss_kb n2)
false_to=$(count_state n2 MASTER)
lib_log "master cpu $(pct $((b1 - a1)) $((te - ts)))%, backup cpu $(pct $((b2 - a2)) $((te - ts)))%," \
	"rss $r1 / $r2 kB"
lib_daemon_stop n1 TERM
lib_daemon_stop n2 TERM
echo "RESULT impl=${BENCH_LABEL:-$IMPL} n=$N interval=$INTERVAL master_cpu=$(pct $((b1 - a1)) $((te - ts))) backup_cpu=$(pct $((b2 - a2)) $((te - ts))) master_rss_kb=$r1 backup_rss_kb=$r2 settle_s=$SETTLE_S false_takeovers=$false_to"
lib_pass
