#!/bin/bash
# failover_hb.sh: protocol "hamgr" (issue 12) in bench/failover.sh: node
# death (link cut + SIGKILL), SIGTERM and `hactl switchover` of the master
# for hamgr-hb (hamgr with protocol "hamgr") at 1ms, 2ms, 10ms and 100ms,
# next to keepalived at its minimum (10ms, death and stop: it has no
# switchover) and hamgr's VRRPv3 at 10ms, in the same run, interleaved;
# the probe at 10 kHz (0.1 ms resolution). Goals (reported, never
# asserted): node death at 1 ms under 5 ms median outage, a handover under
# 1 ms at every interval. `make bench-hb`; not part of make check.
#
# Output: build/bench/failover-hb.{txt,csv,meta}, failover-hb-adverts.csv,
# failover-hb-logs/. Every BENCH_* of failover.sh applies (BENCH_RUNS,
# default 5; BENCH_CELLS, BENCH_SCENARIOS, BENCH_RATE to change the grid).
here=$(cd "$(dirname "$0")" && pwd)
export BENCH_NAME=${BENCH_NAME:-failover-hb}
export BENCH_CELLS=${BENCH_CELLS:-hamgr-hb@1ms hamgr-hb@2ms hamgr-hb@10ms hamgr@10ms keepalived@10ms hamgr-hb@100ms}
export BENCH_SCENARIOS=${BENCH_SCENARIOS:-death stop switch}
export BENCH_RATE=${BENCH_RATE:-10000}
exec "$here/failover.sh" "$@"
