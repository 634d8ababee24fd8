#!/bin/bash
# t_hb_paths: protocol "hamgr" with a second heartbeat path. n1 and n2 share
# the bridge (eth0, the instance's interface) and a direct link (eth1,
# heartbeat-paths). Silence on either path alone changes nothing: no
# transition, one holder throughout, and hactl status shows which path went
# quiet. Silence on both: the backup takes over (a peer is gone only when
# every path is silent). Healed: exactly one master again.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq nft
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
ip -n "${LIB_PREFIX}n1" link add eth1 type veth peer name eth1 netns "${LIB_PREFIX}n2" ||
	lib_fail "cannot create the direct link"
lib_exec n1 ip addr add 10.9.0.1/24 dev eth1
lib_exec n2 ip addr add 10.9.0.2/24 dev eth1
lib_exec n1 ip link set eth1 up
lib_exec n2 ip link set eth1 up

key=$LIB_TMP/authkey
(umask 077; "$LIB_HAMGR" --genkey >"$key") || lib_fail "hamgr --genkey"
start() {
	lib_vrrp_conf "$1" prio="$2" int=20ms extra='protocol = "hamgr"
    heartbeat-paths = {"eth1"}'
	lib_hamgr_start "$1" "auth-key-file = \"$key\"
$LIB_CONF_TEXT"
}
# Silence a path without touching carrier (a link down would be a FAULT
# on eth0): the bridge drops the heartbeats, or eth1 drops them on n2.
bridge_silence() {
	ip netns exec "$LIB_BR" nft "$1" table bridge hbcut 2>/dev/null
	[ "$1" = add ] && ip netns exec "$LIB_BR" nft add chain bridge hbcut f \
		'{ type filter hook forward priority 0; policy accept; }' &&
		ip netns exec "$LIB_BR" nft add rule bridge hbcut f udp dport 694 drop
	return 0
}
eth1_silence() {
	lib_exec n2 nft "$1" table inet hbcut 2>/dev/null
	[ "$1" = add ] && lib_exec n2 nft add chain inet hbcut in \
		'{ type filter hook input priority 0; policy accept; }' &&
		lib_exec n2 nft add rule inet hbcut in iifname eth1 udp dport 694 drop
	return 0
}
path_age() {    # NODE PATH: ms since PATH carried a heartbeat, or "never"
	QUIET=1 hactl "$1" status --json
	jq -r --arg p "$2" '.instances[0].paths[] | select(.interface == $p) |
		(.last_heard_ms // "never" | tostring)' "$LIB_TMP/out"
}

start n1 200
start n2 100
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 0.5
hactl n2 status
lib_assert_log n2 'BACKUP'
for p in eth0 eth1; do
	a=$(path_age n2 $p)
	[ "$a" != never ] || lib_fail "n2 never heard a heartbeat on $p"
	lib_assert_le "ms since n2 heard $p" "${a%.*}" 500
done

lib_log "--- the bridge drops the heartbeats: eth1 alone keeps n1 master"
lib_log_mark n1
lib_log_mark n2
lib_sampler_start $VIP 30
bridge_silence add
sleep 2
a=$(path_age n2 eth0)
lib_assert_ge "ms since n2 heard eth0 (silenced)" "${a%.*}" 1500
a=$(path_age n2 eth1)
lib_assert_le "ms since n2 heard eth1" "${a%.*}" 500
hactl n2 status
grep -q 'path .*eth0 heard' "$LIB_TMP/out" || lib_fail "hactl status shows no eth0 path line"
lib_sampler_check
lib_assert_eq "holders with eth0 silent" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
bridge_silence delete

lib_log "--- eth1 drops them instead: eth0 alone keeps n1 master"
lib_sampler_start $VIP 30
eth1_silence add
sleep 2
a=$(path_age n2 eth1)
lib_assert_ge "ms since n2 heard eth1 (silenced)" "${a%.*}" 1500
lib_sampler_check
lib_assert_eq "holders with eth1 silent" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
QUIET=1 hactl n2 metrics
grep -q '^hamgr_heartbeat_path_last_heard_seconds{instance="web",path="eth1"}' "$LIB_TMP/out" ||
	lib_fail "metrics: no hamgr_heartbeat_path_last_heard_seconds for eth1"

lib_log "--- both silent: n2 takes over"
bridge_silence add
lib_wait_state n2 MASTER 3
lib_assert_log n2 'master_down|no advert'

lib_log "--- healed: one master again"
bridge_silence delete
eth1_silence delete
lib_wait_state n2 BACKUP 3
lib_wait_holders $VIP n1 3
lib_pass
