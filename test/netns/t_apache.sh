#!/bin/bash
# t_apache: Debian's apache2 follows the master role through
# resource-scripts/apache (an instance of its own per node: config, pid
# file, page "served by NODE"), monitored every 500 ms, restart-limit 2.
#   - takeover: n1's Apache serves the VIP, n2's does not run (standby);
#   - Apache killed (SIGKILL) on the master: the monitor answers 7, hamgr
#     restarts it (demote, promote: restart 1 of 2), n1 serves again;
#   - a healthy monitor after that restart starts the count again
#     (restart-limit counts failures in a row);
#   - its config broken, Apache killed again: restart 1 of 2 again, whose
#     promote fails with 6 (not configured), n1 gives the role up and n2
#     serves the VIP;
#   - a client fetching http://VIP/ every 0.2 s throughout sees n1, then
#     n2, and nobody else.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_web.sh
. "$(dirname "$0")/lib_web.sh"
lib_require_root
lib_require_hamgr
lib_require_tools curl /usr/sbin/apache2 /usr/sbin/apache2ctl
VIP=198.51.100.50
URL=http://$VIP/

web_dir_init
lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client cli 198.51.100.20

resource() {
	cat <<CONF
    resource apache {
        script = "$WEB_APACHE"
        params = {$1}
        timeout = 15s
        monitor-interval = 500ms
        restart-limit = 2
    }
CONF
}
P1=$(web_apache_conf n1)
P2=$(web_apache_conf n2)
lib_vrrp_start n1 prio=200 int=100ms extra="$(resource "$P1")"
lib_vrrp_start n2 prio=100 int=100ms extra="$(resource "$P2")"
lib_wait_state n1 MASTER 5
lib_wait_log n1 'takeover complete' 15
lib_wait_holders $VIP n1 2
web_wait_served cli $URL n1 5
lib_assert_eq "Apache processes on n2 (standby)" "" "$(web_apache_pids n2)"
lib_assert_log n1 'web/apache start: exit 0'
lib_assert_log n2 'apache: standby: not started here'

web_client_start cli $URL 40
web_client_wait "served by n1" 5

# Killed: the monitor notices, hamgr restarts it on n1.
lib_log_mark n1
# shellcheck disable=SC2046 # one word per pid
kill -KILL $(web_apache_pids n1)
lib_log "n1: Apache killed"
lib_wait_log n1 'resource apache failed its monitor on the master \(restart 1 of 2\)' 5
# 7, or 1 when the monitor caught Apache's processes while they died.
lib_assert_log n1 'web/apache monitor( failed)?: exit (7 \(not running\)|1 \(generic error\))'
lib_wait_log n1 'web/apache promote: exit 0' 10
lib_assert_log n1 'web/apache demote: exit 0'
web_wait_served cli $URL n1 5
web_client_wait "served by n1" 5
lib_assert_holders $VIP n1
# A healthy monitor ends the run of failures: the next one is restart 1
# again. (Without this wait a slow machine may or may not fit a monitor
# in before the next kill, and the count would depend on it.)
lib_log_mark n1
lib_wait_log n1 'web/apache monitor: exit 8 \(running as master\)' 5

# Cannot start any more: the second restart fails, the role moves.
echo "BrokenDirective on" >>"$LIB_TMP/n1.web/apache2.conf"
lib_log_mark n1
lib_log_mark n2
# shellcheck disable=SC2046
kill -KILL $(web_apache_pids n1)
lib_log "n1: config broken, Apache killed"
lib_wait_log n1 'failed its monitor on the master \(restart 1 of 2\)' 5
lib_wait_log n1 'web/apache promote failed: exit 6 \(not configured\)' 10
lib_wait_log n1 'giving the role up: apache failed' 5
lib_wait_holders $VIP n2 10
lib_wait_log n2 'web/apache promote: exit 0' 10
web_wait_served cli $URL n2 10
lib_assert_eq "Apache processes on n1 after giving up" "" "$(web_apache_pids n1)"

web_client_wait "served by n2" 5
summary=$(web_client_stop)
lib_log "client: $summary"
seen=$(awk '$2 != "-" { $1 = ""; print }' "$LIB_TMP/client.log" | uniq | tr -d '\n')
lib_assert_eq "client answers in order" " served by n1 served by n2" "$seen"
lib_pass
