#!/bin/bash
# t_mysql_race: both nodes' hamgr start at the same instant, MY_REPS times
# (default 10), on the same two MariaDB servers (a: the primary to be, no
# replica; b: its replica), a with priority 200, b 100. Odd repetitions
# are the plain race. In even ones VRRP is dropped in the bridge until both
# have become master (as when adverts cross or both timers end together),
# then let through: b yields to a. The start-up gate must keep the
# irreversible promote from following b's momentary mastership:
#   - every time exactly one primary: a read_only = OFF, b read_only = ON;
#   - b never runs promote, not once in all repetitions;
#   - read_only is sampled on b all along: never OFF.
# Between repetitions, as an operator would: b's hamgr stops first, then
# a's (its demote leaves the former-primary mark), and `mysql bootstrap`
# on a declares its data the newest again.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/lib_mysql.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft
my_require
VIP=198.51.100.50
reps=${MY_REPS:-10}

lib_bridge
lib_node a 198.51.100.1
lib_node b 198.51.100.2
my_server a 198.51.100.1 1
my_server b 198.51.100.2 2
my_primary_setup a
my_replica_setup b a
my_heartbeat_event a b
for n in a b; do
	prio=200
	[ $n = b ] && prio=100
	lib_vrrp_conf $n name=db prio=$prio preempt=false int=100ms extra="$(my_hamgr_extra $n)"
	lib_hamgr_write_conf $n "$LIB_CONF_TEXT" check
done

# b's read_only, every 50 ms in the background, until the stop file.
(
	trap - EXIT
	for ((i = 0; i < 4000; i++)); do
		[ -e "$LIB_TMP/ro.stop" ] && break
		echo "$(lib_now_ms) $(my_sql b 'SELECT @@read_only' 2>/dev/null)" >>"$LIB_TMP/b.ro"
		sleep 0.05
	done
) &
sampler=$!
LIB_BG+=("$sampler")

for ((k = 1; k <= reps; k++)); do
	rm -f "$LIB_TMP/go"
	for n in a b; do
		lib_log_mark $n
		echo "=== hamgr start (rep $k) $(date +%T.%N) ===" >>"$LIB_TMP/$n.log"
		# Both wait for one file, then exec hamgr: one instant for both.
		lib_daemon_spawn $n hamgr sh -c 'i=0; while [ ! -e "$0" ] && [ $i -lt 2000 ]; do
			sleep 0.005; i=$((i + 1)); done; shift; exec "$@"' "$LIB_TMP/go" x \
			"$LIB_HAMGR" -d -f "$LIB_TMP/$n.conf"
	done
	blocked=$((k % 2 == 0))
	[ $blocked = 1 ] && lib_vrrp_block
	: >"$LIB_TMP/go"
	if [ $blocked = 1 ]; then
		lib_wait_state a MASTER 3
		lib_wait_state b MASTER 3
		lib_vrrp_unblock
		lib_log "rep $k: both master, VRRP let through"
	fi
	lib_wait_log a 'takeover complete' 8
	lib_wait_state b BACKUP 3
	sleep 0.5
	ro_a=$(my_ro a) ro_b=$(my_ro b)
	promotes_b=$(grep -c 'db/db promote: started' "$LIB_TMP/b.log")
	masters_b=$(lib_log_since_mark b | grep -c -- '-> MASTER')
	lib_log "rep $k: read_only a=$ro_a b=$ro_b, b was master $masters_b time(s), promotes on b so far: $promotes_b"
	[ "$ro_a" = 0 ] && [ "$ro_b" = 1 ] || lib_fail "rep $k: not exactly one primary (a=$ro_a b=$ro_b)"
	[ "$promotes_b" = 0 ] || lib_fail "rep $k: b ran promote"
	lib_daemon_stop b TERM
	lib_daemon_stop a TERM
	lib_assert_eq "rep $k: a read_only after its hamgr stopped" 1 "$(my_ro a)"
	my_rs a bootstrap >/dev/null
	[ "$MY_RC" = 0 ] || lib_fail "mysql bootstrap on a failed: $MY_OUT"
done
: >"$LIB_TMP/ro.stop"
wait "$sampler" 2>/dev/null
samples=$(wc -l <"$LIB_TMP/b.ro")
lib_assert_ge "samples of b's read_only" "$samples" 50
lib_assert_eq "samples with b writable" 0 "$(awk '$2 == 0' "$LIB_TMP/b.ro" | wc -l)"
lib_assert_eq "b's promotes in $reps repetitions" 0 "$(grep -c 'db/db promote: started' "$LIB_TMP/b.log")"
lib_assert_eq "a's promotes in $reps repetitions" "$reps" "$(grep -c 'db/db promote: started' "$LIB_TMP/a.log")"
lib_log "b became master for a moment in $(grep -c -- '-> MASTER' "$LIB_TMP/b.log") of $reps starts"
lib_pass
