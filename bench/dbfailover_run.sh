#!/bin/bash
# dbfailover_run.sh: one measurement of bench/dbfailover.sh, in fresh
# namespaces.
#
#   bench/dbfailover_run.sh IMPL [MODE]
#     IMPL  hamgr       the mysql resource script as a before-vips resource
#                       (test/netns/lib_mysql.sh's configuration)
#           hamgr-pair  the same as a pair: unicast to each other and
#                       settle-gate = 0s (promote as soon as the master is
#                       declared down, no settle gate; hamgr.conf(5))
#           hamgr-gate  hamgr-pair with the address first, closed
#                       (etc/examples/db-pair-fast.conf): the mysql
#                       resource after the VIPs and irreversible, then a
#                       portblock gate on 3306 that opens once it is
#                       writable; clients are refused (TCP reset) meanwhile
#           keepalived  Debian's keepalived 2.2.7 with the same script's
#                       promote as notify_master (keepalived brings the VIP
#                       up and runs the script at the same time)
#     MODE  async (default), semisync (AFTER_SYNC, lib_mysql.sh's
#           MY_SEMISYNC_CNF), or lagging: async, and b's IO thread is
#           stopped 4 s before the fault (max_lag is 3 s), so b's promote
#           refuses; the run then lasts 5 s after the fault
#
# A MariaDB primary on a, a GTID replica on b, VRRP with 100 ms adverts
# (priorities BENCH_PRIOS, "A B", default 254 and 244; no preemption), a client in c inserting through
# the VIP without pause (test/netns/scripts/my-insert). Once 100 inserts
# are acknowledged, a's daemon is SIGKILLed and its link cut (the fault);
# the run ends when b has acknowledged 100 inserts, or 15 s after the
# fault. The last line of stdout is the machine line dbfailover.sh reads:
#   RESULT impl=I mode=M switch_ms=X acked=N lost=N ro_errors=N refused=N
#          promote_ms=P vip_on_b=V
# switch_ms: fault to the first insert b acknowledged (-1: none); lost:
# acknowledged inserts missing on b; ro_errors: read-only errors (1290) the
# client saw; refused: promotes of b that refused; promote_ms: b's promote
# as its last line reports it (-1: none succeeded); vip_on_b: b holds the
# VIP at the end (1) or not (0).
# Exit status: 0 measured, 1 failed (setup), 77 skipped.

# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/../test/netns/lib.sh"
# shellcheck source=test/netns/lib_mysql.sh
. "$(dirname "$0")/../test/netns/lib_mysql.sh"

IMPL=${1:?usage: dbfailover_run.sh IMPL [MODE]}
MODE=${2:-async}
VIP=198.51.100.50
case $IMPL in hamgr | hamgr-pair | hamgr-gate | keepalived) ;; *) lib_fail "unknown implementation $IMPL" ;; esac
case $MODE in async | lagging) cnf="" ;; semisync) cnf=$MY_SEMISYNC_CNF ;; *) lib_fail "unknown mode $MODE" ;; esac
LIB_IMPL=${IMPL%-*}
lib_require_root
lib_require_hamgr
my_require

lib_bridge
lib_node a 198.51.100.1
lib_node b 198.51.100.2
lib_client c 198.51.100.100
my_server a 198.51.100.1 1 "$cnf"
my_server b 198.51.100.2 2 "$cnf"
my_primary_setup a
my_replica_setup b a
my_heartbeat_event a b

# keepalived: notify_master runs the same script's promote, its output
# kept in NODE.notify.log; the params of lib_mysql.sh's my_param_list. With
# script security (keepalived -t insists), the script and every directory
# above it must be root's and writable by nobody else: not under /tmp.
if [ "$IMPL" = keepalived ]; then
	NOTIFY_DIR=$(mktemp -d /run/hamgr-dbbench.XXXXXX) || lib_fail "mktemp in /run failed"
	chmod 755 "$NOTIFY_DIR"
	trap 'rc=$?; rm -rf "$NOTIFY_DIR"; (exit $rc); lib_cleanup' EXIT
