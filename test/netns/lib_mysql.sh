# shellcheck shell=bash
# lib_mysql.sh: real MariaDB servers (Debian's mariadb-server) for the
# netns scenarios, on top of lib.sh (source lib.sh first).
#
#   my_require
#   lib_bridge; lib_node a 198.51.100.1; lib_node b 198.51.100.2
#   my_server a 198.51.100.1 1; my_server b 198.51.100.2 2
#   my_primary_setup a; my_replica_setup b a; my_heartbeat_event a b
#   lib_vrrp_start a name=db prio=200 preempt=false extra="$(my_hamgr_extra a)"
#
# Each server has its own directory $LIB_TMP/NODE.my/ (datadir made by
# mariadb-install-db, my.cnf, socket, pid file, error log) and runs as
# `mariadbd --defaults-file=...` inside NODE's namespace, so lib.sh's
# cleanup trap ends it with everything else there. It listens on the
# node's address and on the VIP (net.ipv4.ip_nonlocal_bind=1 in the node
# namespace: the VIP may come later). GTID replication, ROW binlogs,
# log_slave_updates, gtid_strict_mode, read_only = ON from the start (a
# server never comes up writable), the event scheduler on.
#
# Accounts, created on the primary and replicated:
#   root@localhost  unix_socket: the harness itself (my_sql)
#   hamgr@localhost the resource script and check-mysql, with the least
#                   privileges hamgr-mysql(7) lists; password in
#                   NODE.my/admin.cnf (its defaults_file)
#   repl@198.51.100.%  replication (NODE.my/repl.cnf for mysql rejoin)
#   app@198.51.100.%   the client: SELECT, INSERT on app.* ($LIB_TMP/app.cnf)
# Tables: app.t (id, sid = @@server_id of the server that took the
# insert, at), hamgr.heartbeat (written every second by an event on the
# writable node, hamgr-mysql(7)).

MY_RS=$LIB_ROOT/resource-scripts/mysql
MY_CHECK=$LIB_ROOT/agents/check-mysql
MY_INSERT=$LIB_ROOT/test/netns/scripts/my-insert
MY_VIP=198.51.100.50
MY_NET=198.51.100.%
# Semi-synchronous replication as hamgr-mysql(7) recommends it: a commit
# is acknowledged once a replica has the transaction in its relay log
# (AFTER_SYNC: and no other client saw it before), so a replica that
# applies everything it received loses no acknowledged write. Both nodes
# get both sides: either may be primary. No wait without a replica (the
# new primary right after a failover has none yet); the timeout (ms)
# outlasts the client's attempt (0.5 s), so a commit the replica never
# acknowledged is never acknowledged to the client. STOP SLAVE on a
# semi-sync replica connects to the primary to end its dump thread: 1 s
# for that, not 5 (promote KILLs the IO thread first and does not wait for
# it, t_mysql_semisync_stop runs with 5; a plain STOP SLAVE does).
# shellcheck disable=SC2034 # used by the scenarios and the bench
MY_SEMISYNC_CNF="rpl_semi_sync_master_enabled = ON
rpl_semi_sync_slave_enabled = ON
rpl_semi_sync_master_wait_point = AFTER_SYNC
rpl_semi_sync_master_timeout = 10000
rpl_semi_sync_master_wait_no_slave = OFF
rpl_semi_sync_slave_kill_conn_timeout = 1"
declare -A MY_ADDR=()      # node -> address
declare -A MY_ID=()        # node -> server_id

my_require() {
	lib_require_tools mariadbd mariadb mariadb-install-db mariadb-binlog timeout
}

my_dir() { echo "$LIB_TMP/$1.my"; }

