# shellcheck shell=bash
# lib_corosync.sh: a real corosync 3 per node for the netns scenarios
# (source lib.sh first). One knet/UDP cluster over the nodes' eth0, with
# votequorum, token 500 ms and token_coefficient 0 (an isolated node says
# "not quorate" about 1.1 s after the cut).
#
# Each corosync gets a private /run (its pid file is hard-coded as
# /var/run/corosync.pid): `ip netns exec` gives the shell a mount namespace
# of its own, where a per-node directory is bind-mounted on /run before
# exec corosync -f. Its IPC sockets are abstract, hence per network
# namespace: hamgr and corosync-quorumtool in the node's namespace reach
# it. corosync runs in the node's namespace, so lib_cleanup's kill of
# every process in the run's namespaces ends it on any exit; cs_stop
# stops it during a scenario.
#
#   cs_require                  skip unless corosync is installed
#   cs_setup "n1 n2 n3"         key and configs for these nodes (lib_node first)
#   cs_start NODE               start it; its output in $LIB_TMP/NODE.corosync.log
#   cs_stop NODE                SIGTERM, wait (10 s at most), else SIGKILL
#   cs_wait_quorate NODE yes|no TIMEOUT_S

cs_require() {
	lib_require_tools corosync corosync-keygen corosync-quorumtool
}

# Every node's eth0 address (lib_node's), by the node list given.
cs_setup() {
	local nodes=$1 n id=0 addr list=""
	mkdir -p "$LIB_TMP/cs"
	corosync-keygen -k "$LIB_TMP/cs/authkey" >"$LIB_TMP/cs/keygen.out" 2>&1 ||
		lib_fail "corosync-keygen failed: $(cat "$LIB_TMP/cs/keygen.out")"
	for n in $nodes; do
		id=$((id + 1))
		addr=$(ip -n "$LIB_PREFIX$n" -4 -o addr show dev eth0 | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
		[ -n "$addr" ] || lib_fail "cs_setup: $n has no IPv4 address"
		list+="    node {
        ring0_addr: $addr
        name: $n
        nodeid: $id
    }
"
	done
	for n in $nodes; do
		mkdir -p "$LIB_TMP/cs/$n/run" "$LIB_TMP/cs/$n/state"
		cat >"$LIB_TMP/cs/$n/corosync.conf" <<-EOF
			totem {
			    version: 2
			    cluster_name: hmtest
			    transport: knet
			    crypto_cipher: aes256
			    crypto_hash: sha256
			    keyfile: $LIB_TMP/cs/authkey
			    token: 500
			    token_coefficient: 0
			}
			nodelist {
			$list}
			quorum {
			    provider: corosync_votequorum
			}
			logging {
			    to_stderr: yes
			    to_logfile: no
			    to_syslog: no
			    timestamp: hires
			}
			system {
			    state_dir: $LIB_TMP/cs/$n/state
			    sched_rr: no
			    move_to_root_cgroup: no
			}
		EOF
	done
}

cs_start() {
	local n=$1 d=$LIB_TMP/cs/$1 i
	rm -f "$d/pid"
	echo "=== corosync start $(date +%T.%N) ===" >>"$LIB_TMP/$n.corosync.log"
	(
		# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
		ip netns exec "$LIB_PREFIX$n" sh -c 'mount --bind "$1" /run && exec corosync -f -c "$2"' \
			sh "$d/run" "$d/corosync.conf" >>"$LIB_TMP/$n.corosync.log" 2>&1 &
		echo $! >"$d/pid"
		wait $!
	) 2>/dev/null &
	LIB_BG+=("$!")
	for ((i = 0; i < 100; i++)); do
		[ -s "$d/pid" ] && break
		sleep 0.01
	done
	[ -s "$d/pid" ] || lib_fail "$n: corosync did not start"
	lib_log "$n: corosync started (pid $(cat "$d/pid"))"
}

cs_stop() {
	local n=$1 pid i
	pid=$(cat "$LIB_TMP/cs/$n/pid" 2>/dev/null)
	[ -n "$pid" ] || lib_fail "$n runs no corosync"
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	rm -f "$LIB_TMP/cs/$n/pid"
	lib_log "$n: corosync stopped"
}

# corosync-quorumtool's verdict on NODE: yes, no, or down.
cs_quorate() {
	local out
	out=$(timeout 5 ip netns exec "$LIB_PREFIX$1" corosync-quorumtool -s 2>/dev/null)
	case $out in
	*"Quorate:"*Yes*) echo yes ;;
	*"Quorate:"*) echo no ;;
	*) echo down ;;
	esac
}

cs_is() {
	[ "$(cs_quorate "$1")" = "$2" ]
}

cs_wait_quorate() {
	lib_poll "$3" cs_is "$1" "$2" ||
		lib_fail "$1: corosync quorate is $(cs_quorate "$1") after $3 s, expected $2"
	lib_log "$1: corosync quorate: $2"
}
