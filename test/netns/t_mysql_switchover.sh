#!/bin/bash
# t_mysql_switchover: planned moves of the primary and the way back, as an
# operator would run them, with the client inserting all along:
#   - `hactl switchover db` on a: a's demote makes it read-only and ends
#     the client sessions still on it (an open transaction is lost, never
#     committed anywhere), b's safe promote finds everything applied; no
#     acknowledged insert is missing on b, no read-only error once b
#     answers;
#   - `mysql rejoin 198.51.100.2` on a (the former primary, marked) makes
#     it a replica of b and clears the mark;
#   - the same back to a, then b rejoins a: both servers hold the same
#     rows and every acknowledged insert.
#   - start on the replica b, run by hand for other app_user accounts,
#     warns about READ_ONLY ADMIN held directly or through a role (a
#     default role, nested in another), naming the role, and not about a
#     role without it.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/lib_mysql.sh"
lib_require_root
lib_require_hamgr
my_require
VIP=198.51.100.50
HACTL=$LIB_BUILD/hactl
[ -x "$HACTL" ] || lib_skip "$HACTL not built (make build/hactl)"

lib_bridge
lib_node a 198.51.100.1
lib_node b 198.51.100.2
lib_client c 198.51.100.100
my_server a 198.51.100.1 1
my_server b 198.51.100.2 2
my_primary_setup a
my_replica_setup b a
my_heartbeat_event a b
lib_vrrp_start a name=db prio=200 preempt=false int=100ms extra="$(my_hamgr_extra a)"
lib_vrrp_start b name=db prio=100 preempt=false int=100ms extra="$(my_hamgr_extra b)"
lib_wait_log a 'takeover complete' 15
lib_wait_holders $VIP a 3
my_client_start c $VIP 1 60
lib_poll 10 my_acks_from 1 50 || lib_fail "fewer than 50 inserts acknowledged by a"
lib_wait_log b 'track replica up' 8

# switchover FROM TO TO_ADDR SID: move the primary, check, rejoin FROM.
switchover() {
	local from=$1 to=$2 to_addr=$3 sid=$4 t0 out
	lib_log "--- switchover $from -> $to"
	# A client session with an open transaction on FROM.
	lib_exec c timeout 30 mariadb --defaults-extra-file="$LIB_TMP/app.cnf" --host=$VIP -e \
		"BEGIN; INSERT INTO app.t VALUES (1000000, @@server_id, UTC_TIMESTAMP(6)); SELECT SLEEP(20); COMMIT" \
		>"$LIB_TMP/session.$from" 2>&1 &
	LIB_BG+=("$!")
	open_trx() { [ "$(my_sql "$1" "SELECT COUNT(*) FROM information_schema.PROCESSLIST
		WHERE USER = 'app' AND INFO LIKE 'SELECT SLEEP%'")" = 1 ]; }
	lib_poll 5 open_trx "$from" || lib_fail "the session with the open transaction is not on $from"
	lib_log_mark "$from"
	lib_log_mark "$to"
	t0=$(lib_now_ms)
	out=$("$HACTL" -s "$LIB_TMP/$from.sock" switchover db 2>&1) || lib_fail "hactl switchover: $out"
	lib_log "hactl switchover on $from: $out"
	lib_wait_log "$to" 'takeover complete' 10
	lib_wait_vip "$to" $VIP 3
	lib_wait_log "$from" 'ended [0-9]+ client sessions: .*app@198.51.100.100' 1
	lib_poll 10 my_acks_from "$sid" 50 || lib_fail "fewer than 50 inserts acknowledged by $to"
	my_assert_no_ro_errors "$to" "$t0"
	lib_assert_eq "$from read_only" 1 "$(my_ro "$from")"
	# Ended on the server. The client learns it when the FIN arrives, or
	# at its next write (a reset from the new holder of the address): the
	# FIN may be lost once the address has left FROM.
	lib_assert_eq "sessions of app with the open transaction on $from" 0 \
		"$(my_sql "$from" "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'app'")"
	session_lost() { grep -q 'ERROR 2013' "$LIB_TMP/session.$1"; }
	if lib_poll 1 session_lost "$from"; then
		lib_log "the client of the open transaction: $(grep ERROR "$LIB_TMP/session.$from")"
	else
		lib_log "the client of the open transaction has not noticed yet"
	fi
	lib_log "$from's demote:"
	lib_log_since_mark "$from" | grep -E "db/db demote: demote" | sed 's/^/    /'
	grep -q '^former-primary' "$(my_dir "$from")/hamgr.state" || lib_fail "$from has no former-primary mark"
	my_rs "$from" rejoin "$to_addr"
	lib_assert_eq "mysql rejoin $to_addr on $from" 0 "$MY_RC"
	[ ! -e "$(my_dir "$from")/hamgr.state" ] || lib_fail "the mark on $from is still there"
	lib_assert_eq "$from: replica of" "$to_addr" "$(my_slave "$from" Master_Host)"
	lib_log "switchover $from -> $to done in $(($(lib_now_ms) - t0)) ms"
}

