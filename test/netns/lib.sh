# shellcheck shell=bash
# lib.sh: building blocks for the hamgr netns scenarios. Source it first
# thing in a scenario:
#
#   . "$(dirname "$0")/lib.sh"
#   lib_require_root; lib_require_hamgr
#   lib_bridge
#   lib_node n1 198.51.100.1; lib_node n2 198.51.100.2
#   lib_vrrp_start n1 prio=200; lib_vrrp_start n2 prio=100
#   lib_wait_state n1 MASTER 5
#   lib_assert_holders 198.51.100.50 n1
#   lib_pass
#
# Everything a run creates carries one prefix ($LIB_PREFIX, "hm<pid>-"):
# a bridge namespace and one namespace per node or client, each with eth0
# plugged into the bridge. Only documentation addresses are used
# (198.51.100.0/24, 2001:db8:100::/64) and nothing leaves the namespaces.
# An EXIT/INT/TERM trap kills every process in the run's namespaces and
# deletes them, also on failure. Every wait is bounded in time and count.
#
# Exit codes: 0 pass, 1 fail, 77 skip (not root, a tool missing).
#
# Environment:
#   HM_BUILD      build directory (default: <repo>/build)
#   HAMGR         hamgr binary (default: $HM_BUILD/hamgr)
#   HM_IMPL       implementation lib_vrrp_start runs: hamgr (default) or
#                 keepalived (to check a scenario itself against a known
#                 VRRP implementation)
#   HM_HAMGR_ARGS extra hamgr arguments (default: -d)
#   HM_PREFIX     namespace prefix (run.sh sets it to sweep leftovers)
#   HM_LOGDIR     keep logs there (run.sh sets it); else a mktemp dir that
#                 is removed when the scenario passes

set -u

LIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB_BUILD=${HM_BUILD:-$LIB_ROOT/build}
# Absolute, so paths written into configs and units work from anywhere.
case $LIB_BUILD in /*) ;; *) LIB_BUILD=$PWD/$LIB_BUILD ;; esac
LIB_HAMGR=${HAMGR:-$LIB_BUILD/hamgr}
LIB_TOOLS=$LIB_BUILD/tools
LIB_IMPL=${HM_IMPL:-hamgr}
LIB_PREFIX=${HM_PREFIX:-hm$$-}
LIB_NAME=$(basename "$0" .sh)
LIB_T0=${EPOCHREALTIME//[.,]/}

LIB_BR=""                 # bridge namespace, once lib_bridge ran
LIB_NS=()                 # every namespace this run created (for cleanup)
LIB_NODES=()              # nodes that may hold a VIP (not clients)
LIB_BG=()                 # background helper pids (responders, probes ...)
declare -A LIB_PID=()     # node -> daemon pid
declare -A LIB_KIND=()    # node -> hamgr | keepalived
declare -A LIB_MARK=()    # node -> log line count at the last mark
declare -A LIB_INST=()    # node -> instance name of the last lib_vrrp_start
declare -A LIB_SIG=()     # node -> last signal sent to its daemon
# Filled by lib_probe_wait from the probe's machine line.
# shellcheck disable=SC2034 # read by the scenarios
{
	PROBE_sent=0 PROBE_answered=0 PROBE_lost=0 PROBE_longest_gap_ms=0
	PROBE_switch_ms=-1 PROBE_first=- PROBE_last=- PROBE_switches=0
}

if [ -n "${HM_LOGDIR:-}" ]; then
	LIB_TMP=$HM_LOGDIR
	LIB_TMP_OWNED=0
	mkdir -p "$LIB_TMP"
else
	LIB_TMP=$(mktemp -d "/tmp/hamgr-$LIB_NAME.XXXXXX")
	LIB_TMP_OWNED=1
fi
mkdir -p "$LIB_TMP/cut"

# ---------------------------------------------------------------- output

# Milliseconds since the scenario started (wall clock, bash built-in: no
# fork, cheap enough for sampling loops).
lib_ms() {
	local t=${EPOCHREALTIME//[.,]/}
	echo $(((t - LIB_T0) / 1000))
}

# Absolute milliseconds, for measuring intervals: t0=$(lib_now_ms)
lib_now_ms() {
	local t=${EPOCHREALTIME//[.,]/}
	echo $((t / 1000))
}

lib_log() {
	local t=${EPOCHREALTIME//[.,]/}
	t=$(((t - LIB_T0) / 1000))
	printf '[%3d.%03d] %s\n' $((t / 1000)) $((t % 1000)) "$*"
}

lib_pass() {
	lib_log "PASS: $LIB_NAME"
	exit 0
}

lib_fail() {
	lib_log "FAIL: $*"
	exit 1
}

lib_skip() {
	lib_log "SKIP: $*"
	exit 77
}

# ---------------------------------------------------------- requirements

lib_require_root() {
	[ "$(id -u)" -eq 0 ] || lib_skip "needs root (network namespaces)"
	ip netns list >/dev/null 2>&1 || lib_skip "ip netns does not work here"
}

lib_require_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || lib_skip "required tool missing: $t"
	done
}

# The daemon under test and the test tools, as make builds them.
lib_require_hamgr() {
	lib_require_tools ip timeout
	if [ "$LIB_IMPL" = keepalived ]; then
		lib_require_tools keepalived
	else
		if [ ! -f "$LIB_HAMGR" ] || [ ! -x "$LIB_HAMGR" ]; then
			lib_skip "$LIB_HAMGR not built (make build/hamgr)"
		fi
	fi
}

lib_require_bin() {
	local t
	for t in "$@"; do
		[ -x "$LIB_TOOLS/$t" ] || lib_skip "$LIB_TOOLS/$t not built (make build/tools/$t)"
	done
}

# ---------------------------------------------------------------- cleanup

lib_cleanup() {
	local rc=$? ns pids p i
	trap - EXIT INT TERM
	[ "$rc" -eq 130 ] || [ "$rc" -eq 143 ] && lib_log "interrupted by a signal"
	: >"$LIB_TMP/sampler.stop"
	# TERM first so daemons shut down as they would (and release VIPs),
	# then KILL whatever is still there after 3 s. Helpers outside the
	# namespaces (daemon wrappers, the sampler) end by themselves then.
	for ns in "${LIB_NS[@]}"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # one word per pid
		[ -n "$pids" ] && kill -TERM $pids 2>/dev/null
	done
	for ((i = 0; i < 30; i++)); do
		pids=""
		for ns in "${LIB_NS[@]}"; do
			pids+=$(ip netns pids "$ns" 2>/dev/null)
		done
		for p in "${LIB_BG[@]}"; do
			kill -0 "$p" 2>/dev/null && pids+=" $p"
		done
		[ -z "${pids// /}" ] && break
		sleep 0.1
	done
	for ns in "${LIB_NS[@]}"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # one word per pid
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	done
	for p in "${LIB_BG[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for ns in "${LIB_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if { [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; } && [ "$LIB_TMP_OWNED" = 1 ]; then
		rm -rf "$LIB_TMP"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		echo "logs kept in $LIB_TMP"
	fi
	exit "$rc"
}
# The signal traps stay one plain word each: bash 5.2 can fail to parse a
# trap string that runs while it parses a command substitution.
trap lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------- topology

lib_ns() {
	echo "$LIB_PREFIX$1"
}

# Run a command inside NAME's namespace.
lib_exec() {
	local n=$1
	shift
	ip netns exec "$LIB_PREFIX$n" "$@"
}

lib_ns_add() {
	local ns=$LIB_PREFIX$1
	LIB_NS+=("$ns")
	ip netns add "$ns" || lib_fail "cannot create namespace $ns"
	ip -n "$ns" link set lo up
	# No DAD anywhere: tests must not wait for it, and a VIP moving
	# between nodes must be usable at once.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 >/dev/null
}

# The bridge namespace: one Linux bridge every node and client plugs into.
# Multicast snooping off so VRRP multicast (224.0.0.18, ff02::12) reaches
# every port without MLD/IGMP state; no STP, ports forward at once.
lib_bridge() {
	lib_ns_add br
	LIB_BR=$LIB_PREFIX"br"
	ip netns exec "$LIB_BR" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	ip -n "$LIB_BR" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 ||
		lib_fail "cannot create bridge"
	ip -n "$LIB_BR" link set br0 up
}

# A namespace with eth0 plugged into the bridge, V4 (/24 unless given) and
# optionally V6 (/64 unless given, nodad). Name: at most 14 characters.
lib_host() {
	local n=$1 v4=${2:-} v6=${3:-} ns=$LIB_PREFIX$1
	[ -n "$LIB_BR" ] || lib_fail "lib_bridge first"
	[ ${#n} -le 14 ] || lib_fail "name too long: $n"
	lib_ns_add "$n"
	ip -n "$LIB_BR" link add "v$n" type veth peer name eth0 netns "$ns" ||
		lib_fail "cannot create veth for $n"
	ip -n "$LIB_BR" link set "v$n" master br0 up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 >/dev/null
	if [ -n "$v4" ]; then
		[[ $v4 == */* ]] || v4+=/24
		ip -n "$ns" addr add "$v4" dev eth0 || lib_fail "cannot add $v4 to $n"
	fi
	if [ -n "$v6" ]; then
		[[ $v6 == */* ]] || v6+=/64
		ip -n "$ns" addr add "$v6" dev eth0 nodad || lib_fail "cannot add $v6 to $n"
	fi
	ip -n "$ns" link set eth0 up
}

# A node: a host that runs a VRRP daemon and may hold VIPs.
lib_node() {
	lib_host "$@"
	LIB_NODES+=("$1")
}

# A client: a host that only talks to the VIP (never counted as a holder).
lib_client() {
	lib_host "$@"
}

# Cut NAME's link: its bridge port goes down, so NAME's eth0 loses carrier
# (the node sees NO-CARRIER, as with a pulled cable).
lib_link_cut() {
	ip -n "$LIB_BR" link set "v$1" down || lib_fail "cannot cut $1"
	: >"$LIB_TMP/cut/$1"
}

lib_link_restore() {
	ip -n "$LIB_BR" link set "v$1" up || lib_fail "cannot restore $1"
	rm -f "$LIB_TMP/cut/$1"
}

# Cut NODE off at the bridge with its carrier kept (no FAULT by link):
# nothing in, nothing out. One node at a time; lib_heal undoes it.
lib_isolate() {
	ip netns exec "$LIB_BR" nft -f - <<-NFT || lib_fail "nft: cannot isolate $1"
		table bridge hmiso {
			chain f {
				type filter hook forward priority 0; policy accept;
				iifname "v$1" drop
				oifname "v$1" drop
			}
		}
	NFT
}
lib_heal() {
	ip netns exec "$LIB_BR" nft delete table bridge hmiso 2>/dev/null
}

# A partition's hand-over, isolated master OLD, new master NEW: OLD steps
# down (FAULT), NEW takes over, one holder at most throughout (a sampler
# runs), and OLD's FAULT comes first in the logs since the marks.
lib_partition_handover() {
	local old=$1 new=$2 vip=$3 t_fault t_master
	lib_wait_state "$old" FAULT 3
	lib_wait_state "$new" MASTER 5
	lib_wait_vip "$new" "$vip" 3
	sleep 0.5
	lib_sampler_check
	lib_assert_eq "holders over time" "$old $new" "$LIB_SAMPLED_HOLDERS"
	t_fault=$(lib_log_since_mark "$old" | grep -m1 -- '-> FAULT' | cut -c1-12)
	t_master=$(lib_log_since_mark "$new" | grep -m1 -- '-> MASTER' | cut -c1-12)
	lib_log "$old FAULT at $t_fault, $new MASTER at $t_master"
	[[ "$t_fault" < "$t_master" ]] ||
		lib_fail "$new took over ($t_master) before $old stepped down ($t_fault)"
}

# Drop VRRP (IP protocol 112, v4 and v6) in the bridge: nodes stop hearing
# each other without losing carrier. Needs nft.
lib_vrrp_block() {
	ip netns exec "$LIB_BR" nft -f - <<-EOF || lib_fail "nft: cannot block VRRP"
		table bridge hmblock {
			chain drop_vrrp {
				type filter hook forward priority 0; policy accept;
				ip protocol 112 drop
				ip6 nexthdr 112 drop
			}
		}
	EOF
}

lib_vrrp_unblock() {
	ip netns exec "$LIB_BR" nft delete table bridge hmblock || lib_fail "nft: cannot unblock"
}

# ---------------------------------------------------------------- daemons

lib_log_lines() {
	local f=$LIB_TMP/$1.log
	[ -f "$f" ] || { echo 0; return; }
	wc -l <"$f"
}

# Remember how far NODE's log goes: lib_wait_log/lib_assert_log look only
# at what comes after the mark. Starting a daemon sets a mark.
lib_log_mark() {
	LIB_MARK[$1]=$(lib_log_lines "$1")
}

lib_log_since_mark() {
	local f=$LIB_TMP/$1.log
	[ -f "$f" ] || return 0
	tail -n +$((${LIB_MARK[$1]:-0} + 1)) "$f"
}

# Start hamgr in NODE's namespace with CONFTEXT as its config. node-name and
# control-socket (one per node: several daemons share the file system) are
# added unless CONFTEXT sets them. The config is checked with -t first.
lib_hamgr_start() {
	local n=$1 text=$2 conf=$LIB_TMP/$1.conf log=$LIB_TMP/$1.log
	[ -z "${LIB_PID[$n]:-}" ] || lib_fail "$n already runs a daemon"
	lib_hamgr_write_conf "$n" "$text" check
	lib_log_mark "$n"
	echo "=== hamgr start $(date +%T.%N) ===" >>"$log"
	# shellcheck disable=SC2086 # HM_HAMGR_ARGS: several words
	lib_daemon_spawn "$n" hamgr "$LIB_HAMGR" ${HM_HAMGR_ARGS--d} -f "$conf"
}

# Write NODE's hamgr config ($LIB_TMP/NODE.conf) from CONFTEXT, adding
# node-name and control-socket unless it sets them; with "check", fail
# unless hamgr -t accepts it.
lib_hamgr_write_conf() {
	local n=$1 text=$2 conf=$LIB_TMP/$1.conf rc
	{
		grep -q '^[[:space:]]*node-name' <<<"$text" || echo "node-name = \"$n\""
		grep -q '^[[:space:]]*control-socket' <<<"$text" ||
			echo "control-socket = \"$LIB_TMP/$n.sock\""
		printf '%s\n' "$text"
	} >"$conf"
	[ "${3:-}" = check ] || return 0
	lib_exec "$n" "$LIB_HAMGR" -t -f "$conf" >"$LIB_TMP/$n.conftest" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		cat "$conf" "$LIB_TMP/$n.conftest"
		lib_fail "hamgr -t rejected $n's config (exit $rc)"
	fi
}

# Replace the config of NODE's running hamgr with CONFTEXT and send SIGHUP.
# With "nocheck" the config is not checked first (to test a bad reload).
lib_hamgr_reload() {
	local n=$1
	[ -n "${LIB_PID[$n]:-}" ] || lib_fail "$n runs no daemon"
	if [ "${3:-}" = nocheck ]; then
		lib_hamgr_write_conf "$n" "$2"
	else
		lib_hamgr_write_conf "$n" "$2" check
	fi
	echo "=== SIGHUP $(date +%T.%N) ===" >>"$LIB_TMP/$n.log"
	kill -HUP "${LIB_PID[$n]}"
	lib_log "$n: hamgr config replaced, SIGHUP sent"
}

# Run a daemon in NODE's namespace in the background, its output appended
# to NODE's log. A wrapper subshell waits for it and writes its exit status
# to $LIB_TMP/NODE.exit (and keeps bash's "Killed" job notices out of the
# scenario's output). Sets LIB_PID[NODE], LIB_KIND[NODE].
lib_daemon_spawn() {
	local n=$1 kind=$2 i
	shift 2
	rm -f "$LIB_TMP/$n.pid" "$LIB_TMP/$n.exit"
	(
		ip netns exec "$LIB_PREFIX$n" "$@" >>"$LIB_TMP/$n.log" 2>&1 &
		echo $! >"$LIB_TMP/$n.pid"
		wait $!
		echo $? >"$LIB_TMP/$n.exit"
	) 2>/dev/null &
	LIB_BG+=("$!")
	for ((i = 0; i < 100; i++)); do
		[ -s "$LIB_TMP/$n.pid" ] && break
		sleep 0.01
	done
	LIB_PID[$n]=$(cat "$LIB_TMP/$n.pid" 2>/dev/null)
	[ -n "${LIB_PID[$n]}" ] || lib_fail "$n: $kind did not start"
	LIB_KIND[$n]=$kind
	lib_log "$n: $kind started (pid ${LIB_PID[$n]})"
}

# Start Debian's keepalived (VRRP only, foreground, console log) in NODE's
# namespace with CONFTEXT; pid files under the run's tmp dir so several
# can run at once. The config is checked with keepalived -t first.
lib_keepalived_start() {
	local n=$1 text=$2 conf=$LIB_TMP/$1.keepalived.conf log=$LIB_TMP/$1.log rc
	local pidopts=(-p "$LIB_TMP/$n.ka.pid" -r "$LIB_TMP/$n.ka-vrrp.pid" -c "$LIB_TMP/$n.ka-check.pid")
	[ -z "${LIB_PID[$n]:-}" ] || lib_fail "$n already runs a daemon"
	printf '%s\n' "$text" >"$conf"
	lib_exec "$n" keepalived -t -f "$conf" "${pidopts[@]}" >"$LIB_TMP/$n.conftest" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		cat "$conf" "$LIB_TMP/$n.conftest"
		lib_fail "keepalived -t rejected $n's config (exit $rc)"
	fi
	lib_log_mark "$n"
	echo "=== keepalived start $(date +%T.%N) ===" >>"$log"
	lib_daemon_spawn "$n" keepalived keepalived -n -l -D -G -P -f "$conf" "${pidopts[@]}"
}

# Send SIG (default TERM) to NODE's daemon without waiting for it.
# keepalived runs a VRRP child: KILL goes to every keepalived of the node
# so that it dies like a crashed hamgr (no priority 0, VIPs left behind).
lib_daemon_signal() {
	local n=$1 sig=${2:-TERM} pid=${LIB_PID[$1]:-} p
	[ -n "$pid" ] || lib_fail "$n runs no daemon"
	if [ "${LIB_KIND[$n]}" = keepalived ] && [ "$sig" = KILL ]; then
		# Children first: they die with the parent's death signal
		# (SIGTERM: a clean shutdown) if the parent goes first.
		for p in $(ip netns pids "$LIB_PREFIX$n"); do
			[ "$p" != "$pid" ] && [ "$(cat /proc/"$p"/comm 2>/dev/null)" = keepalived ] &&
				kill -KILL "$p"
		done
	fi
	kill -"$sig" "$pid" 2>/dev/null
	LIB_SIG[$n]=$sig
}

# Wait (at most 10 s) for NODE's daemon to exit after lib_daemon_signal.
# Sets LIB_EXIT to its exit status (128+N when killed by signal N).
lib_daemon_reap() {
	local n=$1 pid=${LIB_PID[$1]:-} i
	[ -n "$pid" ] || lib_fail "$n runs no daemon"
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && lib_fail "$n (pid $pid) still runs 10 s after SIG${LIB_SIG[$n]:-?}"
	for ((i = 0; i < 100; i++)); do
		[ -s "$LIB_TMP/$n.exit" ] && break
		sleep 0.01
	done
	LIB_EXIT=$(cat "$LIB_TMP/$n.exit" 2>/dev/null)
	unset "LIB_PID[$n]"
	echo "=== stopped with SIG${LIB_SIG[$n]:-?}: exit $LIB_EXIT $(date +%T.%N) ===" >>"$LIB_TMP/$n.log"
	lib_log "$n: ${LIB_KIND[$n]} stopped with SIG${LIB_SIG[$n]:-?} (exit $LIB_EXIT)"
}

# Stop NODE's daemon: signal SIG (default TERM) and wait for it to exit.
lib_daemon_stop() {
	lib_daemon_signal "$@"
	lib_daemon_reap "$1"
}
lib_hamgr_stop() { lib_daemon_stop "$@"; }
lib_hamgr_kill() { lib_daemon_stop "$1" KILL; }
lib_keepalived_stop() { lib_daemon_stop "$@"; }

lib_daemon_running() {
	local pid=${LIB_PID[$1]:-}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

lib_assert_running() {
	lib_daemon_running "$1" || {
		lib_log "$1's log:"
		tail -n 20 "$LIB_TMP/$1.log"
		lib_fail "$1's daemon is not running"
	}
}

# Convert a duration (100ms, 1s, 1.5s) to keepalived's seconds.
lib_dur_s() {
	case $1 in
	*ms) awk -v v="${1%ms}" 'BEGIN { printf "%g", v / 1000 }' ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}

# The config of one VRRP instance for NODE, for hamgr (or HM_IMPL, or
# impl=...), in LIB_CONF_TEXT (LIB_CONF_IMPL says which):
#   lib_vrrp_conf NODE [impl=hamgr|keepalived] [name=web] [vrid=51]
#       [prio=100] [int=100ms] [preempt=true|false] [dev=eth0]
#       [vips="198.51.100.50/24 ..."] [peers="198.51.100.2 ..."]
#       [extra="more config lines"]
# Both configs describe the same VRRPv3 instance, so a scenario can run
# against either implementation and the two can be mixed in one group.
# peers: unicast mode, adverts go to these addresses (hamgr unicast-peers,
# keepalived unicast_peer; keepalived's unicast_src_ip / unicast_ttl go in
# extra=); empty (the default): multicast.
lib_vrrp_conf() {
	local n=$1 impl=$LIB_IMPL name=web vrid=51 prio=100 int=100ms preempt=true
	local dev=eth0 vips="198.51.100.50/24" extra="" kv v list="" peers="" plist=""
	shift
	for kv in "$@"; do
		case $kv in
		impl=*) impl=${kv#*=} ;;
		name=*) name=${kv#*=} ;;
		vrid=*) vrid=${kv#*=} ;;
		prio=*) prio=${kv#*=} ;;
		int=*) int=${kv#*=} ;;
		preempt=*) preempt=${kv#*=} ;;
		dev=*) dev=${kv#*=} ;;
		vips=*) vips=${kv#*=} ;;
		peers=*) peers=${kv#*=} ;;
		extra=*) extra=${kv#*=} ;;
		*) lib_fail "lib_vrrp_conf: unknown argument $kv" ;;
		esac
	done
	LIB_INST[$n]=$name
	LIB_CONF_IMPL=$impl
	if [ "$impl" = keepalived ]; then
		for v in $vips; do list+="        $v dev $dev"$'\n'; done
		if [ -n "$peers" ]; then
			plist="    unicast_peer {"$'\n'
			for v in $peers; do plist+="        $v"$'\n'; done
			plist+="    }"
		fi
		LIB_CONF_TEXT="global_defs {
    router_id $n
    vrrp_version 3
    vrrp_garp_master_delay 0
}
vrrp_instance $name {
    state BACKUP
    interface $dev
    virtual_router_id $vrid
    priority $prio
    advert_int $(lib_dur_s "$int")
    $([ "$preempt" = false ] && echo nopreempt)
    virtual_ipaddress {
$list    }
$plist
$extra
}"
	else
		for v in $vips; do list+="${list:+, }\"$v\""; done
		for v in $peers; do plist+="${plist:+, }\"$v\""; done
		LIB_CONF_TEXT="instance $name {
    interface = \"$dev\"
    vrid = $vrid
    priority = $prio
    advert-interval = $int
    preempt = $preempt
    vips = {$list}
$([ -n "$plist" ] && echo "    unicast-peers = {$plist}")
$extra
}"
	fi
}

# Start one VRRP instance on NODE (arguments: see lib_vrrp_conf).
lib_vrrp_start() {
	lib_vrrp_conf "$@"
	if [ "$LIB_CONF_IMPL" = keepalived ]; then
		lib_keepalived_start "$1" "$LIB_CONF_TEXT"
	else
		lib_hamgr_start "$1" "$LIB_CONF_TEXT"
	fi
}

# Give NODE's running daemon a new config (arguments: see lib_vrrp_conf;
# the implementation is the running one's) and SIGHUP it.
lib_vrrp_reload() {
	local n=$1
	shift
	lib_vrrp_conf "$n" impl="${LIB_KIND[$n]:-$LIB_IMPL}" "$@"
	if [ "$LIB_CONF_IMPL" = keepalived ]; then
		printf '%s\n' "$LIB_CONF_TEXT" >"$LIB_TMP/$n.keepalived.conf"
		echo "=== SIGHUP $(date +%T.%N) ===" >>"$LIB_TMP/$n.log"
		kill -HUP "${LIB_PID[$n]}"
		lib_log "$n: keepalived config replaced, SIGHUP sent"
	else
		lib_hamgr_reload "$n" "$LIB_CONF_TEXT"
	fi
}
lib_vrrp_stop() { lib_daemon_stop "$@"; }

# ------------------------------------------------------------ VIP state

# Nodes (among lib_node ones) whose namespace holds ADDR, space separated.
lib_vip_holders() {
	local n out=""
	for n in "${LIB_NODES[@]}"; do
		[ -n "$(ip -n "$LIB_PREFIX$n" -o addr show to "$1" 2>/dev/null)" ] && out+="${out:+ }$n"
	done
	echo "$out"
}

# Like lib_vip_holders, leaving out nodes whose link is cut: a killed node
# cut off the network keeps its stale VIP, but no client can reach it.
lib_vip_holders_live() {
	local n out=""
	for n in "${LIB_NODES[@]}"; do
		[ -e "$LIB_TMP/cut/$n" ] && continue
		[ -n "$(ip -n "$LIB_PREFIX$n" -o addr show to "$1" 2>/dev/null)" ] && out+="${out:+ }$n"
	done
	echo "$out"
}

lib_has_addr() {
	[ -n "$(ip -n "$LIB_PREFIX$1" -o addr show to "$2" 2>/dev/null)" ]
}

# Poll every 20 ms until COND (a command) succeeds or TIMEOUT_S passes.
# Bounded in time and in count. Returns 0 if it did.
lib_poll() {
	local timeout=$1 i max end now
	shift
	max=$(awk -v t="$timeout" 'BEGIN { printf "%d", t * 50 + 1 }')
	end=$(($(lib_now_ms) + $(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000 }')))
	for ((i = 0; i < max; i++)); do
		"$@" && return 0
		now=$(lib_now_ms)
		[ "$now" -ge "$end" ] && break
		sleep 0.02
	done
	"$@"
}

lib_wait_vip() {
	lib_poll "$3" lib_has_addr "$1" "$2" ||
		lib_fail "$1 does not hold $2 after $3 s (holders: $(lib_vip_holders "$2"))"
	lib_log "$1 holds $2"
}

lib_lacks_addr() {
	! lib_has_addr "$1" "$2"
}

lib_wait_novip() {
	lib_poll "$3" lib_lacks_addr "$1" "$2" ||
		lib_fail "$1 still holds $2 after $3 s"
	lib_log "$1 does not hold $2"
}

lib_holders_are() {
	[ "$(lib_vip_holders "$1")" = "$2" ]
}

# Wait until exactly EXPECTED (space separated, in lib_node order) hold ADDR.
lib_wait_holders() {
	lib_poll "$3" lib_holders_are "$1" "$2" ||
		lib_fail "holders of $1: expected '$2', seen '$(lib_vip_holders "$1")' after $3 s"
	lib_log "holders of $1: ${2:-none}"
}

lib_assert_holders() {
	local seen
	seen=$(lib_vip_holders "$1")
	[ "$seen" = "$2" ] || lib_fail "holders of $1: expected '${2:-none}', seen '${seen:-none}'"
	lib_log "holders of $1: ${2:-none} (as expected)"
}

# ------------------------------------------------------------------ logs

lib_log_has() {
	lib_log_since_mark "$1" | grep -Eq -- "$2"
}

lib_wait_log() {
	lib_poll "$3" lib_log_has "$1" "$2" || {
		lib_log "$1's log since the mark:"
		lib_log_since_mark "$1" | tail -n 20
		lib_fail "$1's log shows no /$2/ within $3 s"
	}
	lib_log "$1 log: $(lib_log_since_mark "$1" | grep -E -- "$2" | head -n 1)"
}

lib_assert_log() {
	lib_log_has "$1" "$2" || {
		lib_log_since_mark "$1" | tail -n 20
		lib_fail "$1's log: expected a line matching /$2/, none seen"
	}
}

lib_assert_nolog() {
	local hit
	hit=$(lib_log_since_mark "$1" | grep -E -- "$2" | head -n 3)
	[ -z "$hit" ] || lib_fail "$1's log: expected no line matching /$2/, seen: $hit"
}

# The log line a transition INTO STATE leaves, per implementation.
lib_state_re() {
	local n=$1 st=$2 inst=${LIB_INST[$1]:-web}
	if [ "${LIB_KIND[$n]:-$LIB_IMPL}" = keepalived ]; then
		echo "\\($inst\\) Entering $st STATE"
	else
		echo "instance $inst: [A-Z]+ -> $st"
	fi
}

lib_wait_state() {
	lib_wait_log "$1" "$(lib_state_re "$1" "$2")" "$3"
}

lib_assert_no_state() {
	lib_assert_nolog "$1" "$(lib_state_re "$1" "$2")"
}

# The last state NODE's log reports since the mark ("" if none).
lib_state() {
	local re
	re="$(lib_state_re "$1" '[A-Z]+')"
	lib_log_since_mark "$1" | grep -Eo -- "$re" | tail -n 1 | grep -Eo '(INIT|BACKUP|MASTER|FAULT)' | tail -n 1
}

lib_is_hamgr() {
	[ "${LIB_KIND[$1]:-}" = hamgr ]
}

# --------------------------------------------------------------- asserts

lib_assert_eq() {
	[ "$2" = "$3" ] || lib_fail "$1: expected '$2', seen '$3'"
	lib_log "$1: $3 (as expected)"
}

# lib_assert_le WHAT VALUE LIMIT (numbers, decimals allowed)
lib_assert_le() {
	awk -v v="$2" -v l="$3" 'BEGIN { exit !(v + 0 <= l + 0) }' ||
		lib_fail "$1: expected at most $3, seen $2"
	lib_log "$1: $2 (limit $3)"
}

lib_assert_ge() {
	awk -v v="$2" -v l="$3" 'BEGIN { exit !(v + 0 >= l + 0) }' ||
		lib_fail "$1: expected at least $3, seen $2"
	lib_log "$1: $2 (at least $3)"
}

# ---------------------------------------------------------- test traffic

# Start the responder (answers with its node name) on NODE, UDP PORT.
lib_responder_start() {
	lib_require_bin responder
	lib_exec "$1" "$LIB_TOOLS/responder" -t 600 "$1" "$2" >>"$LIB_TMP/$1.responder.log" 2>&1 &
	LIB_BG+=("$!")
}

# Run the probe from CLIENT in the background: lib_probe_start CLIENT ADDR
# PORT [probe options]; lib_probe_wait then parses its machine line into
# PROBE_sent, PROBE_answered, PROBE_lost, PROBE_longest_gap_ms,
# PROBE_switch_ms, PROBE_first, PROBE_last, PROBE_switches.
lib_probe_start() {
	local c=$1
	shift
	lib_require_bin probe
	: >"$LIB_TMP/probe.out"
	lib_exec "$c" "$LIB_TOOLS/probe" "$@" >"$LIB_TMP/probe.out" 2>&1 &
	LIB_PROBE=$!
	LIB_BG+=("$LIB_PROBE")
}

# Wait (at most TIMEOUT_S, default 30) for the probe to finish.
lib_probe_wait() {
	local timeout=${1:-30} line kv i
	for ((i = 0; i < timeout * 20; i++)); do
		kill -0 "$LIB_PROBE" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$LIB_PROBE" 2>/dev/null && { kill "$LIB_PROBE"; lib_fail "probe still running after $timeout s"; }
	wait "$LIB_PROBE" 2>/dev/null
	sed 's/^/    /' "$LIB_TMP/probe.out"
	line=$(grep '^probe: ' "$LIB_TMP/probe.out" | tail -n 1)
	[ -n "$line" ] || lib_fail "probe printed no result line"
	for kv in ${line#probe: }; do
		printf -v "PROBE_${kv%%=*}" '%s' "${kv#*=}"
	done
}

# Run the probe in the foreground (same arguments as lib_probe_start).
lib_probe() {
	lib_probe_start "$@"
	lib_probe_wait 700
}

# ------------------------------------------------------ holder sampling

# Sample the live holders of ADDR every ~20 ms in the background, for at
# most MAX_S seconds (default 60) and 5000 samples, into $LIB_TMP/samples
# ("MS HOLDER..." per line). It stops when lib_sampler_check creates
# $LIB_TMP/sampler.stop (a file, not a signal: see the traps above).
lib_sampler_start() {
	local addr=$1 max_s=${2:-60} i
	: >"$LIB_TMP/samples"
	rm -f "$LIB_TMP/sampler.stop"
	(
		trap - EXIT
		now=${EPOCHREALTIME//[.,]/}
		end=$((now + max_s * 1000000))
		for ((i = 0; i < 5000; i++)); do
			now=${EPOCHREALTIME//[.,]/}
			[ "$now" -ge "$end" ] && break
			[ -e "$LIB_TMP/sampler.stop" ] && break
			line=$(((now - LIB_T0) / 1000))
			held=()
			for n in "${LIB_NODES[@]}"; do
				[ -e "$LIB_TMP/cut/$n" ] && continue
				ip -n "$LIB_PREFIX$n" -o addr show to "$addr" 2>/dev/null | grep -q . &&
					held+=("$n")
			done
			# The nodes are read one after another: a handover between
			# two reads looks like two holders. Two count only if the
			# ones read first still hold after the last was seen.
			if [ ${#held[@]} -ge 2 ]; then
				last=${held[-1]}
				still=()
				for n in "${held[@]}"; do
					[ "$n" = "$last" ] && continue
					ip -n "$LIB_PREFIX$n" -o addr show to "$addr" 2>/dev/null | grep -q . &&
						still+=("$n")
				done
				held=("${still[@]}" "$last")
			fi
			for n in "${held[@]}"; do line+=" $n"; done
			echo "$line" >>"$LIB_TMP/samples"
			sleep 0.02
		done
	) &
	LIB_SAMPLER=$!
	LIB_BG+=("$LIB_SAMPLER")
	# Return once the first sample is in: it shows the state before
	# whatever the scenario does next.
	for ((i = 0; i < 100; i++)); do
		[ -s "$LIB_TMP/samples" ] && break
		sleep 0.01
	done
}

# Stop the sampler and check it: never two live holders at once. Options:
#   none_ok=0   a sample with no holder fails too (default: allowed)
#   brief=1     allow a double holder in isolated samples (not two samples
#               in a row): preemption hands over in the open, the old master
#               drops the VIP only when it hears the new one (RFC 5798)
# Sets LIB_SAMPLED_HOLDERS: every holder seen, in order of appearance.
lib_sampler_check() {
	local none_ok=1 brief=0 kv total double none run i
	for kv in "$@"; do
		case $kv in
		none_ok=*) none_ok=${kv#*=} ;;
		brief=*) brief=${kv#*=} ;;
		*) lib_fail "lib_sampler_check: unknown argument $kv" ;;
		esac
	done
	# One more sample first: the state the scenario waited for is then in
	# the record even when it was reached just before this call.
	total=$(wc -l <"$LIB_TMP/samples")
	for ((i = 0; i < 50; i++)); do
		[ "$(wc -l <"$LIB_TMP/samples")" -ge $((total + 2)) ] && break
		kill -0 "$LIB_SAMPLER" 2>/dev/null || break
		sleep 0.02
	done
	: >"$LIB_TMP/sampler.stop"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$LIB_SAMPLER" 2>/dev/null || break
		sleep 0.02
	done
	kill -KILL "$LIB_SAMPLER" 2>/dev/null
	wait "$LIB_SAMPLER" 2>/dev/null
	total=$(wc -l <"$LIB_TMP/samples")
	double=$(awk 'NF > 2' "$LIB_TMP/samples" | wc -l)
	none=$(awk 'NF < 2' "$LIB_TMP/samples" | wc -l)
	run=$(awk 'NF > 2 { r++; if (r > m) m = r; next } { r = 0 } END { print m + 0 }' "$LIB_TMP/samples")
	lib_log "holder samples: $total, with two holders: $double (longest run $run), with none: $none"
	[ "$total" -ge 3 ] || lib_fail "holder sampler took only $total samples"
	if [ "$double" -gt 0 ]; then
		awk 'NF > 2 { print "    at " $1 " ms:", $0 }' "$LIB_TMP/samples" | head -n 5
		if [ "$brief" = 1 ] && [ "$run" -le 1 ]; then
			lib_log "note: brief double holding (single samples) during a handover"
		else
			lib_fail "two nodes held the VIP at once ($double samples, up to $run in a row)"
		fi
	fi
	if [ "$none_ok" = 0 ] && [ "$none" -gt 0 ]; then
		lib_fail "no node held the VIP in $none samples"
	fi
	LIB_SAMPLED_HOLDERS=$(awk 'NF == 2 && $2 != last { printf "%s%s", sep, $2; sep=" "; last=$2 }' \
		"$LIB_TMP/samples")
	lib_log "holders over time: ${LIB_SAMPLED_HOLDERS:-none}"
}