# my_server NODE ADDR SERVER_ID [MY.CNF LINES]: create NODE's server and
# start it (MY.CNF LINES are added to [mariadbd], e.g. semi-sync).
my_server() {
	local n=$1 addr=$2 id=$3 extra=${4:-} d
	d=$(my_dir "$n")
	rm -rf "$d"          # (a log directory used before: a fresh datadir)
	mkdir -p "$d"
	MY_ADDR[$n]=$addr
	MY_ID[$n]=$id
	cat >"$d/my.cnf" <<-CNF
		[mariadbd]
		user = root
		datadir = $d/data
		socket = $d/sock
		pid-file = $d/pid
		tmpdir = $d
		log-error = $d/error.log
		bind-address = $addr,$MY_VIP
		port = 3306
		server-id = $id
		log-bin = bin
		relay-log = relay
		log-slave-updates = ON
		binlog-format = ROW
		gtid-strict-mode = ON
		read-only = ON
		event-scheduler = ON
		skip-name-resolve
		performance-schema = OFF
		innodb-buffer-pool-size = 16M
		innodb-log-file-size = 8M
		max-connections = 200
		$extra
	CNF
	printf '[client]\nuser = hamgr\npassword = "hamgr-pw"\n' >"$d/admin.cnf"
	printf '[client]\nuser = repl\npassword = "repl-pw"\n' >"$d/repl.cnf"
	printf '[client]\nuser = app\npassword = "app-pw"\n' >"$LIB_TMP/app.cnf"
	chmod 600 "$d/admin.cnf" "$d/repl.cnf"
	mariadb-install-db --defaults-file="$d/my.cnf" --auth-root-authentication-method=socket \
		--skip-test-db >"$d/install.log" 2>&1 || {
		tail -n 20 "$d/install.log"
		lib_fail "$n: mariadb-install-db failed"
	}
	lib_exec "$n" sysctl -qw net.ipv4.ip_nonlocal_bind=1
	my_start "$n"
}

# my_start NODE: start NODE's mariadbd (created by my_server) in its
# namespace and wait (at most 30 s) until it answers.
my_start() {
	local n=$1 d i
	d=$(my_dir "$n")
	rm -f "$d/mpid"
	(
		ip netns exec "$LIB_PREFIX$n" mariadbd --defaults-file="$d/my.cnf" >>"$d/stdout" 2>&1 &
		echo $! >"$d/mpid"
		wait $!
	) 2>/dev/null &
	LIB_BG+=("$!")
	for ((i = 0; i < 300; i++)); do
		my_sql "$n" 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.1
	done
	my_sql "$n" 'SELECT 1' >/dev/null || {
		tail -n 20 "$d/error.log"
		lib_fail "$n: mariadbd does not answer after 30 s"
	}
	lib_log "$n: mariadbd up (pid $(cat "$d/mpid"), server_id ${MY_ID[$n]})"
}

# my_sql NODE SQL: run SQL as root over NODE's socket; rows tab-separated,
# no header. Bounded by timeout.
my_sql() {
	printf '%s\n' "$2" | timeout -k 2 30 mariadb --socket="$(my_dir "$1")/sock" --batch \
		--skip-column-names
}

# my_val NODE SQL: one value, or fail.
my_val() {
	local v
	v=$(my_sql "$1" "$2") || lib_fail "$1: query failed: $2"
	echo "$v"
}

# my_primary_setup NODE: accounts, app.t and the heartbeat table.
my_primary_setup() {
	my_sql "$1" "
		CREATE USER hamgr@localhost IDENTIFIED BY 'hamgr-pw';
		GRANT RELOAD, PROCESS, CONNECTION ADMIN, READ_ONLY ADMIN, REPLICATION SLAVE ADMIN, SLAVE MONITOR,
			BINLOG MONITOR ON *.* TO hamgr@localhost;
		GRANT SELECT ON mysql.global_priv TO hamgr@localhost;
		GRANT SELECT ON mysql.roles_mapping TO hamgr@localhost;
		CREATE USER repl@'$MY_NET' IDENTIFIED BY 'repl-pw';
		GRANT REPLICATION SLAVE ON *.* TO repl@'$MY_NET';
		CREATE DATABASE app;
		CREATE TABLE app.t (id INT PRIMARY KEY, sid INT, at DATETIME(6));
		CREATE USER app@'$MY_NET' IDENTIFIED BY 'app-pw';
		GRANT SELECT, INSERT ON app.* TO app@'$MY_NET';
		CREATE DATABASE hamgr;
		CREATE TABLE hamgr.heartbeat (id TINYINT PRIMARY KEY, server_id INT UNSIGNED,
			ts DATETIME(6));
		REPLACE INTO hamgr.heartbeat VALUES (1, @@server_id, UTC_TIMESTAMP(6));
		GRANT SELECT, INSERT, DELETE ON hamgr.* TO hamgr@localhost;" || lib_fail "$1: primary set-up failed"
	lib_log "$1: accounts and tables created (GTID $(my_val "$1" 'SELECT @@gtid_binlog_pos'))"
}

