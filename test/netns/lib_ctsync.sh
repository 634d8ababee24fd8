# shellcheck shell=bash
# lib_ctsync.sh: the router topology of the conntrack-sync scenarios.
# Source it after lib.sh:
#
#   cli (198.51.100.10, gateway VIP 198.51.100.1)
#     |  br0
#   fwa eth0 .2 / fwb eth0 .3        instance "out", vrid 51, VIP 198.51.100.1
#   fwa eth1 .2 / fwb eth1 .3        instance "in",  vrid 52, VIP 203.0.113.1
#     |  br1
#   srv (203.0.113.10, gateway VIP 203.0.113.1)
#   fwa eth2 192.0.2.2 / fwb eth2 .3 the sync link (br2), with rogue .66
#
# Both firewalls forward under a strict stateful nftables ruleset (ct state
# established,related accept; new only for a TCP SYN or UDP (and ICMP);
# invalid drop; policy drop) with nf_conntrack_tcp_loose = 0, so a TCP
# connection whose state a firewall lacks is dropped, never picked up.
#
# With CT_FAMILY=6 set before sourcing, the same topology carries IPv6:
# the VIPs, the flows and the sync link are IPv6 (2001:db8:100::/64 out,
# 2001:db8:203::/64 in, 2001:db8:2::/64 the sync link; hosts ::10, the
# firewalls ::2 and ::3, the VIPs ::1, the rogue ::66); the IPv4 addresses
# stay on the links, unused.

CT_PORT=7000
CT_FAMILY=${CT_FAMILY:-4}
if [ "$CT_FAMILY" = 6 ]; then
	CT_OUT=2001:db8:100:: CT_IN=2001:db8:203:: CT_SYNC=2001:db8:2:: CT_PLEN=64
	CT_SYNC_NET=2001:db8:2::/64
else
	CT_OUT=198.51.100. CT_IN=203.0.113. CT_SYNC=192.0.2. CT_PLEN=24
	CT_SYNC_NET=192.0.2.0/24
fi
# The server, the client, the gateway VIPs out and in; the sync address of firewall N: ct_sync_addr N.
CT_SRV=${CT_IN}10 CT_CLI=${CT_OUT}10 CT_VIP_OUT=${CT_OUT}1 CT_VIP_IN=${CT_IN}1
ct_sync_addr() {
	if [ "$1" = fwa ]; then echo "${CT_SYNC}2"; else echo "${CT_SYNC}3"; fi
}
CT_FLOWS=$LIB_ROOT/test/netns/scripts/ct-flows
CT_HACTL=$LIB_BUILD/hactl

# IFNAME of namespace N (created already) plugged into bridge BR with ADDR
# (and ADDR6 when given).
ct_link() {
	local n=$1 ifn=$2 br=$3 addr=$4 addr6=${5:-} ns=$LIB_PREFIX$1 v="v$1${2: -1}"
	ip -n "$LIB_BR" link add "$v" type veth peer name "$ifn" netns "$ns" ||
		lib_fail "cannot create $ifn for $n"
	ip -n "$LIB_BR" link set "$v" master "$br" up
	ip -n "$ns" addr add "$addr" dev "$ifn" || lib_fail "cannot add $addr to $n"
	if [ -n "$addr6" ]; then
		ip -n "$ns" addr add "$addr6" dev "$ifn" nodad || lib_fail "cannot add $addr6 to $n"
	fi
	ip -n "$ns" link set "$ifn" up
}

# The IPv6 address HOST on prefix P (CT_OUT, CT_IN, CT_SYNC) when the
# scenario runs IPv6, else nothing.
ct_v6() {
	[ "$CT_FAMILY" = 6 ] && echo "$1$2/64"
}

