# shellcheck shell=sh
#
#	mysql-client.sh: talking to the MariaDB server, for the mysql
#	resource script
#
# Description:	Sourced by resource-scripts/mysql from lib/ beside it;
#		not run by itself, and not a resource script. Holds:
#		  the client    mdb and q (one query: the rows in $Q, the
#		                error in $QE, its number in $QN), connect
#		                (server variables in srv_*, gtid_*), batches
#		                of statements (batch_add, qv: the step they
#		                reached in $QS), SHOW ALL SLAVES STATUS parsed
#		                into ss_*, GTID positions (gtid_ahead: what
#		                one position holds that another lacks, as for
#		                errant GTIDs), SQL strings
#		  checks        the app_user warning, read_only = ON, ending
#		                client sessions, the heartbeat
#		  option files  cnf_value
#		It uses what the script sets before it sources this: the
#		params (p_*), $action, $errf (a temporary file for the
#		client's errors), the OCF_* codes and say, finish, refuse,
#		now_ms, took and lap.
#
# Variables it shares with the script: the params, $action, $errf, the
# OCF_* codes (numbers) and what one side sets for the other to read.
# shellcheck disable=SC2034,SC2154,SC2086

# ------------------------------------------------------------ the client

# mdb SECS ARGS...: the mariadb client bounded by timeout(1), with the
# connection settings first (--defaults-extra-file must be the very first
# option). SQL always goes in on stdin: nothing secret is ever on a
# command line.
mdb() {
	_t=$1
	shift
	set -- --connect-timeout=3 "$@"
	[ -n "$p_socket" ] && set -- --socket="$p_socket" "$@"
	[ -n "$p_defaults" ] && set -- --defaults-extra-file="$p_defaults" "$@"
	timeout --foreground -k 2 "$_t" mariadb "$@"
}

# q SECS SQL [CLIENT OPTIONS]: run SQL; the rows in $Q (no header), the
# error in $QE ("ERROR 1045 (28000): Access denied ..."), its number in
# $QN (124: no answer within SECS). Returns 0 on success.
q() {
	_secs=$1 _sql=$2
	shift 2
	QN=0 QE=
	# Column names only where --vertical needs them to name the fields.
	case " $* " in
	*" --vertical "*) ;;
	*) set -- --skip-column-names "$@" ;;
	esac
	# (a here-document, not printf | ...: one fork fewer a query)
	Q=$(mdb "$_secs" --batch "$@" 2>"$errf" <<EOT
$_sql
EOT
)
	_rc=$?
	[ $_rc -eq 0 ] && return 0
	# (in batch mode the client echoes the failed statement between
	# dashes before the ERROR line)
	QE=$(grep '^ERROR' "$errf" | head -n 1)
	[ -n "$QE" ] || QE=$(grep -v -e '^$' -e '^-*$' "$errf" | head -n 1)
	if [ $_rc -eq 124 ] || [ $_rc -eq 137 ]; then
		QN=124 QE="no answer within $_secs s"
	else
		QN=$(printf '%s\n' "$QE" | sed -n 's/^ERROR \([0-9]*\).*/\1/p')
		[ -n "$QN" ] || QN=1
		[ -n "$QE" ] || QE="mariadb exited with status $_rc"
	fi
	return 1
}

# The server does not answer at all (as opposed to refusing us).
not_running() {
	case $QN in 2002 | 2003 | 2006 | 2013) return 0 ;; esac
	return 1
}

# connect: one round trip that fills srv_version, srv_ro (0/1), srv_id,
# gtid_cur, gtid_bin, gtid_slave, srv_now (the server's UTC time). '|'
# separates (an IFS of tabs would merge empty fields).
CONNECT_SQL="CONCAT_WS('|', @@version, @@read_only + 0, @@server_id, @@gtid_current_pos,
	@@gtid_binlog_pos, @@gtid_slave_pos, UTC_TIMESTAMP(6))"
connect() {
	q 10 "SELECT $CONNECT_SQL" || return 1
	connect_set "$Q"
}
# connect_set ROW: the variables of connect from its row.
connect_set() {
	IFS='|' read -r srv_version srv_ro srv_id gtid_cur gtid_bin gtid_slave srv_now <<EOT
$1
EOT
	case $srv_version in
	*MariaDB*) ;;
	*) finish $OCF_ERR_INSTALLED "server $srv_version is not MariaDB: MySQL is not supported (hamgr-mysql(7))" ;;
	esac
	return 0
}