switchover a b 198.51.100.2 2
switchover b a 198.51.100.1 1
lib_poll 10 my_acks_from 1 100 || lib_fail "fewer than 100 inserts acknowledged by a"
my_client_stop
my_wait_caught_up b a 10
my_acked | sort >"$LIB_TMP/acked"
for n in a b; do
	lib_assert_eq "acknowledged inserts missing on $n" "" \
		"$(comm -23 "$LIB_TMP/acked" <(my_ids $n | sort) | head -n 5 | tr '\n' ' ')"
	lib_assert_eq "the open transactions' row on $n" 0 "$(my_val $n 'SELECT COUNT(*) FROM app.t WHERE id = 1000000')"
done
sum() { my_val "$1" "SELECT CONCAT(COUNT(*), ' ', BIT_XOR(CRC32(CONCAT_WS(',', id, sid, at)))) FROM app.t"; }
lib_assert_eq "a and b hold the same rows" "$(sum a)" "$(sum b)"
lib_log "acknowledged inserts: $(wc -l <"$LIB_TMP/acked"), on both servers; rows: $(sum a)"

# Accounts the client does not use (one holding READ_ONLY ADMIN through
# a default role could write to a read-only server).
my_sql a "CREATE USER app_d@'$MY_NET';
	GRANT READ_ONLY ADMIN ON *.* TO app_d@'$MY_NET';
	CREATE ROLE app_ro_admin;
	GRANT READ_ONLY ADMIN ON *.* TO app_ro_admin;
	CREATE ROLE app_outer;
	GRANT app_ro_admin TO app_outer;
	CREATE USER app_r@'$MY_NET';
	GRANT app_outer TO app_r@'$MY_NET';
	SET DEFAULT ROLE app_outer FOR app_r@'$MY_NET';
	CREATE ROLE app_plain;
	GRANT SELECT ON app.* TO app_plain;
	CREATE USER app_p@'$MY_NET';
	GRANT app_plain TO app_p@'$MY_NET';
	SET DEFAULT ROLE app_plain FOR app_p@'$MY_NET'" || lib_fail "a: accounts and roles not created"
my_wait_caught_up b a 5
# ro_warn USER: start on b for app_user USER; its warning lines in $W.
ro_warn() {
	my_rs b -p "app_user=$1" start
	lib_assert_eq "mysql start on b, app_user=$1" 0 "$MY_RC"
	W=$(grep -F 'WARNING' <<<"$MY_OUT")
}
ro_warn app_d
lib_assert_eq "the warning for app_d" \
	"start: WARNING: app_user 'app_d'@'$MY_NET' holds READ_ONLY ADMIN: it can write to a read-only server (REVOKE READ_ONLY ADMIN ON *.* FROM ...)" \
	"$W"
ro_warn "app_r@$MY_NET"
lib_assert_eq "the warning for app_r" \
	"start: WARNING: app_user 'app_r'@'$MY_NET' holds READ_ONLY ADMIN through role app_ro_admin (granted via app_outer): it can write to a read-only server (REVOKE READ_ONLY ADMIN ON *.* FROM ...)" \
	"$W"
ro_warn app_p
lib_assert_eq "the warning for app_p (its role lacks READ_ONLY ADMIN)" "" "$W"
ro_warn app
lib_assert_eq "the warning for app (the client)" "" "$W"
lib_assert_eq "b read_only" 1 "$(my_ro b)"
lib_pass