# my_replica_setup NODE PRIMARY: replicate from PRIMARY (GTID, slave_pos)
# and wait (at most 20 s) until NODE has applied all PRIMARY has.
my_replica_setup() {
	my_sql "$1" "CHANGE MASTER TO MASTER_HOST = '${MY_ADDR[$2]}', MASTER_PORT = 3306,
		MASTER_USER = 'repl', MASTER_PASSWORD = 'repl-pw', MASTER_USE_GTID = slave_pos,
		MASTER_CONNECT_RETRY = 1;
		START SLAVE" || lib_fail "$1: CHANGE MASTER failed"
	my_wait_caught_up "$1" "$2" 20
	lib_log "$1: replica of $2 at $(my_val "$1" 'SELECT @@gtid_slave_pos')"
}

my_caught_up() {
	local want
	want=$(my_sql "$2" 'SELECT @@gtid_binlog_pos') || return 1
	[ "$(my_sql "$1" "SELECT MASTER_GTID_WAIT('$want', 0)")" = 0 ]
}

# my_wait_caught_up REPLICA PRIMARY SECS
my_wait_caught_up() {
	lib_poll "$3" my_caught_up "$1" "$2" || {
		printf 'SHOW SLAVE STATUS\n' | mariadb --socket="$(my_dir "$1")/sock" --vertical |
			grep -E 'Running|Err|Gtid'
		lib_fail "$1 has not caught up with $2 after $3 s"
	}
}

# my_heartbeat_event NODE...: on each node, locally (not replicated), the
# event that writes hamgr.heartbeat every second while the node is
# writable. With read_only = ON it writes nothing (and logs no GTID).
my_heartbeat_event() {
	local n
	for n in "$@"; do
		my_sql "$n" "SET SESSION sql_log_bin = 0;
			CREATE EVENT hamgr.heartbeat ON SCHEDULE EVERY 1 SECOND DO
			REPLACE INTO hamgr.heartbeat SELECT 1, @@server_id, UTC_TIMESTAMP(6)
			FROM DUAL WHERE @@global.read_only = 0" || lib_fail "$n: CREATE EVENT failed"
	done
}

# my_param_list NODE: the resource script's params for NODE, NAME=VALUE
# one a line (MY_MAX_LAG: max_lag, default 3).
my_param_list() {
	local d
	d=$(my_dir "$1")
	printf '%s\n' "defaults_file=$d/admin.cnf" "socket=$d/sock" "state_file=$d/hamgr.state" \
		"heartbeat_table=hamgr.heartbeat" "max_lag=${MY_MAX_LAG:-3}" "app_user=app" \
		"apply_timeout=10" "repl_defaults_file=$d/repl.cnf"
}

# my_hamgr_extra NODE: the track (check-mysql) and resource (mysql)
# sections of NODE's hamgr instance.
my_hamgr_extra() {
	local d
	d=$(my_dir "$1")
	cat <<-CONF
		    track replica {
		        command = "$MY_CHECK -f $d/admin.cnf -S $d/sock -T hamgr.heartbeat -w 3 -c 10 -t 0.8"
		        interval = 1s
		        timeout = 900ms
		        rise = 2
		        fall = 2
		        weight = -50
		    }
		    resource db {
		        script = "$MY_RS"
		        phase = "before-vips"
		        timeout = 20s
		        monitor-interval = ${MY_MONITOR:-2s}
		        params = {$(my_param_list "$1" | awk '{ printf "%s\"%s\"", (NR > 1 ? ", " : ""), $0 }')}
		    }
	CONF
}

# my_example FILE NODE [NODE2]: a shipped example (etc/examples/db-pair*.conf)
# for NODE, with NODE2's "NODE2: VALUE" comments applied when given (so
# they are checked too), for this run: 10.0.0.N -> 198.51.100.N,
# /usr/lib/hamgr/ -> this tree, the server's socket, credentials files and
# state file -> NODE's MariaDB (my_server).
my_example() {
	local file=$1 n=$2 node2=${3:-} d args=()
	d=$(my_dir "$n")
	[ -n "$node2" ] && args+=(-e "s/^([[:space:]]*[a-z-]+[[:space:]]*=[[:space:]]*)[^#]*#[[:space:]]*$node2:[[:space:]]*([^;#]*[^;#[:space:]]).*\$/\\1\\2/")
	sed -E "${args[@]}" \
		-e 's/10\.0\.0\.([0-9]+)/198.51.100.\1/g' \
		-e "s|/usr/lib/hamgr/agents/|$LIB_ROOT/agents/|g" \
		-e "s|/usr/lib/hamgr/resource-scripts/|$LIB_ROOT/resource-scripts/|g" \
		-e "s|/etc/hamgr/mysql-admin.cnf|$d/admin.cnf|g" \
		-e "s|/etc/hamgr/mysql-repl.cnf|$d/repl.cnf|g" \
		-e "s|/run/mysqld/mysqld.sock|$d/sock|g" \
		-e "s|/var/lib/hamgr/mysql.state|$d/hamgr.state|g" \
		"$file"
}