# connect_or_exit: connect, or end the action with an OCF status that
# says why (7 not running, 6 access denied, 1 otherwise).
connect_or_exit() {
	connect && return 0
	not_running && finish $OCF_NOT_RUNNING "not running: $QE"
	case $QN in
	1044 | 1045 | 1698) finish $OCF_ERR_CONFIGURED "access denied, check defaults_file${p_defaults:+ $p_defaults}: $QE" ;;
	esac
	finish $OCF_ERR_GENERIC "cannot query the server: $QE"
}

# batch_add STEP SQL: add the statement SQL to the batch $B, after a
# row that names STEP (column hamgr_step). A batch stops at the first
# statement that fails, and qv flushes every result as it comes: the last
# STEP on stdout ($QS) is the statement a failed (or killed) batch
# stopped at.
batch_add() {
	[ -n "$B" ] || B_FIRST=$1
	B="$B
SELECT '$1' AS hamgr_step;
$2;"
}

# qv SECS SQL: q for a batch of statements; their results, --vertical,
# go through vparse. $QS: the last step the batch reached (batch_add).
qv() {
	QS=${B_FIRST:-} B_FIRST=''
	q "$1" "$2" --vertical --unbuffered
	_qrc=$?
	vparse
	return $_qrc
}

# vparse: the --vertical results in $Q. The default connection ('') of
# SHOW ALL SLAVES STATUS goes to ss_* (ss_conf=1 when replication is
# configured; reset by the step of that name or by ss_reset), the columns
# hamgr_* of the batches to their variables.
ss_reset() {
	ss_conf=0 ss_host='' ss_port='' ss_io='' ss_sql='' ss_io_errno=0 ss_io_error=''
	ss_sql_errno=0 ss_sql_error='' ss_io_pos='' ss_sbm='' ss_gtid=''
}
vparse() {
	_keep=0 _after=0
	while IFS= read -r _l; do
		case $_l in '*'*'. row '*) _keep=0; continue ;; esac
		_l=${_l#"${_l%%[! ]*}"}
		_n=${_l%%:*} _v=${_l#*:}
		_v=${_v# }
		case $_n in
		hamgr_step)
			QS=$_v
			case $_v in
			'SHOW ALL SLAVES STATUS') ss_reset ;;
			'STOP SLAVE IO_THREAD') V_stop_ran=1 ;;
			received) _after=1 ;;
			writable) V_writable=1 ;;
			esac ;;
		hamgr_connect) connect_set "$_v" ;;
		hamgr_app) V_app=$_v ;;
		hamgr_semi) V_semi=$_v ;;
		hamgr_wait) V_wait=$_v ;;
		hamgr_applied) gtid_slave=$_v ;;
		hamgr_lag) V_lag=$_v ;;
		hamgr_killed) V_killed=$_v ;;
		Connection_name) [ -n "$_v" ] || _keep=1 ;;
		*)
			[ $_keep = 1 ] || continue
			# the status after promote's stop: only what was received
			if [ $_after = 1 ]; then
				[ "$_n" = Gtid_IO_Pos ] && V_recv=$_v
				continue
			fi
			case $_n in
			Master_Host) ss_conf=1 ss_host=$_v ;;
			Master_Port) ss_port=$_v ;;
			Slave_IO_Running) ss_io=$_v ;;
			Slave_SQL_Running) ss_sql=$_v ;;
			Last_IO_Errno) ss_io_errno=$_v ;;
			Last_IO_Error) ss_io_error=$_v ;;
			Last_SQL_Errno) ss_sql_errno=$_v ;;
			Last_SQL_Error) ss_sql_error=$_v ;;
			Gtid_IO_Pos) ss_io_pos=$_v ;;
			Seconds_Behind_Master) ss_sbm=$_v ;;
			Using_Gtid) ss_gtid=$_v ;;
			esac ;;
		esac
	done <<EOT
$Q
EOT
}

# slave_status: the default connection ('') of SHOW ALL SLAVES STATUS in
# ss_* variables; ss_conf=1 when replication is configured.
slave_status() {
	ss_reset
	qv 10 'SHOW ALL SLAVES STATUS'
}

