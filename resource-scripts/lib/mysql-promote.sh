# shellcheck shell=sh
#
#	mysql-promote.sh: the promote action of the mysql resource script
#
# Description:	Sourced by resource-scripts/mysql from lib/ beside it;
#		not run by itself, and not a resource script. do_promote,
#		the safe promotion of a replica (what it checks and when it
#		refuses: the script's header and hamgr-mysql(7)), with its
#		round trips to the server: gather, stop_io_alone and
#		make_writable. It runs on hamgr's critical path: keep its
#		forks few (a variable where a $(...) would fork). It uses
#		the script's params, output helpers and marks, and
#		mysql-client.sh.
#
# Variables it shares with the script: the params, $action, $errf, the
# OCF_* codes (numbers) and what one side sets for the other to read.
# shellcheck disable=SC2034,SC2154,SC2086

# SEMI_SQL: "ON|ID" for a replica whose IO thread (thread ID, the only
# one) replicates semi-synchronously (Rpl_semi_sync_slave_status: since
# MariaDB 10.11.7 the mode the IO thread started in), "OFF..." otherwise,
# "ON|ID1,ID2" with several replication connections. Without
# rpl_semi_sync_slave_enabled just "OFF", nothing looked up.
SEMI_SQL="IF(@@rpl_semi_sync_slave_enabled, CONCAT_WS('|', IFNULL((SELECT VARIABLE_VALUE
	FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'Rpl_semi_sync_slave_status'), 'OFF'),
	IFNULL((SELECT GROUP_CONCAT(ID) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO'), '')),
	'OFF')"

# gather: connect, the app_user check, SHOW ALL SLAVES STATUS and SEMI_SQL
# ($V_semi), then promote's stop of the IO thread (STOP_SQL: KILL first
# on a semi-sync replica, see do_promote) and what was received by then,
# all in one round trip. 0: all there (app_user warnings said; $V_semi
# may be empty); V_stopped=1 when the stop and the status after it
# (V_recv, V_killed) came back too, else do_promote stops on its own;
# 1: connect failed ($QN, $QE); 2: SHOW ALL SLAVES STATUS failed ($QE;
# app_user checked on its own). V_stop_ran=1: the stop was attempted.
STOP_SQL="BEGIN NOT ATOMIC
DECLARE io BIGINT DEFAULT NULL;
IF @@rpl_semi_sync_slave_enabled AND (SELECT COUNT(*) FROM information_schema.PROCESSLIST
		WHERE COMMAND = 'Slave_IO') = 1 AND (SELECT VARIABLE_VALUE FROM
		information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'Rpl_semi_sync_slave_status') = 'ON' THEN
	SET io = (SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO');
	BEGIN
		DECLARE CONTINUE HANDLER FOR SQLEXCEPTION SET io = NULL;
		KILL io;
	END;
	IF io IS NOT NULL THEN DO SLEEP(0.01); END IF;
END IF;
SELECT IFNULL(io, '') AS hamgr_killed;
SELECT 'STOP SLAVE IO_THREAD' AS hamgr_step;
STOP SLAVE IO_THREAD;
END"
gather() {
	B='' V_semi='' V_stopped=0 V_stop_ran=0 V_recv='' V_killed=''
	app_user_sql
	batch_add connect "SELECT $CONNECT_SQL AS hamgr_connect"
	batch_add 'SHOW ALL SLAVES STATUS' 'SHOW ALL SLAVES STATUS'
	[ -z "$APP_SQL" ] || batch_add app_user "$APP_SQL"
	batch_add semi "SELECT $SEMI_SQL AS hamgr_semi"
	B="$B
DELIMITER //
$STOP_SQL//
DELIMITER ;"
	batch_add received 'SHOW ALL SLAVES STATUS'
	qv 40 "$B" && { V_stopped=1; app_user_report 0; return 0; }
	case $QS in
	connect) return 1 ;;
	app_user) app_user_report 1; return 0 ;;
	semi | 'STOP SLAVE IO_THREAD' | received) app_user_report 0; return 0 ;;
	*)
		_qn=$QN _qe=$QE
		warn_app_user
		QN=$_qn QE=$_qe
		return 2 ;;
	esac
}