# my_rs NODE ACTION [ARG]: run the resource script by hand in NODE's
# namespace, as the operator would (-p for each param); output in $MY_OUT,
# exit status in $MY_RC.
my_rs() {
	local n=$1 p args=()
	shift
	while IFS= read -r p; do
		args+=(-p "$p")
	done < <(my_param_list "$n")
	MY_OUT=$(lib_exec "$n" timeout 60 "$MY_RS" "${args[@]}" "$@" 2>&1)
	MY_RC=$?
	lib_log "$n: mysql $*: exit $MY_RC"
	printf '%s\n' "$MY_OUT" | sed 's/^/    | /'
}

# my_slave NODE FIELD: FIELD of NODE's SHOW SLAVE STATUS ("" when it
# replicates from nobody).
my_slave() {
	printf 'SHOW SLAVE STATUS\n' | timeout -k 2 30 mariadb --socket="$(my_dir "$1")/sock" --batch \
		--vertical | sed -n "s/^ *$2: //p"
}

# my_ro NODE: @@read_only (0 or 1).
my_ro() { my_val "$1" 'SELECT @@read_only'; }

# my_client_start CLIENT ADDR FIRST_ID SECS [MAX]: the insert loop
# (scripts/my-insert) in CLIENT's namespace, in the background; one line per
# attempt in $LIB_TMP/client.log: "ID T0_MS T1_MS ok SERVER_ID" or
# "ID T0_MS T1_MS err RC MESSAGE".
my_client_start() {
	: >"$LIB_TMP/client.log"
	rm -f "$LIB_TMP/client.log.stop"
	lib_exec "$1" "$MY_INSERT" "$2" "$LIB_TMP/app.cnf" "$LIB_TMP/client.log" "$3" "$4" "${5:-5000}" \
		>>"$LIB_TMP/client.err" 2>&1 &
	MY_CLIENT=$!
	LIB_BG+=("$MY_CLIENT")
}

# my_client_stop: ask the loop to stop and wait (at most 5 s).
my_client_stop() {
	local i
	: >"$LIB_TMP/client.log.stop"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$MY_CLIENT" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$MY_CLIENT" 2>/dev/null
	wait "$MY_CLIENT" 2>/dev/null
	lib_log "client: $(grep -c ' ok ' "$LIB_TMP/client.log") acknowledged inserts," \
		"$(grep -c ' err ' "$LIB_TMP/client.log") failed"
}

# my_acks_from SERVER_ID N: at least N inserts acknowledged by SERVER_ID.
my_acks_from() { [ "$(my_acked "$1" | wc -l)" -ge "$2" ]; }

# my_acked [SERVER_ID]: the acknowledged insert ids (taken by SERVER_ID).
# shellcheck disable=SC2120 # SERVER_ID: optional
my_acked() {
	awk -v s="${1:-}" '$4 == "ok" && (s == "" || $5 == s) { print $1 }' "$LIB_TMP/client.log"
}

# my_ids NODE: the ids in NODE's app.t, sorted.
my_ids() { my_sql "$1" 'SELECT id FROM app.t ORDER BY id'; }

# my_binlog_seqs NODE: "ID SEQ" for every app.t insert in NODE's binlogs
# (SEQ: the sequence number of its GTID).
my_binlog_seqs() {
	local d
	d=$(my_dir "$1")
	mariadb-binlog --base64-output=decode-rows -v "$d"/data/bin.[0-9]* 2>/dev/null | awk '
		/ GTID [0-9]+-[0-9]+-[0-9]+/ { match($0, /GTID [0-9]+-[0-9]+-[0-9]+/)
			split(substr($0, RSTART + 5, RLENGTH - 5), g, "-"); seq = g[3]; ins = 0; next }
		/^### INSERT INTO `app`.`t`/ { ins = 1; next }
		ins && /^###   @1=/ { sub(/^###   @1=/, ""); print $0, seq; ins = 0 }'
}