# replica_line: $RL, the replication status in words (a variable, not
# output: a $(...) would fork).
replica_line() {
	RL="replica of $ss_host:$ss_port (IO $ss_io, SQL $ss_sql, received ${ss_io_pos:-none},"
	RL="$RL applied ${gtid_slave:-none}, Seconds_Behind_Master $ss_sbm)"
}

# gtid_ahead A B: the GTIDs of position A whose domain B lacks or holds
# at a lower sequence number ("" when B has caught up with A).
gtid_ahead() {
	_ga_sep='' _ga_ifs=$IFS
	IFS=,
	set -f
	for _ga_a in $1; do
		[ -n "$_ga_a" ] || continue
		_ga_lack=1
		for _ga_b in $2; do
			[ "${_ga_b%%-*}" = "${_ga_a%%-*}" ] || continue
			[ "${_ga_a##*-}" -gt "${_ga_b##*-}" ] || _ga_lack=0
		done
		[ $_ga_lack = 0 ] || { printf '%s%s' "$_ga_sep" "$_ga_a"; _ga_sep=,; }
	done
	set +f
	IFS=$_ga_ifs
}

# sql_lit VAR S: VAR set to S as the body of a single-quoted SQL string,
# without a fork unless S holds a quote or a backslash (promote).
sql_lit() {
	case $2 in
	*[\\\']*) eval "$1=\$(sql_str \"\$2\")" ;;
	*) eval "$1=\$2" ;;
	esac
}
# sql_str S: S as the body of a single-quoted SQL string.
sql_str() {
	case $1 in
	*[\\\']*) printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g" ;;
	*) printf '%s' "$1" ;;
	esac
}

# ---------------------------------------------------------------- checks

# warn_app_user: the application account must not bypass read_only. Since
# MariaDB 10.11.1 SUPER no longer does, READ_ONLY ADMIN does (and ALL
# PRIVILEGES includes it), granted to the account or to a role granted to
# it, directly or through other roles (default role or not: the
# application may SET ROLE). Privileges from mysql.global_priv
# (information_schema.USER_PRIVILEGES shows no roles, and other accounts
# only to who may read the whole mysql schema), role grants from
# mysql.roles_mapping, nested at most 10 deep. READ_ONLY ADMIN is bit 33
# of the access mask (READ_ONLY_ADMIN_ACL of MariaDB 10.11).
#
# app_user_sql: the query in $APP_SQL (one row, column hamgr_app), or
# none and a warning in $APP_WARN (a malformed param).
app_user_sql() {
	APP_SQL='' APP_WARN='' V_app=''
	[ -n "$p_app" ] || return 0
	_u=${p_app%%@*} _h=
	case $p_app in *@*) _h=${p_app#*@} ;; esac
	case $_u$_h in *[!A-Za-z0-9_.%-]*)
		APP_WARN="WARNING: param app_user=$p_app: expected USER or USER@HOST"
		return 0 ;;
	esac
	_w="User = '$_u'"
	[ -z "$_h" ] || _w="$_w AND Host = '$_h'"
	APP_SQL="WITH RECURSIVE g (u, h, acct, via, depth) AS (
	SELECT User, Host, CAST(CONCAT('''', User, '''@''', Host, '''') AS CHAR(300)),
		CAST('' AS CHAR(1000)), 0 FROM mysql.global_priv WHERE $_w
	UNION
	SELECT m.Role, '', g.acct, IF(g.depth = 0, '', CONCAT_WS(' > ', NULLIF(g.via, ''), g.u)),
		g.depth + 1
	FROM mysql.roles_mapping m JOIN g ON m.User = g.u AND m.Host = g.h WHERE g.depth < 10)
SELECT GROUP_CONCAT(CONCAT(g.acct, ' holds READ_ONLY ADMIN', IF(g.depth = 0, '',
		CONCAT(' through role ', g.u, IF(g.via = '', '', CONCAT(' (granted via ', g.via, ')')))))
	ORDER BY g.acct, g.depth SEPARATOR '; ') AS hamgr_app
FROM g JOIN mysql.global_priv p ON p.User = g.u AND p.Host = g.h
WHERE CAST(JSON_VALUE(p.Priv, '\$.access') AS UNSIGNED) & 8589934592"
}
# app_user_report STATUS: the warnings, once the query ran (STATUS 0) or
# failed (its error in $QE).
app_user_report() {
	[ -z "$APP_WARN" ] || say "$action: $APP_WARN"
	if [ "$1" != 0 ]; then
		say "$action: WARNING: cannot check app_user $p_app: $QE"
	elif [ -n "$V_app" ] && [ "$V_app" != NULL ]; then
		say "$action: WARNING: app_user $V_app: it can write to a read-only server" \
			"(REVOKE READ_ONLY ADMIN ON *.* FROM ...)"
	fi
}
warn_app_user() {
	app_user_sql
	_rc=0
	if [ -n "$APP_SQL" ]; then
		qv 5 "$APP_SQL"
		_rc=$?
	fi
	app_user_report $_rc
}

