#!/bin/bash
# t_haproxy: Debian's haproxy (master-worker mode) follows the master role
# through resource-scripts/haproxy, in front of a TCP echo backend (be);
# a client holds 200 connections through the VIP, each exchanging a byte
# a second (test/netns/scripts/tcp-hold):
#   - takeover: n1's HAProxy proxies the VIP (the backend sees n1's
#     address), n2's does not run;
#   - reload: the script's reload action, run as hamgr runs it (same
#     HAMGR_* environment; hactl has no per-resource command), once as
#     is and once after a config change (a second frontend, :8001, which
#     then answers); a broken config is refused with 6 and changes
#     nothing. All 200 connections are still open and exchanging after;
#   - failover: n1's hamgr killed (SIGKILL) and its link cut: n2 takes
#     the VIP, its promote starts HAProxy, and new connections go
#     through n2.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_web.sh
. "$(dirname "$0")/lib_web.sh"
lib_require_root
lib_require_hamgr
lib_require_tools python3 socat /usr/sbin/haproxy
VIP=198.51.100.50
BE=198.51.100.10
N=200

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client be $BE
lib_client cli 198.51.100.20
web_tcp_server be $BE

resource() {
	cat <<CONF
    resource haproxy {
        script = "$WEB_HAPROXY"
        params = {$1}
        timeout = 15s
        monitor-interval = 1s
    }
CONF
}
P1=$(web_haproxy_conf n1 $BE)
P2=$(web_haproxy_conf n2 $BE)
lib_vrrp_start n1 prio=200 int=100ms extra="$(resource "$P1")"
lib_vrrp_start n2 prio=100 int=100ms extra="$(resource "$P2")"
lib_wait_state n1 MASTER 5
lib_wait_log n1 'takeover complete' 15
lib_wait_holders $VIP n1 2
lib_assert_eq "through the VIP" "peer=198.51.100.1" "$(web_ask cli $VIP 8000)"
lib_assert_log n2 'haproxy: standby: not started here'

# 200 long-lived connections through the VIP.
STATUS=$LIB_TMP/hold.status
lib_exec cli timeout 90 "$WEB_TCP" hold $VIP 8000 $N --status "$STATUS" --for 80 \
	>"$LIB_TMP/hold.log" 2>&1 &
HOLD=$!
LIB_BG+=("$HOLD")
hold_line() { tail -n 1 "$STATUS" 2>/dev/null; }
# shellcheck disable=SC2317 # called through lib_poll
hold_lines() { [ "$(wc -l <"$STATUS")" -ge "$1" ]; }
hold_field() { hold_line | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# hold_check WHAT: every connection still open and exchanging since WHAT
# happened: the status line written 3 ticks later (over 2 s after WHAT)
# has all N open and fresh (a byte echoed within its last 2 s), and at
# least 2N bytes came back in between.
hold_check() {
	local base e0
	base=$(wc -l <"$STATUS")
	e0=$(hold_field echoed)
	lib_poll 6 hold_lines $((base + 3)) || lib_fail "$1: the client wrote no status"
	[[ "$(hold_line)" == *" open=$N fresh=$N "* ]] || lib_fail "$1: connections: $(hold_line)"
	[ "$(($(hold_field echoed) - e0))" -ge $((2 * N)) ] ||
		lib_fail "$1: only $(($(hold_field echoed) - e0)) bytes echoed since: $(hold_line)"
	lib_log "$1: $(hold_line)"
}
lib_poll 10 hold_lines 1 || lib_fail "the client wrote no status"
hold_check "before the reloads"

# The script's reload, with the environment hamgr gives it.
reload() {
	web_params_env "$P1"
	lib_exec n1 env "${WEB_ENV[@]}" HAMGR_INSTANCE=web HAMGR_NODE=n1 HAMGR_STATE=MASTER \
		HAMGR_PREV_STATE=BACKUP HAMGR_VIPS=$VIP/24 HAMGR_PEER= HAMGR_RESOURCE=haproxy \
		HAMGR_ACTION=reload timeout 20 "$WEB_HAPROXY" reload >"$LIB_TMP/reload.out" 2>&1
}
reload
rc=$?
lib_log "reload: exit $rc: $(tail -n 1 "$LIB_TMP/reload.out")"
lib_assert_eq "reload exit status" 0 "$rc"
grep -q 'reloaded (master pid [0-9]*): worker [0-9]* -> [0-9]*, 1 old worker(s) finishing' \
	"$LIB_TMP/reload.out" || lib_fail "reload: $(cat "$LIB_TMP/reload.out")"
hold_check "after a reload"

# A config change: a second frontend.
cat >>"$LIB_TMP/n1.web/haproxy.cfg" <<CONF
frontend echo2
    bind :8001
    default_backend echo
CONF
[ "$(web_ask cli $VIP 8001)" != "peer=198.51.100.1" ] || lib_fail ":8001 answers before the reload"
reload
rc=$?
lib_log "reload after a config change: exit $rc: $(tail -n 1 "$LIB_TMP/reload.out")"
lib_assert_eq "reload exit status" 0 "$rc"
lib_assert_eq "the new frontend" "peer=198.51.100.1" "$(web_ask cli $VIP 8001)"
hold_check "after a config-change reload"

# A broken config: refused before anything is touched.
cp "$LIB_TMP/n1.web/haproxy.cfg" "$LIB_TMP/n1.web/haproxy.cfg.good"
echo "    this-is-not-a-keyword 1" >>"$LIB_TMP/n1.web/haproxy.cfg"
reload
rc=$?
lib_log "reload of a broken config: exit $rc: $(tail -n 1 "$LIB_TMP/reload.out")"
lib_assert_eq "reload of a broken config" 6 "$rc"
mv "$LIB_TMP/n1.web/haproxy.cfg.good" "$LIB_TMP/n1.web/haproxy.cfg"
hold_check "after a refused reload"
lib_assert_nolog n1 'haproxy failed its monitor'
lib_assert_nolog n1 'haproxy (demote|stop):'

# Failover: the master dies and drops off the network.
lib_daemon_signal n1 KILL
lib_link_cut n1
lib_daemon_reap n1
lib_wait_log n2 'takeover complete' 15
lib_wait_holders $VIP "n1 n2" 1 # n1's stale VIP (cut off) and n2's
[ "$(lib_vip_holders_live $VIP)" = n2 ] || lib_fail "live holders: $(lib_vip_holders_live $VIP)"
lib_assert_log n2 'haproxy promote: haproxy: started'
# shellcheck disable=SC2317 # called through lib_poll
ask_n2() { [ "$(web_ask cli "$VIP" 8000)" = "peer=198.51.100.2" ]; }
lib_poll 5 ask_n2 || lib_fail "through the VIP after the failover: $(web_ask cli $VIP 8000)"
lib_log "through the VIP after the failover: peer=198.51.100.2"
: >"$STATUS.stop"
lib_pass