fi
notify_script() {
	local n=$1 f
	f=$NOTIFY_DIR/$n.notify
	{
		echo '#!/bin/sh'
		my_param_list "$n" | sed 's/^/export HAMGR_PARAM_/'
		echo "exec $MY_RS promote >>$LIB_TMP/$n.notify.log 2>&1"
	} >"$f"
	chmod 755 "$f"
	echo "$f"
}

read -r PRIO_A PRIO_B <<<"${BENCH_PRIOS:-254 244}"
for n in a b; do
	prio=$PRIO_A peer=198.51.100.2 peers=""
	[ $n = b ] && prio=$PRIO_B peer=198.51.100.1
	if [ "$IMPL" = keepalived ]; then
		extra="    notify_master $(notify_script $n)"
	else
		extra=$(my_hamgr_extra $n)
	fi
	if [ "$IMPL" = hamgr-gate ]; then
		extra=${extra/phase = \"before-vips\"/phase = \"after-vips\"
		        irreversible = true}
		extra+=$(printf '\n    resource gate {\n        script = "%s"\n        timeout = 10s\n%s\n    }' \
			"$LIB_ROOT/resource-scripts/portblock" "        params = {\"ip=$VIP\", \"portno=3306\"}")
	fi
	if [ "$IMPL" = hamgr-pair ] || [ "$IMPL" = hamgr-gate ]; then
		peers=$peer
		extra+=$'\n    settle-gate = 0s'
	fi
	lib_vrrp_conf $n name=db prio=$prio preempt=false int=100ms peers="$peers" extra="$extra"
	if [ "$LIB_IMPL" = hamgr ]; then
		lib_hamgr_start $n "$LIB_CONF_TEXT"
	else
		lib_keepalived_start $n "${LIB_CONF_TEXT/global_defs \{/global_defs {
    script_user root
    enable_script_security}"
	fi
done
ready() { [ "$(my_sql a 'SELECT @@read_only')" = 0 ] && lib_has_addr a $VIP; }
lib_poll 15 ready || lib_fail "a is not a writable primary holding the VIP after 15 s"
lib_log "a: primary, holds the VIP"

my_client_start c $VIP 1 60
lib_poll 15 my_acks_from 1 100 || lib_fail "fewer than 100 inserts acknowledged by a"
my_wait_caught_up b a 5
if [ "$MODE" = lagging ]; then
	my_sql b 'STOP SLAVE IO_THREAD' || lib_fail "b: STOP SLAVE IO_THREAD failed"
	lib_log "b: IO thread stopped"
	sleep 4
fi
lib_log_mark b
fault=$(lib_now_ms)
lib_daemon_stop a KILL
lib_link_cut a
if [ "$MODE" = lagging ]; then
	sleep 5
else
	lib_poll 15 my_acks_from 2 100 || lib_log "fewer than 100 inserts acknowledged by b within 15 s"
fi
vip_b=0
lib_has_addr b $VIP && vip_b=1
my_client_stop

my_acked | sort >"$LIB_TMP/acked"
my_ids b | sort >"$LIB_TMP/ids.b"
acked=$(wc -l <"$LIB_TMP/acked")
lost=$(comm -23 "$LIB_TMP/acked" "$LIB_TMP/ids.b" | wc -l)
ro=$(grep -c 'ERROR 1290' "$LIB_TMP/client.log")
first=$(awk -v f="$fault" '$4 == "ok" && $5 == 2 && $3 >= f { print $3; exit }' "$LIB_TMP/client.log")
switch=-1
[ -n "$first" ] && switch=$((first - fault))
if [ "$LIB_IMPL" = hamgr ]; then
	plog=$(lib_log_since_mark b | grep 'db/db promote: promote: ')
else
	plog=$(cat "$LIB_TMP/b.notify.log" 2>/dev/null)
fi
refused=$(grep -c 'REFUSED' <<<"$plog")
pms=$(sed -n 's/.*(total \([0-9]*\) ms).*/\1/p' <<<"$plog" | tail -n 1)
lib_log "b's promote:"
printf '%s\n' "$plog" | sed 's/^/    /'
echo "RESULT impl=$IMPL mode=$MODE switch_ms=$switch acked=$acked lost=$lost ro_errors=$ro" \
	"refused=$refused promote_ms=${pms:--1} vip_on_b=$vip_b"
