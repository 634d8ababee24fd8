#!/bin/bash
# t_agents: the health-check agents in agents/ against a host that answers
# and one that does not, from a client namespace:
#   - srv (198.51.100.10) answers pings and serves HTTP on port 8080
#     (python3 -m http.server, bounded by timeout); nothing listens on 8081;
#   - 198.51.100.99 is on the subnet but nobody holds it;
#   - every agent run is bounded by timeout(1) and must print exactly one
#     status line, matched against an expected pattern, with the expected
#     exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN);
#   - check-ping WARNING: srv drops every other echo request (nftables
#     numgen), when nft is there;
#   - check-http without curl in PATH: UNKNOWN "curl not installed".
# Skips (77) when not root or without ping, curl or python3.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_tools ip timeout ping curl python3
AG=$LIB_ROOT/agents
SRV=198.51.100.10
DEAD=198.51.100.99

lib_bridge
lib_node srv $SRV
lib_client cli 198.51.100.20

mkdir -p "$LIB_TMP/www"
echo "status: healthy" >"$LIB_TMP/www/health"
lib_exec srv timeout 120 python3 -m http.server -b $SRV --directory "$LIB_TMP/www" 8080 \
	>"$LIB_TMP/srv.http.log" 2>&1 &
LIB_BG+=("$!")

# agent EXPECTED_EXIT PATTERN AGENT ARGS...: run AGENT from cli, bounded;
# one line on stdout matching the ERE PATTERN, exit status as expected.
# AGENT_PATH, when set, is the agent's PATH.
agent() {
	local want=$1 re=$2 name=$3 out rc lines t0
	shift 3
	t0=$(lib_now_ms)
	out=$(lib_exec cli timeout 20 env ${AGENT_PATH:+PATH="$AGENT_PATH"} "$AG/$name" "$@" \
		2>"$LIB_TMP/agent.err")
	rc=$?
	lines=$(printf '%s' "$out" | grep -c '')
	lib_log "$name $*: exit $rc in $(($(lib_now_ms) - t0)) ms: $out"
	[ "$rc" -eq "$want" ] || {
		sed 's/^/    stderr: /' "$LIB_TMP/agent.err"
		lib_fail "$name $*: exit $rc, expected $want"
	}
	[ "$lines" -eq 1 ] || lib_fail "$name $*: $lines lines on stdout, expected 1"
	[[ $out =~ $re ]] || lib_fail "$name $*: '$out' does not match /$re/"
}

# help_ok AGENT OPTION: usage on stdout, exit 0.
help_ok() {
	local out
	out=$(timeout 10 "$AG/$1" "$2") || lib_fail "$1 $2: exit $?, expected 0"
	[[ $out == "usage: $1 "* ]] || lib_fail "$1 $2: no usage: $out"
	lib_log "$1 $2: $(head -n 1 <<<"$out")"
}

# shellcheck disable=SC2317 # called through lib_poll
served() {
	lib_exec cli "$AG/check-tcp" -t 1 "$SRV" 8080 >/dev/null 2>&1
}
lib_poll 10 served || lib_fail "the HTTP server on srv does not come up"

lib_log "--- check-ping"
agent 0 "^PING OK - 198\.51\.100\.10 rtt [0-9.]+ ms$" check-ping $SRV
agent 0 "^PING OK - 198\.51\.100\.10 rtt [0-9.]+ ms$" check-ping -c 3 -W 0.5 $SRV
t0=$(lib_now_ms)
agent 2 "^PING CRITICAL - 198\.51\.100\.99 100% packet loss$" check-ping -c 2 -W 0.5 $DEAD
lib_assert_le "check-ping on a dead host, ms" $(($(lib_now_ms) - t0)) 10000
agent 3 "^PING UNKNOWN - expected one HOST$" check-ping
agent 3 "^PING UNKNOWN - -c x: expected a whole number above 0$" check-ping -c x $SRV
agent 3 "^PING UNKNOWN - unknown option -q$" check-ping -q $SRV
help_ok check-ping --help
if command -v nft >/dev/null 2>&1; then
	lib_exec srv nft -f - <<-'EOF' || lib_fail "nft rules on srv"
		table inet agents {
			chain in {
				type filter hook input priority 0;
				icmp type echo-request numgen inc mod 2 == 0 drop
			}
		}
	EOF
	agent 1 "^PING WARNING - 198\.51\.100\.10 50% packet loss, rtt [0-9.]+ ms$" \
		check-ping -c 4 -W 0.5 $SRV
	lib_exec srv nft delete table inet agents
