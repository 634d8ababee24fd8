#!/bin/bash
# t_portblock: the address first, its port closed until the database is
# writable. etc/examples/db-pair-fast.conf as shipped (addresses and paths
# aside, lib_mysql.sh's my_example): resource db (mysql, phase after-vips,
# irreversible) then resource gate (portblock, ip = the VIP, portno =
# 3306), on a MariaDB pair with semi-synchronous replication: primary a
# (the example's db01), replica b (db02). A client inserts through the VIP
# without pause (scripts/my-insert).
#   - bad input: hamgr -t accepts a gate with ip=10.0.0.999 (params are
#     the script's business); the script's start exits 6 naming the value,
#     and installs nothing; also a bad portno;
#   - before the fault: a's gate open (monitor 8, no rule), b's closed
#     (monitor 0, the reset rule); inserts are acknowledged by a;
#   - a dies (hamgr SIGKILLed, link cut): the VIP comes up on b before its
#     db promote, the client gets connection refused (TCP reset) while b
#     promotes, then writes on b (server_id 2); b's gate is open; no
#     acknowledged insert lost (semi-sync) and no read-only error at all;
#   - a comes back (VIP gone as after a reboot, link up, hamgr started):
#     its gate, left open by the killed hamgr, is closed by start; a is a
#     read-only former primary;
#   - b stops (SIGTERM): its stop removes its table (nothing in nft list
#     tables); a takes over, the VIP comes up on a, its db promote
#     REFUSES (former primary): the port never opens on a, the client sees
#     no write on a and no read-only error, a gives the role up: the VIP
#     goes, the gate is closed;
#   - hamgr stop on a removes its table.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/lib_mysql.sh"
lib_require_root
lib_require_hamgr
my_require
lib_require_tools nft
VIP=198.51.100.33
MY_VIP=$VIP   # the servers also listen on it (lib_mysql.sh)
EX=$LIB_ROOT/etc/examples/db-pair-fast.conf
PB=$LIB_ROOT/resource-scripts/portblock
TABLE=hamgr_portblock_gate
# Attempts end after 0.25 s: one that went to the dead master must not
# outlast the time the port stays closed on b (settle gate and promote).
export MY_ATTEMPT_S=0.25

lib_bridge
lib_node a 198.51.100.31
lib_node b 198.51.100.32
lib_client c 198.51.100.100

# pb NODE ACTION [NAME=VALUE...]: the portblock script run by hand in
# NODE's namespace with the gate's params (and HAMGR_PARAM_NAME=VALUE);
# output in PB_OUT, exit status in PB_RC.
pb() {
	local n=$1 act=$2 kv envs=(HAMGR_RESOURCE=gate "HAMGR_PARAM_ip=$VIP" HAMGR_PARAM_portno=3306)
	shift 2
	for kv in "$@"; do envs+=("HAMGR_PARAM_$kv"); done
	PB_OUT=$(lib_exec "$n" env "${envs[@]}" timeout 10 "$PB" "$act" 2>&1)
	PB_RC=$?
}

# gate_is NODE open|closed: monitor says so (8, 0) and nft list agrees.
gate_is() {
	local n=$1 want=$2 code rules
	pb "$n" monitor
	code=0
	[ "$want" = open ] && code=8
	[ "$PB_RC" = "$code" ] || lib_fail "$n: gate monitor: expected $code ($want), seen $PB_RC: $PB_OUT"
	rules=$(lib_exec "$n" nft list table inet $TABLE | grep -c 'reject with tcp reset')
	if [ "$want" = open ]; then
		[ "$rules" = 0 ] || lib_fail "$n: gate open, but nft lists $rules reset rule(s)"
	else
		lib_exec "$n" nft list table inet $TABLE |
			grep -q "ip daddr $VIP tcp dport 3306 reject with tcp reset" ||
			lib_fail "$n: gate closed, but nft lists no reset rule for $VIP port 3306"
	fi
	lib_log "$n: gate $want ($PB_OUT)"
}

# no_tables NODE: nothing left in NODE's nftables.
no_tables() {
	local t
	t=$(lib_exec "$1" nft list tables)
	[ -z "$t" ] || lib_fail "$1: tables left: $t"
	lib_log "$1: no nftables table left"
}