# make_writable: a server that is no replica made the primary, in one
# round trip: SET GLOBAL read_only = OFF, then the new primary's first
# heartbeat; says what was done and how long it took. Fails unless
# read_only is OFF: $QE the error. (A replica's promote does the same
# in its deciding compound statement, after STOP SLAVE and RESET SLAVE
# ALL.)
make_writable() {
	B=
	batch_add 'SET GLOBAL read_only = OFF' 'SET GLOBAL read_only = OFF'
	[ -z "$p_hb" ] || batch_add heartbeat "$HB_SQL"
	_t0=$(now_ms)
	qv 70 "$B"
	_rc=$?
	lap
	if [ $_rc = 0 ] && [ -z "$p_hb" ]; then
		say "promote: read_only = OFF ($_ms)"
		return 0
	elif [ $_rc = 0 ]; then
		say "promote: read_only = OFF, heartbeat written, the new primary's first ($_ms)"
		return 0
	fi
	[ "$QS" = heartbeat ] || return 1
	say "promote: read_only = OFF ($_ms)"
	say "promote: WARNING: cannot write the heartbeat to $p_hb: $QE"
	return 0
}

# tenths MS: $TENTHS, MS milliseconds as seconds with one decimal,
# rounded.
tenths() {
	_s='' _m=$1
	[ "$_m" -ge 0 ] || _s=- _m=$((-_m))
	_m=$(((_m + 50) / 100))
	TENTHS="$_s$((_m / 10)).$((_m % 10))"
}

# stop_io_alone: promote's stop of the IO thread in a round trip of its
# own, when gather's stopped short (see do_promote): KILL a semi-sync IO
# thread first, then STOP SLAVE IO_THREAD and the status after it; a
# failed KILL is retried without. Refuses (replication left as found) if
# the stop fails. Sets io_kill (the thread killed) and $_ms.
stop_io_alone() {
	io_kill=
	case $V_semi in
	'ON|'*) io_kill=${V_semi#ON|} ;;
	esac
	case $io_kill in *[!0-9]*) io_kill= ;; esac
	_t0=$(now_ms)
	stop_io_batch
	_rc=$?
	if [ $_rc != 0 ] && [ "$QS" = KILL ]; then
		say "promote: KILL $io_kill (the semi-sync IO thread): $QE; STOP SLAVE IO_THREAD alone"
		io_kill=
		stop_io_batch
		_rc=$?
	fi
	if [ $_rc != 0 ]; then
		restore
		refuse "$QS: $QE"
	fi
	lap
}
stop_io_batch() {
	B=
	if [ -n "$io_kill" ]; then
		batch_add KILL "KILL $io_kill"
		batch_add SLEEP 'DO SLEEP(0.01)'
	fi
	batch_add 'STOP SLAVE IO_THREAD' 'STOP SLAVE IO_THREAD'
	batch_add 'SHOW ALL SLAVES STATUS' 'SHOW ALL SLAVES STATUS'
	qv 40 "$B"
}