else
	lib_log "nft missing (Debian package nftables): WARNING not checked"
fi

lib_log "--- check-tcp"
agent 0 "^TCP OK - 198\.51\.100\.10 port 8080 connected in [0-9.]+ s$" check-tcp $SRV 8080
agent 2 "^TCP CRITICAL - 198\.51\.100\.10 port 8081: Connection refused$" check-tcp $SRV 8081
t0=$(lib_now_ms)
agent 2 "^TCP CRITICAL - 198\.51\.100\.99 port 8080: (no answer within 1 s|No route to host)$" \
	check-tcp -t 1 $DEAD 8080
lib_assert_le "check-tcp -t 1 on a dead host, ms" $(($(lib_now_ms) - t0)) 10000
agent 3 "^TCP UNKNOWN - port 0: expected 1 to 65535$" check-tcp $SRV 0
agent 3 "^TCP UNKNOWN - expected HOST PORT$" check-tcp $SRV
help_ok check-tcp -h

lib_log "--- check-http"
URL=http://$SRV:8080
agent 0 "^HTTP OK - http://198\.51\.100\.10:8080/health 200 in [0-9.]+ s$" \
	check-http $URL/health
agent 0 "^HTTP OK - http://198\.51\.100\.10:8080/health 200 in [0-9.]+ s$" \
	check-http -t 1 -e 200 -s "status: healthy" $URL/health
agent 2 "^HTTP CRITICAL - http://198\.51\.100\.10:8080/health: status 200, \"sick\" not found$" \
	check-http -s sick $URL/health
agent 1 "^HTTP WARNING - http://198\.51\.100\.10:8080/missing: status 404$" \
	check-http $URL/missing
agent 0 "^HTTP OK - http://198\.51\.100\.10:8080/missing 404 in [0-9.]+ s$" \
	check-http -e 404 $URL/missing
agent 2 "^HTTP CRITICAL - http://198\.51\.100\.10:8080/missing: status 404, expected 200$" \
	check-http -e 200 $URL/missing
agent 2 "^HTTP CRITICAL - http://198\.51\.100\.10:8081/: .*(Couldn't connect|refused)" \
	check-http http://$SRV:8081/
t0=$(lib_now_ms)
# Within the ARP timeout curl waits; once the neighbour entry has failed
# (check-tcp above), the kernel answers "no route to host" at once.
agent 2 "^HTTP CRITICAL - http://198\.51\.100\.99:8080/: (no answer within 1 s|Failed to connect)" \
	check-http -t 1 http://$DEAD:8080/
lib_assert_le "check-http -t 1 on a dead host, ms" $(($(lib_now_ms) - t0)) 10000
agent 3 "^HTTP UNKNOWN - -e 2000: expected an HTTP status such as 200$" check-http -e 2000 $URL/
help_ok check-http --help
# Without curl: a PATH holding only what the agents use besides it.
mkdir -p "$LIB_TMP/nocurl"
for t in sed grep cut tail head dirname date cat; do
	ln -sf "$(command -v $t)" "$LIB_TMP/nocurl/$t"
done
AGENT_PATH=$LIB_TMP/nocurl agent 3 "^HTTP UNKNOWN - curl not installed$" check-http $URL/
lib_pass