# my_check_failover OLD NEW FAULT_MS: after a failover from OLD to NEW at
# FAULT_MS (lib_now_ms): NEW is writable and holds every acknowledged
# insert it received (its promote logged "received D-S-N"; the GTIDs of
# the missing ones, from OLD's binlog, must all be beyond N), the client
# saw no read-only error, and inserts resumed on NEW. Sets MY_LOST (acked
# inserts missing on NEW: async replication had not shipped them),
# MY_ACKED, MY_SWITCH_MS (fault to the first acknowledged insert on NEW).
my_check_failover() {
	local old=$1 new=$2 fault=$3 recv rseq missing id seq bad=0 first
	lib_assert_eq "$new read_only" 0 "$(my_ro "$new")"
	recv=$(lib_log_since_mark "$new" | sed -n 's/.*applied everything received: received \([^ ]*\) .*/\1/p' |
		tail -n 1)
	[ -n "$recv" ] || lib_fail "$new's promote logged no received position"
	rseq=$(awk -v p="$recv" -v d=0 'BEGIN { n = split(p, l, ","); for (i = 1; i <= n; i++) {
		split(l[i], f, "-"); if (f[1] == d) print f[3] } }')
	lib_log "$new received up to $recv at promotion"
	my_ids "$new" >"$LIB_TMP/ids.$new"
	my_acked | sort -n >"$LIB_TMP/acked"
	missing=$(comm -23 <(sort "$LIB_TMP/acked") <(sort "$LIB_TMP/ids.$new") | sort -n)
	MY_ACKED=$(wc -l <"$LIB_TMP/acked")
	MY_LOST=$(printf '%s' "$missing" | grep -c .)
	if [ -n "$missing" ]; then
		my_binlog_seqs "$old" >"$LIB_TMP/seqs.$old"
		for id in $missing; do
			seq=$(awk -v i="$id" '$1 == i { print $2; exit }' "$LIB_TMP/seqs.$old")
			if [ -z "$seq" ]; then
				lib_log "acknowledged insert $id is on neither $new nor in $old's binlog"
				bad=1
			elif [ "$seq" -le "${rseq:-0}" ]; then
				lib_log "acknowledged insert $id (GTID seq $seq) reached $new (received $recv) but is missing"
				bad=1
			else
				lib_log "acknowledged insert $id (GTID seq $seq) never reached $new: not shipped by async replication"
			fi
		done
	fi
	[ $bad = 0 ] || lib_fail "acknowledged inserts $new received are missing on it"
	lib_log "acknowledged inserts: $MY_ACKED, on $new: $((MY_ACKED - MY_LOST)), not shipped (lost): $MY_LOST"
	first=$(my_first_ack "$new" "$fault")
	[ -n "$first" ] || lib_fail "no insert was acknowledged by $new after the fault"
	MY_SWITCH_MS=$((first - fault))
	lib_log "fault to the first acknowledged insert on $new: $MY_SWITCH_MS ms"
	my_assert_no_ro_errors "$new" "$fault"
}

# my_first_ack NODE SINCE_MS: when (T1_MS) NODE first acknowledged an
# insert that began at SINCE_MS or later ("" if never).
my_first_ack() {
	awk -v s="${MY_ID[$1]}" -v f="$2" '$4 == "ok" && $5 == s && $2 >= f { print $3; exit }' \
		"$LIB_TMP/client.log"
}

# my_assert_no_ro_errors NODE SINCE_MS: no read-only error (1290) in an
# attempt that began after NODE's first acknowledgement since SINCE_MS
# (all of them are counted and shown: the old primary may answer one
# while it is demoted, before the address moves).
my_assert_no_ro_errors() {
	local first all after
	first=$(my_first_ack "$1" "$2")
	all=$(grep -c 'ERROR 1290' "$LIB_TMP/client.log")
	after=$(awk -v f="${first:-0}" '$4 == "err" && $2 >= f && /ERROR 1290/' "$LIB_TMP/client.log" | wc -l)
	lib_log "read-only errors the client saw: $all in all"
	lib_assert_eq "read-only errors once $1 answered" 0 "$after"
}