# The topology; with "snat", the server has no route back to the clients
# (only the firewalls' SNAT to the inside VIP makes answers reach them).
ct_topology() {
	local b
	lib_bridge
	for b in br1 br2; do
		ip -n "$LIB_BR" link add "$b" type bridge stp_state 0 forward_delay 0 \
			mcast_snooping 0 || lib_fail "cannot create $b"
		ip -n "$LIB_BR" link set "$b" up
	done
	lib_client cli 198.51.100.10/24 "$(ct_v6 "$CT_OUT" 10)"
	lib_exec cli ip route add default via "$CT_VIP_OUT"
	lib_node fwa 198.51.100.2/24 "$(ct_v6 "$CT_OUT" 2)"
	lib_node fwb 198.51.100.3/24 "$(ct_v6 "$CT_OUT" 3)"
	ct_link fwa eth1 br1 203.0.113.2/24 "$(ct_v6 "$CT_IN" 2)"
	ct_link fwb eth1 br1 203.0.113.3/24 "$(ct_v6 "$CT_IN" 3)"
	ct_link fwa eth2 br2 192.0.2.2/24 "$(ct_v6 "$CT_SYNC" 2)"
	ct_link fwb eth2 br2 192.0.2.3/24 "$(ct_v6 "$CT_SYNC" 3)"
	lib_ns_add srv
	ct_link srv eth0 br1 203.0.113.10/24 "$(ct_v6 "$CT_IN" 10)"
	[ "${1:-}" = snat ] || lib_exec srv ip route add default via "$CT_VIP_IN"
	lib_ns_add rogue
	ct_link rogue eth0 br2 192.0.2.66/24 "$(ct_v6 "$CT_SYNC" 66)"
	"$LIB_HAMGR" --genkey >"$LIB_TMP/authkey" || lib_fail "hamgr --genkey"
	chmod 600 "$LIB_TMP/authkey"
}

# Forwarding and the stateful ruleset on firewall N (table inet: both
# families); with "snat", SNAT to the inside VIP for what leaves through
# eth1 (IPv4).
ct_firewall() {
	local n=$1 nat=""
	lib_exec "$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.netfilter.nf_conntrack_tcp_loose=0 \
		>/dev/null || lib_fail "$n: sysctl"
	if [ "$CT_FAMILY" = 6 ]; then
		lib_exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null ||
			lib_fail "$n: sysctl forwarding"
	fi
	[ "${2:-}" = snat ] && nat="
		table ip nat {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname \"eth1\" ip saddr 198.51.100.0/24 snat to 203.0.113.1
			}
		}"
	lib_exec "$n" nft -f - <<-EOF || lib_fail "$n: nft"
		table inet fw {
			chain forward {
				type filter hook forward priority filter; policy drop;
				ct state established,related accept
				ct state invalid counter drop
				tcp flags & (fin|syn|rst|ack) == syn ct state new accept
				meta l4proto { udp, icmp, ipv6-icmp } ct state new accept
				counter drop
			}
		}
		$nat
	EOF
}