# The client's log, counted from line FROM: refused (TCP reset; the
# client's non-blocking connect reports it as errno 115 or 111), read-only
# errors, acknowledgements by SERVER_ID.
REFUSED_RE=" err 1 ERROR 2002 \(HY000\): Can't connect to server on '$VIP' \((111|115)\)"
refused_since() { tail -n +"$1" "$LIB_TMP/client.log" | grep -Ec "$REFUSED_RE"; }
ro_errors() { grep -Ec 'ERROR 1290|read-only|read_only' "$LIB_TMP/client.log"; }
acks_since() { tail -n +"$1" "$LIB_TMP/client.log" | awk -v s="$2" '$4 == "ok" && $5 == s' | wc -l; }

# ------------------------------------------------- bad input, by hand
my_example "$EX" a | sed 's/"ip=198.51.100.33"/"ip=10.0.0.999"/' >"$LIB_TMP/bad.conf"
grep -q '"ip=10.0.0.999"' "$LIB_TMP/bad.conf" || lib_fail "the example has no gate ip param to replace"
lib_exec a "$LIB_HAMGR" -t -f "$LIB_TMP/bad.conf" >"$LIB_TMP/bad.conftest" 2>&1 ||
	lib_fail "hamgr -t rejects a gate with ip=10.0.0.999: $(cat "$LIB_TMP/bad.conftest")"
lib_log "hamgr -t accepts ip=10.0.0.999: $(tail -n 1 "$LIB_TMP/bad.conftest")"
pb c start ip=10.0.0.999
lib_assert_eq "portblock start with ip=10.0.0.999 (exit)" 6 "$PB_RC"
grep -q '10\.0\.0\.999' <<<"$PB_OUT" || lib_fail "the message does not name 10.0.0.999: $PB_OUT"
lib_log "    | $PB_OUT"
pb c start portno=3306,99999
lib_assert_eq "portblock start with portno=3306,99999 (exit)" 6 "$PB_RC"
grep -q '99999' <<<"$PB_OUT" || lib_fail "the message does not name 99999: $PB_OUT"
lib_log "    | $PB_OUT"
no_tables c

# ------------------------------------------------------------ the pair
my_server a 198.51.100.31 1 "$MY_SEMISYNC_CNF"
my_server b 198.51.100.32 2 "$MY_SEMISYNC_CNF"
my_primary_setup a
my_replica_setup b a
my_heartbeat_event a b
res_addrmon_start b

lib_hamgr_start a "$(my_example "$EX" a)"
lib_hamgr_start b "$(my_example "$EX" b db02)"
LIB_INST[a]=db LIB_INST[b]=db
lib_wait_log a 'takeover complete' 20
lib_wait_state b BACKUP 5
lib_wait_holders $VIP a 3
grep -q 'priority        = 244$' "$LIB_TMP/b.conf" || lib_fail "b's file was not made from the db02 comments"
lib_assert_eq "a read_only (primary)" 0 "$(my_ro a)"
lib_assert_eq "b read_only (replica)" 1 "$(my_ro b)"
lib_wait_log b 'portblock: closed tcp 3306 on 198.51.100.33' 5
gate_is a open
gate_is b closed

my_client_start c $VIP 1 60
lib_poll 10 my_acks_from 1 30 || lib_fail "fewer than 30 inserts acknowledged by a"
my_wait_caught_up b a 5

# ------------------------------------------ a dies: b promotes, closed
lib_log_mark b
fault=$(lib_now_ms)
from=$(($(wc -l <"$LIB_TMP/client.log") + 1))
lib_daemon_stop a KILL
lib_link_cut a
lib_wait_log b 'takeover complete' 20
lib_wait_vip b $VIP 3
lib_poll 10 my_acks_from 2 30 || lib_fail "fewer than 30 inserts acknowledged by b after the failover"
my_client_stop
lib_log "b's takeover:"
lib_log_since_mark b | grep -E 'MASTER|promote|VIP|address|portblock|complete' | sed 's/^/    /' | head -n 30
# The order: the VIP up, then db promote, then the gate opens.
t_vip=$(res_addr_time b $VIP add)
[ -n "$t_vip" ] || lib_fail "no address event for $VIP on b"
t_db=$(lib_log_since_mark b | grep -n 'db/db promote' | head -n 1 | cut -d: -f1)
t_open=$(lib_log_since_mark b | grep -n 'portblock: opened' | head -n 1 | cut -d: -f1)
if [ -z "$t_db" ] || [ -z "$t_open" ] || [ "$t_db" -ge "$t_open" ]; then
	lib_fail "b's log: expected db promote (line ${t_db:-none}) before the gate opened (line ${t_open:-none})"
