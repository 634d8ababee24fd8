# shellcheck shell=bash
# lib_track.sh: health tracks for the netns scenarios, on top of lib.sh
# (source lib.sh first): a gateway host the tracks check, nftables rules
# that make it unreachable from one node only, track sections, and the
# node list as another node's hactl reports it.

TRK_GW=198.51.100.254
# shellcheck disable=SC2034 # used by the scenarios
TRK_AGENTS=$LIB_ROOT/agents
HACTL=${HACTL:-$LIB_BUILD/hactl}

# The gateway: a host on the bridge (not a node: never counted as a VIP
# holder) at $TRK_GW.
trk_gateway() {
	lib_host gw "$TRK_GW"
}

# A command track section: trk_cmd NAME WEIGHT COMMAND (interval 300ms,
# rise 2, fall 2). Prints the section.
trk_cmd() {
	cat <<CONF
    track $1 {
        command = "$3"
        interval = 300ms
        rise = 2
        fall = 2
        weight = $2
    }
CONF
}

# An interface track section: trk_iface NAME IFNAME WEIGHT.
trk_iface() {
	cat <<CONF
    track $1 {
        interface = "$2"
        weight = $3
    }
CONF
}

# Make the gateway unreachable from NODE only: NODE's own echo requests to
# it are dropped on the way out (ping fails at once).
trk_block_out() {
	lib_exec "$1" nft -f - <<-EOF || lib_fail "nft: cannot block $TRK_GW in $1"
		table inet hmtrack {
			chain out {
				type filter hook output priority 0; policy accept;
				ip daddr $TRK_GW drop
			}
		}
	EOF
	lib_log "$1: packets to $TRK_GW dropped"
}

trk_unblock_out() {
	lib_exec "$1" nft delete table inet hmtrack || lib_fail "nft: cannot unblock in $1"
	lib_log "$1: packets to $TRK_GW pass again"
}

# The gateway ignores SRC (an address): its packets are dropped on the way
# in, so the checker waits for an answer that never comes.
trk_block_src() {
	lib_exec gw nft -f - <<-EOF || lib_fail "nft: cannot block $1 in gw"
		table inet hmtrack {
			chain in {
				type filter hook input priority 0; policy accept;
				ip saddr $1 drop
			}
		}
	EOF
	lib_log "gw: packets from $1 dropped"
}

trk_unblock_src() {
	lib_exec gw nft delete table inet hmtrack || lib_fail "nft: cannot unblock in gw"
	lib_log "gw: packets from $1 pass again"
}

# trk_status NODE: NODE's `hactl status --json` into $LIB_TMP/NODE.status.
trk_status() {
	lib_exec "$1" "$HACTL" -s "$LIB_TMP/$1.sock" status --json >"$LIB_TMP/$1.status" \
		2>"$LIB_TMP/$1.status.err" || lib_fail "hactl status on $1: $(cat "$LIB_TMP/$1.status.err")"
}

# trk_node_field NODE PEER FIELD: FIELD of PEER's entry in the node list
# NODE's hactl shows for the first instance ("" when PEER is not listed).
trk_node_field() {
	trk_status "$1"
	jq -r --arg p "$2" --arg f "$3" \
		'.instances[0].nodes[] | select(.node == $p) | .[$f] | tostring' "$LIB_TMP/$1.status"
}

# trk_self_field NODE FIELD: FIELD of NODE's own first instance.
trk_self_field() {
	trk_status "$1"
	jq -r --arg f "$2" '.instances[0][$f] | tostring' "$LIB_TMP/$1.status"
}

# shellcheck disable=SC2317 # called through lib_poll
trk_node_is() {
	[ "$(trk_node_field "$1" "$2" "$3")" = "$4" ]
}

# trk_wait_node NODE PEER FIELD VALUE TIMEOUT_S: NODE's hactl shows VALUE
# for PEER's FIELD (announcements come once a second and on transitions).
trk_wait_node() {
	lib_poll "$5" trk_node_is "$1" "$2" "$3" "$4" ||
		lib_fail "$1's hactl: $2's $3 is '$(trk_node_field "$1" "$2" "$3")', expected '$4' after $5 s"
	lib_log "$1's hactl: $2's $3 is $4"
}

trk_require() {
	lib_require_tools nft ping jq
	[ -x "$HACTL" ] || lib_skip "$HACTL not built (make build/hactl)"
}