# The hamgr config of firewall N with priority P; "nosync": conntrack-sync
# off and no sync section (the control). Adverts every CT_INTERVAL (100ms).
ct_conf() {
	local n=$1 prio=$2 peer sync=true
	[ "$n" = fwa ] && peer=$(ct_sync_addr fwb) || peer=$(ct_sync_addr fwa)
	[ "${3:-}" = nosync ] && sync=false
	CT_CONF="auth-key-file = \"$LIB_TMP/authkey\"
state-directory = \"$LIB_TMP/$n.state\"
instance out {
    interface = \"eth0\"
    vrid = 51
    priority = $prio
    advert-interval = ${CT_INTERVAL:-100ms}
    vips = {\"$CT_VIP_OUT/$CT_PLEN\"}
    conntrack-sync = $sync
}
instance in {
    interface = \"eth1\"
    vrid = 52
    priority = $prio
    advert-interval = ${CT_INTERVAL:-100ms}
    vips = {\"$CT_VIP_IN/$CT_PLEN\"}
    conntrack-sync = $sync
}"
	[ "$sync" = true ] && CT_CONF+="
sync {
    interface = \"eth2\"
    peers = {\"$peer\"}
    ignore = {\"$CT_SYNC_NET\"}${CT_SYNC_EXTRA:-}
}"
}

ct_start() {
	mkdir -p "$LIB_TMP/$1.state"
	ct_conf "$@"
	LIB_INST[$1]=out
	lib_hamgr_start "$1" "$CT_CONF"
}

# Both instances of N in STATE within T seconds.
ct_wait_state() {
	lib_wait_log "$1" "instance out: [A-Z]+ -> $2" "$3"
	lib_wait_log "$1" "instance in: [A-Z]+ -> $2" "$3"
}

# hactl status --json of N, filtered by jq expression EXPR.
ct_status() {
	"$CT_HACTL" -s "$LIB_TMP/$1.sock" status --json 2>/dev/null | jq -r "$2"
}

ct_cached_at_least() {
	local c
	c=$(ct_status "$1" '.conntrack_sync.cached_entries // 0')
	[ "${c:-0}" -ge "$2" ]
}

# ct_lines FILE: its lines (0: none); ct_more_lines FILE N: more than N.
ct_lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
ct_more_lines() { [ "$(ct_lines "$1")" -gt "$2" ]; }

# Start the echo server and the client's flows (N TCP connections, one
# streaming, one UDP) for SECS seconds.
ct_flows_start() {
	local n=$1 secs=$2 lines
	lines=$(ct_lines "$LIB_TMP/server.status")
	lib_exec srv python3 "$CT_FLOWS" serve "$CT_SRV" "$CT_PORT" --for $((secs + 10)) \
		--status "$LIB_TMP/server.status" >>"$LIB_TMP/server.log" 2>&1 &
	LIB_BG+=("$!")
	# Listening once it wrote its first status line. A fixed 0.3 s was
	# too short for python's start on a loaded machine: every connect was
	# refused and the client (which does not retry) ran with no flows.
	lib_poll 10 ct_more_lines "$LIB_TMP/server.status" "$lines" ||
		lib_fail "the echo server did not start"
	lib_exec cli python3 "$CT_FLOWS" run "$CT_SRV" "$CT_PORT" --conns "$n" \
		--for "$secs" --status "$LIB_TMP/client.status" >>"$LIB_TMP/client.log" 2>&1 &
	CT_CLIENT=$!
	LIB_BG+=("$CT_CLIENT")
}

# The value of KEY in the client's last status line.
ct_client() {
	tail -n 1 "$LIB_TMP/client.status" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$1=//p"
}

ct_all_fresh() {
	[ "$(ct_client open)" = "$1" ] && [ "$(ct_client fresh)" = "$(($1 + 1))" ]
}

ct_all_moved() {
	local m o
	m=$(ct_client moved) o=$(ct_client of)
	[ -n "$m" ] && [ "$m" = "$o" ]
}

# Firewall N fails: every link cut (no carrier), then its hamgr killed.
ct_fail() {
	ip -n "$LIB_BR" link set "v$1" down
	ip -n "$LIB_BR" link set "v${1}1" down
	ip -n "$LIB_BR" link set "v${1}2" down
	: >"$LIB_TMP/cut/$1"
	lib_hamgr_kill "$1"
}

ct_client_stop() {
	local i
	# The server's count while the client still holds its connections:
	# once the client stops they close, and the server's next line (once
	# a second) says conns=0; a slow machine reached the check after it.
	tail -n 1 "$LIB_TMP/server.status" >"$LIB_TMP/server.status.atstop"
	: >"$LIB_TMP/client.status.stop"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$CT_CLIENT" 2>/dev/null || break
		sleep 0.05
	done
	lib_log "client: $(tail -n 1 "$LIB_TMP/client.status")"
	lib_log "server: $(cat "$LIB_TMP/server.status.atstop") (at the client's stop)"
}

# The server's side of the byte counts when the client was stopped: every
# connection still open, and it has sent back every byte it took in.
ct_server_check() {
	local last
	last=$(cat "$LIB_TMP/server.status.atstop")
	lib_assert_eq "server: connections open" "$1" "$(tr ' ' '\n' <<<"$last" | sed -n 's/^conns=//p')"
	lib_assert_eq "server: bytes echoed" "$(tr ' ' '\n' <<<"$last" | sed -n 's/^bytes_in=//p')" \
		"$(tr ' ' '\n' <<<"$last" | sed -n 's/^bytes_out=//p')"
}

# The pair up: the topology and both firewalls (with "snat": SNAT), fwa
# started at priority 200, fwb at 100 (with "nosync": conntrack-sync off),
# fwa MASTER and fwb BACKUP.
ct_pair_up() {
	local nat="" sync=""
	[ "${1:-}" = snat ] && nat=snat
	[ "${1:-}" = nosync ] && sync=nosync
	ct_topology $nat
	ct_firewall fwa $nat
	ct_firewall fwb $nat
	ct_start fwa 200 $sync
	ct_start fwb 100 $sync
	ct_wait_state fwa MASTER 5
	ct_wait_state fwb BACKUP 5
}

# N connections for SECS seconds, all moving.
ct_flows_up() {
	ct_flows_start "$1" "$2"
	lib_poll 15 ct_all_fresh "$(($1 + 1))" ||
		lib_fail "flows not up: $(tail -n 1 "$LIB_TMP/client.status")"
}

# What NODE's receiver says about its gaps, resyncs and drops (one line).
ct_sync_diag() {
	ct_status "$1" '.conntrack_sync | {gaps, missing, dump_pending, resyncs, drops} | tojson'
}

# fwb caches at least the N flows' entries (and the UDP flow's).
ct_wait_cached() {
	lib_poll 10 ct_cached_at_least fwb $(($1 + 2)) ||
		lib_fail "fwb caches $(ct_status fwb .conntrack_sync.cached_entries) entries," \
			"expected $(($1 + 2)); fwa caches $(ct_status fwa .conntrack_sync.cached_entries);" \
			"fwb: $(ct_sync_diag fwb)"
}

# hactl switchover of both instances from FROM to TO.
ct_switchover() {
	local i
	for i in out in; do
		"$CT_HACTL" -s "$LIB_TMP/$1.sock" switchover "$i" --to "$2" >>"$LIB_TMP/hactl.log" 2>&1 ||
			{ cat "$LIB_TMP/hactl.log"; lib_fail "hactl switchover $i"; }
	done
	lib_log "switched over: $(tail -n 2 "$LIB_TMP/hactl.log" | tr '\n' ' ')"
}

ct_log_commit() {
	lib_log "$1 commit: $(ct_status "$1" '.conntrack_sync.last_commit | "\(.entries) entries in \(.duration_ms) ms"')"
}

# After the move (WHAT: failover, switchover): every one of the N flows
# moved and still moves, none reset, the server echoed every byte.
ct_flows_survived() {
	local n=$1
	lib_poll 10 ct_all_moved ||
		lib_fail "not every flow moved after the $2: $(tail -n 1 "$LIB_TMP/client.status")"
	sleep 2
	lib_poll 3 ct_all_fresh "$((n + 1))" || lib_fail "flows stalled: $(tail -n 1 "$LIB_TMP/client.status")"
	ct_client_stop
	lib_assert_eq "connections reset" 0 "$(ct_client resets)"
	lib_assert_eq "TCP connections open" "$((n + 1))" "$(ct_client open)"
	ct_server_check "$((n + 1))"
}

# fwa and fwb cache the same count, at least MIN, and fwb misses nothing.
ct_counts_match() {
	local a b
	a=$(ct_status fwa .conntrack_sync.cached_entries)
	b=$(ct_status fwb .conntrack_sync.cached_entries)
	[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" -ge "$1" ] &&
		[ "$(ct_status fwb '.conntrack_sync | "\(.missing) \(.dump_pending)"')" = "0 false" ]
}

# fwa fails (ct_fail) with the flows marked; fwb takes over and its kernel
# holds at least N + 1 (the flows and the stream) established TCP entries.
ct_failover() {
	local committed
	: >"$LIB_TMP/client.status.mark"
	lib_log "fwa fails"
	ct_fail fwa
	ct_wait_state fwb MASTER 5
	ct_log_commit fwb
	committed=$(lib_exec fwb conntrack -L -f "ipv$CT_FAMILY" -p tcp --orig-port-dst "$CT_PORT" 2>/dev/null |
		grep -c ESTABLISHED)
	lib_assert_ge "fwb's kernel: IPv$CT_FAMILY TCP entries" "$committed" "$(($1 + 1))"
}

# ct_events NODE: the conntrack events NODE read so far.
ct_events() { ct_status "$1" .conntrack_sync.events; }
ct_events_since() { [ "$(($(ct_events "$1") - $2))" -ge "$3" ]; }

# NODE read at least N events since it had read EV0 (ct_events), within 5 s:
# the ends of N connections that closed.
ct_wait_ends() {
	lib_poll 5 ct_events_since "$1" "$2" "$3" ||
		lib_fail "$1 read $(($(ct_events "$1") - $2)) conntrack events as $3 connections" \
			"closed, expected at least $3"
	lib_log "$1 read $(($(ct_events "$1") - $2)) events as the connections closed"
}

# COUNT short connections from the client to the server, one after the
# other (their TIME_WAIT entries stay in the table); "short connections: K"
# (those that connected) in $LIB_TMP/short.out.
ct_short_conns() {
	lib_exec cli timeout 30 python3 -c '
import socket, sys
ok = 0
for i in range(int(sys.argv[3])):
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
        s.close()
        ok += 1
    except OSError:
        pass
print("short connections: %d" % ok)
' "$CT_SRV" "$CT_PORT" "$1" >"$LIB_TMP/short.out" 2>&1
}