# set_read_only: read_only = ON, waiting at most lock_wait seconds for
# the global read lock; if a long write holds it up, end the client
# sessions and try once more.
set_read_only() {
	_t0=$(now_ms)
	if q $((p_lockwait + 5)) "SET SESSION lock_wait_timeout = $p_lockwait; SET GLOBAL read_only = ON"; then
		say "$action: read_only = ON ($(took "$_t0"))"
		return 0
	fi
	say "$action: SET GLOBAL read_only = ON failed ($(took "$_t0")): $QE"
	kill_sessions || return 1
	_t0=$(now_ms)
	q $((p_lockwait + 5)) "SET SESSION lock_wait_timeout = $p_lockwait; SET GLOBAL read_only = ON" || {
		say "$action: SET GLOBAL read_only = ON failed again: $QE"
		return 1
	}
	say "$action: read_only = ON ($(took "$_t0"))"
}

# kill_sessions: end every client session but replication threads (both
# sides), system threads and this script's own.
kill_sessions() {
	_t0=$(now_ms)
	q 10 "SELECT ID, USER, HOST FROM information_schema.PROCESSLIST
		WHERE ID <> CONNECTION_ID()
		AND COMMAND NOT IN ('Binlog Dump', 'Daemon', 'Slave_IO', 'Slave_SQL', 'Slave_worker', 'Killed')
		AND USER NOT IN ('system user', 'event_scheduler', 'unauthenticated user')" || {
		say "$action: cannot list the sessions: $QE"
		return 1
	}
	if [ -z "$Q" ]; then
		say "$action: no client sessions to end ($(took "$_t0"))"
		return 0
	fi
	_ids=$(printf '%s\n' "$Q" | awk '{ print $1 }')
	_who=$(printf '%s\n' "$Q" | awk '{ printf "%s%s@%s", sep, $2, $3; sep = " " }')
	# --force: a session that ended meanwhile (unknown thread) does not
	# stop the others.
	q 10 "$(for _i in $_ids; do echo "KILL CONNECTION $_i;"; done)" --force
	say "$action: ended $(printf '%s\n' "$_ids" | wc -l) client sessions: $_who ($(took "$_t0"))"
}

# heartbeat_write WHY: one heartbeat row now, on the primary: promote
# writes the first (no waiting for the event), demote the last (after
# read_only, as the very last transaction: the successor then knows the
# primary's data up to that moment). Never on a replica (an errant GTID).
HB_SQL="REPLACE INTO $p_hb (id, server_id, ts) VALUES (1, @@server_id, UTC_TIMESTAMP(6))"
heartbeat_write() {
	[ -n "$p_hb" ] || return 0
	_t0=$(now_ms)
	if q 10 "$HB_SQL"; then
		say "$action: heartbeat written, $1 ($(took "$_t0"))"
	else
		say "$action: WARNING: cannot write the heartbeat to $p_hb: $QE"
	fi
}

# ---------------------------------------------------------- option files

# cnf_value FILE KEY: KEY's value in FILE's client sections, quotes off.
cnf_value() {
	awk -v k="$2" '
		/^[ \t]*\[/ { s = $0; gsub(/[][ \t]/, "", s)
			on = (s == "client" || s == "client-server" || s == "client-mariadb" ||
			      s == "mariadb-client" || s == "mysql" || s == "mariadb"); next }
		on {
			line = $0; sub(/^[ \t]+/, "", line)
			i = index(line, "="); if (i == 0) next
			key = substr(line, 1, i - 1); sub(/[ \t]+$/, "", key); gsub(/_/, "-", key)
			if (key != k) next
			v = substr(line, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t\r]+$/, "", v)
			if (v ~ /^".*"$/ || v ~ /^\x27.*\x27$/) v = substr(v, 2, length(v) - 2)
			val = v
		}
		END { printf "%s", val }' "$1"
}
