#!/bin/bash
# t_mysql_semisync: t_mysql_failover with semi-synchronous replication
# (AFTER_SYNC, lib_mysql.sh's MY_SEMISYNC_CNF): no acknowledged insert is
# lost, MY_RUNS times (default 2; `make test-db` runs 5), each run in
# namespaces of its own.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools mariadbd mariadb mariadb-install-db mariadb-binlog
runs=${MY_RUNS:-2}
for ((k = 1; k <= runs; k++)); do
	lib_log "run $k of $runs"
	MY_SEMISYNC=1 HM_PREFIX="${LIB_PREFIX}r$k-" HM_LOGDIR="$LIB_TMP/run$k" \
		timeout -k 10 120 bash "$(dirname "$0")/t_mysql_failover.sh" >"$LIB_TMP/run$k.out" 2>&1
	rc=$?
	grep -E 'acknowledged inserts:|lost with semi-sync|fault to the first|PASS|FAIL' \
		"$LIB_TMP/run$k.out" | sed 's/^/    /'
	[ $rc -eq 0 ] || {
		tail -n 30 "$LIB_TMP/run$k.out"
		lib_fail "run $k failed (exit $rc); logs in $LIB_TMP/run$k"
	}
done
lib_pass
