#!/bin/bash
# starvation_run.sh: one run of bench/starvation.sh, in fresh namespaces.
#
#   bench/starvation_run.sh IMPL N INTERVAL LOAD [RT]
#     IMPL      hamgr | hamgr-hb | keepalived (hamgr-hb: hamgr with
#               protocol "hamgr" and a key from hamgr --genkey, lib_hb.sh)
#     N         instances per node (as scale_run.sh)
#     INTERVAL  advert interval (100ms, 10ms ...)
#     LOAD      cpu   2 x nproc busy loops on the host for BENCH_SECS
#               stop  the backup daemon SIGSTOPped for 50 ms at random
#                     times (every 0.2 to 1 s) for BENCH_SECS
#     RT        hamgr's realtime-priority, written into the config (default
#               0: off); "default" leaves the config silent (hamgr's
#               default: 10 below 50 ms intervals, else 0)
#
# Two nodes settle (n1 master of every instance, n2 backup), then the load
# runs; the backup must take nothing over and the master lose nothing.
# Last line of stdout:
#   RESULT impl=I n=N interval=I load=L rt=R secs=S false_takeovers=F
#          master_lost=M stops=K backup_cpu=P n1_vip_add=A n1_vip_del=D
#          n2_vip_add=A n2_vip_del=D silence_max_ms=S
# false_takeovers: transitions to MASTER on the backup; master_lost:
# transitions out of MASTER on the master (both should be 0). nX_vip_*:
# the VIPs added to and deleted from node X during the load (ip -ts
# monitor address; all 0 when nothing moved). silence_max_ms: hamgr's
# false takeovers name how long the master had been silent ("no advert
# from X for N ms"): the longest, - when none (or keepalived).
# Exit status: 0 measured (whatever the counts), 1 failed, 77 skipped.
# Environment: BENCH_SECS (default 120), BENCH_LABEL (impl= of the RESULT
# line) and lib.sh's variables. The busy
# loops and the stops are bounded by `timeout` and by BENCH_SECS.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/../test/netns/lib.sh"

IMPL=${1:?usage: starvation_run.sh IMPL N INTERVAL LOAD [RT]}
N=${2:?instances}
INTERVAL=${3:?interval}
LOAD=${4:?load}
RT=${5:-0}
[ "$RT" = default ] && RT=
SECS=${BENCH_SECS:-120}
case $IMPL in hamgr | hamgr-hb | keepalived) ;; *) lib_fail "unknown implementation $IMPL" ;; esac
case $LOAD in cpu | stop) ;; *) lib_fail "unknown load $LOAD" ;; esac
# lib.sh knows hamgr and keepalived; hamgr-hb is hamgr with another config.
LIB_IMPL=${IMPL%-hb}
HM_HAMGR_ARGS=${HM_HAMGR_ARGS-}
lib_require_root
[ "$IMPL" = keepalived ] && lib_require_tools keepalived
[ "$LIB_IMPL" = hamgr ] && lib_require_hamgr
# shellcheck source=bench/lib_scale.sh
. "$(dirname "$0")/lib_scale.sh"

scale_setup
sleep 2
lib_log_mark n1
lib_log_mark n2
# Every VIP added or removed on either node during the load. Bounded by
# time.
MON=()
for n in n1 n2; do
	timeout $((SECS + 30)) ip -n "$(lib_ns $n)" -ts monitor address >"$LIB_TMP/addr-$n.txt" 2>&1 &
	MON+=("$!")
done
LIB_BG+=("${MON[@]}")
a2=$(cpu_ns n2) ts=$(lib_now_ms)
stops=0
if [ "$LOAD" = cpu ]; then
	loops=()
	for ((i = 0; i < 2 * $(nproc); i++)); do
		# Bounded by itself (bash's SECONDS, no fork in the loop), not by
		# timeout(1): a timeout killed with SIGKILL on cleanup leaves its
		# child spinning for ever (found: four loops of an interrupted
		# run spun for an hour beside later runs).
		# shellcheck disable=SC2016 # $SECONDS and $1 are the inner bash's
		bash -c 'while [ $SECONDS -lt "$1" ]; do :; done' busy "$SECS" &
		loops+=("$!")
	done
	LIB_BG+=("${loops[@]}")
	lib_log "${#loops[@]} busy loops for $SECS s"
	wait "${loops[@]}" 2>/dev/null
else
	end=$(($(lib_now_ms) + SECS * 1000))
	pid=$(pids n2 | head -n 1)
	for ((i = 0; i < SECS * 5 && $(lib_now_ms) < end; i++)); do
		sleep "0.$((2 + RANDOM % 8))$((RANDOM % 10))"
		kill -STOP $(pids n2) 2>/dev/null
		sleep 0.05
		kill -CONT $(pids n2) 2>/dev/null
		stops=$((stops + 1))
	done
	[ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null
	lib_log "$stops stops of 50 ms"
fi
sleep 1
# The monitors stop first, so that the VIP events and the transitions
# below cover the same time.
kill -TERM "${MON[@]}" 2>/dev/null
wait "${MON[@]}" 2>/dev/null
b2=$(cpu_ns n2) te=$(lib_now_ms)
false_to=$(count_state n2 MASTER)
lost=$(($(count_state n1 BACKUP) + $(count_state n1 INIT) + $(count_state n1 FAULT)))
cpu=$(pct $((b2 - a2)) $((te - ts)))
lib_log "false takeovers on the backup: $false_to, roles lost on the master: $lost"
# Which transitions, when, and why (hamgr: "no advert from X for N ms").
if [ "$false_to" -gt 0 ] || [ "$lost" -gt 0 ]; then
	for n in n1 n2; do
		lib_log_since_mark $n | grep -E -- ' -> [A-Z]+ |Entering [A-Z]+ STATE' | head -n 20 | sed "s/^/    $n: /"
	done
fi
# VIP events: the address lines of the monitor (not the nodes' own .1, .2
# and 2001:db8:100::1, ::2), "Deleted" first for a removal.
vipev() { # FILE add|del
	awk -v want="$2" '
		/ inet6? / {
			a = ""; for (i = 1; i < NF; i++) if ($i == "inet" || $i == "inet6") { a = $(i + 1); break }
			if (a ~ /^198\.51\.100\.[12]\// || a ~ /^2001:db8:100::[12]\// || a ~ /^fe80:/ || a == "") next
			if ((want == "del") == ($2 == "Deleted")) c++
		}
		END { print c + 0 }' "$1"
}
vips="n1_vip_add=$(vipev "$LIB_TMP/addr-n1.txt" add) n1_vip_del=$(vipev "$LIB_TMP/addr-n1.txt" del)"
vips+=" n2_vip_add=$(vipev "$LIB_TMP/addr-n2.txt" add) n2_vip_del=$(vipev "$LIB_TMP/addr-n2.txt" del)"
lib_log "VIP events during the load: $vips"
# hamgr: the longest silence of the master a false takeover names ("no
# advert from X for N ms"), - without one.
silence=$(lib_log_since_mark n2 | grep -o 'no advert from [0-9.:a-f]* for [0-9]* ms' |
	awk '{ if ($6 > m) m = $6; n++ } END { print n ? m : "-" }')
lib_daemon_stop n1 TERM
lib_daemon_stop n2 TERM
echo "RESULT impl=${BENCH_LABEL:-$IMPL} n=$N interval=$INTERVAL load=$LOAD rt=${RT:-default} secs=$SECS false_takeovers=$false_to master_lost=$lost stops=$stops backup_cpu=$cpu $vips silence_max_ms=$silence"
lib_pass