# promote: make this server the writable primary, or refuse (exit 1) when
# that could lose what it received or diverge: hamgr then gives the role
# up and the address does not move here (before-vips). Two round trips to the server
# for a replica: gather (which stops the IO thread too), then one that
# waits, checks and makes it writable.
do_promote() {
	_t00=$(now_ms)
	_t0=$_t00
	gather
	_rc=$?
	lap
	_ms_first=$_ms
	case $_rc in
	1)
		not_running && refuse "the server is not running: $QE"
		connect_or_exit
		warn_app_user
		slave_status || refuse "SHOW ALL SLAVES STATUS: $QE" ;;
	2) refuse "SHOW ALL SLAVES STATUS: $QE" ;;
	esac
	started_at=$srv_now
	mark_read
	if [ "$ss_conf" = 0 ]; then
		if [ "$srv_ro" = 0 ]; then
			finish $OCF_SUCCESS "already primary: writable, not a replica, GTID ${gtid_bin:-none}"
		fi
		case $MARK in
		former-primary*)
			refuse "not a replica and a former primary ($MARK): another node may have" \
				"taken writes since; run 'mysql rejoin NEW-PRIMARY' here, or 'mysql bootstrap'" \
				"if this server's data is the newest" ;;
		esac
		make_writable || refuse "$QS: $QE"
		mark_clear
		finish $OCF_SUCCESS "primary: writable, not a replica (its own data), GTID ${gtid_bin:-none}" \
			"(total $((_t0 - _t00)) ms)"
	fi

	replica_line
	say "promote: $RL"
	io_was=$ss_io sql_was=$ss_sql

	# On refusal, leave replication as it was found (and the error that
	# refuses in $QE).
	restore() {
		_rqn=$QN _rqe=$QE
		if [ "$sql_was" = No ]; then
			q 10 'STOP SLAVE SQL_THREAD'
		else
			q 10 'START SLAVE SQL_THREAD'
		fi
		if [ "$io_was" != No ]; then
			q 10 'START SLAVE IO_THREAD' && say "promote: replication restarted (left as found)"
		fi
		QN=$_rqn QE=$_rqe
	}
	# hamgr ends a promote that outlives its timeout with SIGTERM (SIGKILL
	# 2 s later): leave replication running then, too. The first round
	# trip may have stopped the IO thread already.
	trap 'restore; exit 143' TERM
	refuse_found() {
		[ "$V_stop_ran" = 0 ] || restore
		refuse "$@"
	}
	[ "$ss_gtid" != No ] || refuse_found "replication does not use GTIDs (CHANGE MASTER TO ... MASTER_USE_GTID = slave_pos)"
	[ "$ss_sql_errno" = 0 ] || refuse_found "the SQL thread stopped with error $ss_sql_errno: $ss_sql_error"
	if [ "$ss_io" = No ] && [ "$ss_io_errno" != 0 ]; then
		refuse_found "the IO thread stopped with error $ss_io_errno: $ss_io_error"
	fi

	# Stop the IO thread; what it received is then final. A semi-sync IO
	# thread, on its way out, opens a new connection to the primary to
	# KILL its dump thread there (Repl_semi_sync_slave::kill_connection),
	# and STOP SLAVE IO_THREAD waits for that: with a primary cut off,
	# until the connect gives up (rpl_semi_sync_slave_kill_conn_timeout)
	# or STOP's next signal to the thread, sent every 2 s, interrupts it.
	# So for a semi-sync replica with one IO thread: KILL it first (its
	# socket to the primary shut, nothing read from now on is queued, no
	# waiting), give it 10 ms to reach that connect, then STOP SLAVE
	# IO_THREAD, whose signal makes the connect fail at once. STOP returns
	# once the thread is gone, as it always does. Any failure of that KILL
	# (the thread ended meanwhile): STOP SLAVE IO_THREAD alone.
	#
	# gather's round trip did all that already (STOP_SQL), unless it
	# stopped short: then here, on its own.
	if [ "$V_stopped" = 1 ]; then
		io_kill=$V_killed
		received=${V_recv:-$gtid_slave}
		_ms=$_ms_first
	else
		stop_io_alone
		received=${ss_io_pos:-$gtid_slave}
	fi
	if [ -n "$io_kill" ]; then
		say "promote: stopped the IO thread: KILL $io_kill, STOP SLAVE IO_THREAD (semi-sync) ($_ms)"
	else
		say "promote: stopped the IO thread ($_ms)"
	fi

	# One round trip decides and, when everything holds, ends the promote:
	# start a cleanly stopped SQL thread (no error, checked above), wait
	# until everything received is applied, read the newest heartbeat;
	# then, in the same compound statement and only if the wait ended in
	# time (MASTER_GTID_WAIT 0: every domain applied up to what was
	# received) and the heartbeat is fresh enough, STOP SLAVE, RESET SLAVE
	# ALL, read_only = OFF and the new primary's first heartbeat. The
	# statements report each step before they run it (hamgr_step), so a
	# failure names the one that failed, as in a plain batch. Otherwise the
	# values come back and the refusal below says which rule refused.
	# SHOW ALL SLAVES STATUS last: the SQL thread's error, for a refusal.
	case $MARK in bootstrap*) skip_lag=1 ;; *) skip_lag=0 ;; esac
	lag_q=1
	{ [ -z "$p_hb" ] || [ "$p_maxlag" = 0 ] || [ $skip_lag = 1 ]; } && lag_q=0
	B='' V_wait=0 V_lag='' V_writable=0 _started=
	if [ "$ss_sql" = No ]; then
		batch_add 'START SLAVE SQL_THREAD' 'START SLAVE SQL_THREAD'
		_started="started the SQL thread, which was stopped; "
	fi
	_ok='w = 0'
	_c="BEGIN NOT ATOMIC
DECLARE w INT DEFAULT 0;
DECLARE lag BIGINT DEFAULT NULL;"
	sql_lit _rq "$received"
	[ -z "$received" ] || _c="$_c
SELECT 'MASTER_GTID_WAIT' AS hamgr_step;
SET w = MASTER_GTID_WAIT('$_rq', $p_apply);"
	if [ $lag_q = 1 ]; then
		_c="$_c
SELECT 'heartbeat' AS hamgr_step;
SET lag = (SELECT IFNULL(TIMESTAMPDIFF(MICROSECOND, MAX(ts), '$started_at'), -1) FROM $p_hb);"
		# as the shell below: -1 is an empty table; ms, truncated
		_ok="$_ok AND lag <> -1 AND lag DIV 1000 <= $((p_maxlag * 1000))"
	fi
	_c="$_c