fi
my_check_failover a b "$fault"
lib_assert_eq "acknowledged inserts lost (semi-sync)" 0 "$MY_LOST"
refused=$(refused_since "$from")
lib_log "connection refused (TCP reset) while b promoted: $refused"
tail -n +"$from" "$LIB_TMP/client.log" | awk '$4 == "err"' | cut -d' ' -f5- | sort | uniq -c | sed 's/^/    /'
lib_assert_ge "refused attempts during b's promote" "$refused" 1
# Refused until b acknowledged, never after: the gate opened once.
first=$(my_first_ack b "$fault")
late=$(tail -n +"$from" "$LIB_TMP/client.log" | grep -E "$REFUSED_RE" | awk -v f="$first" '$2 >= f' | wc -l)
lib_assert_eq "refused attempts begun after b's first acknowledgement" 0 "$late"
# A SYN the closed port dropped instead of resetting would not come back
# as a refusal at all: the client retransmits it only after 1 s, so the
# attempt is cut off at MY_ATTEMPT_S (timeout(1), rc 124). Once the
# address is up on b (its gratuitous ARP sent with it; 50 ms for the
# client to take it) and until b acknowledges, while the gate is closed,
# no attempt may end that way. (How long a refusal took says nothing
# here: that is mostly the client's process start, 100 to 230 ms on a
# loaded VM; and a slow client is cut off after an acknowledgement too.)
cutoff=$(tail -n +"$from" "$LIB_TMP/client.log" | awk -v v="$((t_vip / 1000 + 50))" -v f="$first" \
	'$4 == "err" && ($5 == 124 || $5 == 137) && $2 >= v && $2 < f' | wc -l)
lib_assert_eq "attempts cut off (a dropped SYN, not a reset) begun while b's gate was closed" 0 "$cutoff"
lib_assert_eq "read-only errors the client saw" 0 "$(ro_errors)"
gate_is b open

# ---------------------------- a comes back: start closes its open gate
ip -n "$(lib_ns a)" addr del $VIP/24 dev eth0 2>/dev/null
lib_link_restore a
gate_is a open          # as the killed hamgr left it
res_addrmon_start a
lib_hamgr_start a "$(my_example "$EX" a)"
lib_wait_state a BACKUP 5
lib_wait_log a 'portblock: closed .*was open' 5
gate_is a closed
lib_wait_log a 'db start: (ok|.*exit 0)|start: read-only' 10
lib_assert_eq "a read_only after start" 1 "$(my_ro a)"
grep -q '^former-primary' "$(my_dir a)/hamgr.state" || lib_fail "a has no former-primary mark"
lib_assert_holders $VIP b

# -------------- b stops; a takes over and refuses: the port never opens
my_client_start c $VIP 100000 60
lib_poll 10 my_acks_from 2 20 || lib_fail "fewer than 20 inserts acknowledged by b"
from=$(($(wc -l <"$LIB_TMP/client.log") + 1))
lib_log_mark a
lib_daemon_stop b TERM
no_tables b
lib_wait_log a 'promote: REFUSED' 10
lib_wait_log a 'giving the role up' 5
lib_wait_novip a $VIP 5
sleep 0.5
my_client_stop
lib_log "a's takeover:"
lib_log_since_mark a | grep -E 'MASTER|promote|demote|VIP|address|portblock|giving' | sed 's/^/    /' | head -n 30
[ -n "$(res_addr_time a $VIP add)" ] || lib_fail "the VIP never came up on a (after-vips)"
lib_log "the VIP came up on a and went again"
lib_assert_nolog a 'portblock: opened'
lib_assert_eq "inserts acknowledged by a" 0 "$(acks_since "$from" 1)"
lib_log "connection refused (TCP reset) while a held the VIP: $(refused_since "$from")"
lib_assert_eq "read-only errors the client saw" 0 "$(ro_errors)"
lib_assert_eq "a read_only" 1 "$(my_ro a)"
gate_is a closed

# ------------------------------------- hamgr stop removes a's table too
lib_daemon_stop a TERM
no_tables a
lib_pass
