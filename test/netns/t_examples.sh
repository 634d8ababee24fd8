#!/bin/bash
# t_examples: the shipped examples in etc/examples/ run as written, but
# for addresses and paths:
#   - each node's file is made from the shipped one with sed: the second
#     node's from the "NODE2: VALUE" comments (so they are checked too),
#     10.0.0.N -> 198.51.100.N, /usr/lib/hamgr/ -> this tree, and the
#     service's params turned into an instance of its own (no systemd
#     here); hamgr -t accepts each;
#   - web-pair.conf (web01, web02: Apache on both, check-http track) and
#     proxy-pair.conf (proxy01, proxy02: HAProxy on the master, check-ping
#     track to the gateway 198.51.100.254) run side by side: the first
#     node of each takes over and serves; SIGTERM on it and the second
#     takes over and serves.
# db-pair.conf runs in t_examples_db and db-pair-fast.conf in t_portblock
# (they need the MariaDB pair).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_web.sh
. "$(dirname "$0")/lib_web.sh"
lib_require_root
lib_require_hamgr
lib_require_tools curl python3 socat ping /usr/sbin/apache2 /usr/sbin/apache2ctl /usr/sbin/haproxy
EX=$LIB_ROOT/etc/examples
WEB_VIP=198.51.100.80
PROXY_VIP=198.51.100.60
BE=198.51.100.30

web_dir_init
lib_bridge
lib_node web01 198.51.100.11
lib_node web02 198.51.100.12
lib_node proxy01 198.51.100.21
lib_node proxy02 198.51.100.22
lib_client gw 198.51.100.254
lib_client be $BE
lib_client cli 198.51.100.20
web_tcp_server be $BE

# example FILE NODE2 [SED...]: the shipped FILE for the first node, or
# for NODE2 with its "NODE2: VALUE" comments applied; addresses and paths
# for this run, then the extra sed expressions.
example() {
	local file=$1 node2=${2:-} args=()
	shift 2
	[ -n "$node2" ] && args+=(-e "s/^([[:space:]]*[a-z-]+[[:space:]]*=[[:space:]]*)[^#]*#[[:space:]]*$node2:[[:space:]]*([^;#]*[^;#[:space:]]).*\$/\\1\\2/")
	sed -E "${args[@]}" \
		-e 's/10\.0\.0\.([0-9]+)/198.51.100.\1/g' \
		-e "s|/usr/lib/hamgr/agents/|$LIB_ROOT/agents/|g" \
		-e "s|/usr/lib/hamgr/resource-scripts/|$LIB_ROOT/resource-scripts/|g" \
		"$@" "$file"
}

# Web pair: Apache as an instance per node, listening on every address as
# Debian's does; the example's own params stay, config and pidfile come
# first.
web_conf() {
	local n=$1 node2=${2:-} p
	p=$(web_apache_conf "$n")
	p=$(sed -n 's/^\("config=[^"]*", "pidfile=[^"]*"\).*/\1/p' <<<"$p")
	example "$EX/web-pair.conf" "$node2" -e "s|params( *)= *\\{|params\\1= {$p, |"
}
web_conf web01 >"$LIB_TMP/web01.example"
web_conf web02 web02 >"$LIB_TMP/web02.example"

# Proxy pair: HAProxy binds the VIP, port 80, as in the example's comment;
# the proxied service is the TCP echo server (it names the proxy).
proxy_conf() {
	local n=$1 node2=${2:-} p
	p=$(web_haproxy_conf "$n" $BE "" "$PROXY_VIP:80")
	example "$EX/proxy-pair.conf" "$node2" \
		-e "/resource-scripts\\/haproxy\"/a\\        params           = {$p}"
}
proxy_conf proxy01 >"$LIB_TMP/proxy01.example"
proxy_conf proxy02 proxy02 >"$LIB_TMP/proxy02.example"

# What differs between the two nodes' files: only the commented lines.
for pair in web01:web02 proxy01:proxy02; do
	a=${pair%:*} b=${pair#*:}
	d=$(diff "$LIB_TMP/$a.example" "$LIB_TMP/$b.example" | grep -c '^>')
	lib_log "$a -> $b: $d lines differ"
	diff "$LIB_TMP/$a.example" "$LIB_TMP/$b.example" | grep '^>' | sed 's/^/    /'
	[ "$d" -ge 3 ] || lib_fail "$b's file: the \"$b:\" comments changed only $d lines"
	grep -q "node-name = \"$b\"" "$LIB_TMP/$b.example" || lib_fail "$b's file does not name $b"
done

# Apache is a system service that runs before hamgr starts (the example's
# track checks it from the first second): started here by the script's
# own start action, as hamgr will run it.
for n in web01 web02; do
	web_params_env "$(web_apache_conf "$n")"
	lib_exec "$n" env "${WEB_ENV[@]}" HAMGR_PARAM_always_running=yes HAMGR_NODE="$n" \
		timeout 20 "$WEB_APACHE" start >"$LIB_TMP/$n.apache-start" 2>&1 ||
		lib_fail "$n: apache start: $(cat "$LIB_TMP/$n.apache-start")"
	lib_log "$n: $(tail -n 1 "$LIB_TMP/$n.apache-start")"
done

for n in web01 web02 proxy01 proxy02; do
	lib_hamgr_start "$n" "$(cat "$LIB_TMP/$n.example")"   # hamgr -t first
	LIB_INST[$n]=www
	[[ $n == proxy* ]] && LIB_INST[$n]=edge
done
lib_wait_log web01 'instance www: takeover complete' 15
lib_wait_log proxy01 'instance edge: takeover complete' 15
lib_wait_holders $WEB_VIP web01 3
lib_wait_holders $PROXY_VIP proxy01 3
web_wait_served cli http://$WEB_VIP/ web01 5
lib_assert_eq "through the proxy" "peer=198.51.100.21" "$(web_ask cli $PROXY_VIP 80)"
lib_assert_log web02 'www/apache start: apache: already running'   # always_running=yes
lib_assert_log web01 'track apache up \(first check\)'
lib_assert_log proxy01 'track gateway up \(first check\)'
lib_assert_log proxy02 'haproxy: standby: not started here'

# Takeover: the first nodes stop.
lib_daemon_signal web01 TERM
lib_daemon_signal proxy01 TERM
lib_wait_log web02 'instance www: takeover complete' 10
lib_wait_log proxy02 'instance edge: takeover complete' 10
lib_daemon_reap web01
lib_daemon_reap proxy01
lib_wait_holders $WEB_VIP web02 3
lib_wait_holders $PROXY_VIP proxy02 3
web_wait_served cli http://$WEB_VIP/ web02 5
# shellcheck disable=SC2317 # called through lib_poll
via_proxy02() { [ "$(web_ask cli "$PROXY_VIP" 80)" = "peer=198.51.100.22" ]; }
lib_poll 5 via_proxy02 || lib_fail "through the proxy after the takeover: $(web_ask cli $PROXY_VIP 80)"
lib_log "through the proxy after the takeover: peer=198.51.100.22"
for n in web01 web02 proxy01 proxy02; do
	lib_assert_nolog "$n" 'giving the role up|failed|track [a-z]+ down'
done
lib_pass
