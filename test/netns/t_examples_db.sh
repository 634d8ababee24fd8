#!/bin/bash
# t_examples_db: etc/examples/db-pair.conf runs as written, but for
# addresses and paths: each node's file is made from the shipped one with
# sed (db02's from the "db02: VALUE" comments, so they are checked too;
# 10.0.0.N -> 198.51.100.N; /usr/lib/hamgr/ -> this tree; the server's
# socket and the credentials files -> the per-node MariaDB of
# test/netns/lib_mysql.sh). hamgr -t accepts both; db01 takes over and is
# the writable primary, db02 a read-only replica; db01 dies (hamgr
# SIGKILLed, link cut): db02 is promoted before the address comes to it,
# and clients write through the address on db02.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/lib_mysql.sh"
lib_require_root
lib_require_hamgr
my_require
VIP=198.51.100.33
MY_VIP=$VIP   # the servers also listen on it (lib_mysql.sh)
EX=$LIB_ROOT/etc/examples/db-pair.conf

lib_bridge
lib_node db01 198.51.100.31
lib_node db02 198.51.100.32
lib_client c 198.51.100.100
my_server db01 198.51.100.31 1
my_server db02 198.51.100.32 2
my_primary_setup db01
my_replica_setup db02 db01
my_heartbeat_event db01 db02

lib_hamgr_start db01 "$(my_example "$EX" db01)"
lib_wait_log db01 'takeover complete' 20
lib_hamgr_start db02 "$(my_example "$EX" db02 db02)"
lib_wait_log db02 'INIT -> BACKUP' 5
lib_wait_holders $VIP db01 3
lib_assert_eq "db01 read_only (primary)" 0 "$(my_ro db01)"
lib_assert_eq "db02 read_only (replica)" 1 "$(my_ro db02)"
grep -q 'node-name = "db02"' "$LIB_TMP/db02.conf" || lib_fail "db02's file was not made from its comments"
grep -q 'priority        = 244$' "$LIB_TMP/db02.conf" || lib_fail "db02's priority comment not applied"
my_wait_caught_up db02 db01 10

# db01 dies: db02 is promoted, then takes the address.
lib_log_mark db02
lib_daemon_signal db01 KILL
lib_link_cut db01
lib_wait_log db02 'takeover complete' 20
lib_wait_vip db02 $VIP 3
lib_assert_eq "db02 read_only after its promote" 0 "$(my_ro db02)"
# A client writes through the address, on db02 (the first attempts may
# meet the client's ARP resolution for an address it never used).
insert_on() {
	lib_exec c mariadb --defaults-extra-file="$LIB_TMP/app.cnf" --connect-timeout=1 \
		--host=$VIP --batch --skip-column-names \
		-e "INSERT INTO app.t VALUES ($1, @@server_id, UTC_TIMESTAMP(6)); SELECT @@server_id" \
		>"$LIB_TMP/insert.out" 2>&1
}
id=1000000
try_insert() { id=$((id + 1)); insert_on $id; }
lib_poll 10 try_insert || lib_fail "no insert through $VIP within 10 s: $(cat "$LIB_TMP/insert.out")"
lib_assert_eq "the server behind $VIP after the failover (server_id)" 2 "$(tail -n 1 "$LIB_TMP/insert.out")"
lib_pass