SELECT w AS hamgr_wait, lag AS hamgr_lag, @@gtid_slave_pos AS hamgr_applied;
IF $_ok THEN
SELECT 'STOP SLAVE' AS hamgr_step; STOP SLAVE;
SELECT 'RESET SLAVE ALL' AS hamgr_step; RESET SLAVE ALL;
SELECT 'SET GLOBAL read_only = OFF' AS hamgr_step; SET GLOBAL read_only = OFF;"
	[ -z "$p_hb" ] || _c="$_c
SELECT 'heartbeat write' AS hamgr_step; $HB_SQL;"
	_c="$_c
SELECT 'writable' AS hamgr_step;
END IF;
END"
	batch_add decide "DO 0"
	B="$B
DELIMITER //
$_c//
DELIMITER ;"
	batch_add 'SHOW ALL SLAVES STATUS' 'SHOW ALL SLAVES STATUS'
	_rc=0
	qv $((p_apply + 70)) "$B" || _rc=1
	lap
	case $_rc/$QS in
	1/'START SLAVE SQL_THREAD' | 1/decide | 1/MASTER_GTID_WAIT) restore; refuse "$QS: $QE" ;;
	1/heartbeat) restore; refuse "heartbeat $p_hb: $QE" ;;
	1/'STOP SLAVE' | 1/'RESET SLAVE ALL') restore; refuse "$QS: $QE" ;;
	1/'SET GLOBAL read_only = OFF') refuse "$QS: $QE" ;;
	1/'heartbeat write') V_writable=1 ;;    # read_only is OFF already
	esac
	# Past the compound statement: writable (V_writable), or it decided
	# not to be, and the values say why, in the order of the rules.
	# Refused before anything irreversible ran: replication restarts as
	# found.
	if [ "$V_writable" = 0 ]; then
		[ "$V_wait" = 0 ] || { restore; refuse "received $received, applied only ${gtid_slave:-none} after $p_apply s (apply_timeout)"; }
		[ "$ss_sql_errno" = 0 ] || { restore; refuse "the SQL thread failed with error $ss_sql_errno: $ss_sql_error"; }
		_behind=$(gtid_ahead "$received" "$gtid_slave")
		[ -z "$_behind" ] || { restore; refuse "received $received, applied ${gtid_slave:-none}: $_behind not applied"; }
	fi
	say "promote: ${_started}applied everything received: received $received applied ${gtid_slave:-none}"

	# How old was what this replica had received when promote began? The
	# newest heartbeat the primary wrote that has been applied here, against
	# the time promote began (its own steps, such as a semi-sync replica's
	# STOP SLAVE trying to reach the dead primary, do not count). The
	# compound statement applied the same rule.
	if [ -z "$p_hb" ] || [ "$p_maxlag" = 0 ]; then
		say "promote: received lag not checked (no heartbeat_table or max_lag = 0)"
	elif [ $skip_lag = 1 ]; then
		say "promote: received lag not checked ($MARK)"
	elif [ "$V_writable" = 0 ] && [ "$V_lag" = -1 ]; then
		restore
		refuse "heartbeat $p_hb is empty: the received lag is not known"
	else
		_lag_ms=$((V_lag / 1000))
		tenths "$_lag_ms"
		_lag=$TENTHS
		if [ "$V_writable" = 0 ] && [ "$_lag_ms" -gt $((p_maxlag * 1000)) ]; then
			restore
			refuse "what this replica had received was $_lag s old (newest heartbeat in $p_hb)," \
				"more than max_lag $p_maxlag s: it may lack that much of the primary's writes"
		fi
		say "promote: newest heartbeat $_lag s old when promote began (max_lag $p_maxlag s)"
	fi
	[ "$V_writable" = 1 ] ||
		{ restore; refuse "every check passed, yet the server did not make itself writable ($QS)"; }
	_done="STOP SLAVE, RESET SLAVE ALL, read_only = OFF"
	if [ -z "$p_hb" ]; then
		say "promote: $_done ($_ms with the wait and the checks)"
	elif [ $_rc = 1 ] && [ "$QS" = 'heartbeat write' ]; then
		say "promote: $_done ($_ms with the wait and the checks)"
		say "promote: WARNING: cannot write the heartbeat to $p_hb: $QE"
	else
		say "promote: $_done, heartbeat written, the new primary's first ($_ms with the wait and the checks)"
	fi
	trap 'exit 143' TERM
	mark_clear
	# (the last lap's end is the end: one date(1) fewer)
	finish $OCF_SUCCESS "primary: writable at GTID $gtid_slave, received $received (total $((_t0 - _t00)) ms)"
}
