#!/bin/bash
# chaos.sh: a randomized fault schedule on a 3-node hamgr cluster in
# network namespaces, for a bounded time (make chaos; test/chaos/README.md).
#
#   SEED=N CHAOS_SECONDS=S test/chaos/chaos.sh
#
# n1 (priority 200), n2 (150), n3 (100), preempt on, one VIP, 100 ms
# adverts; a client probes the VIP (UDP, 500 requests/s) through the
# responder on every node; vipwatch follows the VIP on every node by
# rtnetlink (every add and delete, time-stamped, no sampling). One fault at
# a time, drawn from SEED: SIGSTOP/SIGCONT, SIGKILL and restart, link flaps,
# packet loss (nftables numgen on the bridge), partitions (1|2, 1|1|1).
# Each is bounded, then healed; the cluster must converge to one master
# within CHAOS_CONVERGE_S, then a settle pause. analyze.awk judges the
# timeline against CHAOS_POLICY and prints one line per fault and a summary.
#
# Environment:
#   SEED              the schedule's seed, 0..4294967295 (default: from the
#                     clock, printed); the same seed gives the same schedule
#                     (the generator is lrand48's, written in bash)
#   CHAOS_SECONDS     no fault starts later than this (default 120, 30..3600)
#   CHAOS_POLICY      quorum (default: quorum-nodes = 3) or none
#   CHAOS_PROTO       vrrp3 (default) or hamgr (protocol "hamgr", key file)
#   CHAOS_FAULTS      kinds to draw from (default "stop kill link loss part")
#   CHAOS_DUAL_MS     longest double holding a handover may show (default 150)
#   CHAOS_CONVERGE_S  one master at most this long after a heal (default 5)
#   CHAOS_RESULTS     results directory (default $HM_BUILD/chaos/seed-SEED-DATE),
#                     always kept
#   CHAOS_DRY=1       print the schedule and exit (no root needed)
#   CHAOS_MUTANT=1    check the checker: the cluster runs without quorum-nodes
#                     but is judged by CHAOS_POLICY; with quorum and
#                     partitions drawn, the run must fail
# Exit: 0 no violation, 1 a violation (or the run failed), 77 skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)

SEED=${SEED:-}
[ -n "$SEED" ] || SEED=$(($(date +%s%N) / 1000 % 4294967296))
if ! [[ $SEED =~ ^[0-9]+$ ]] || [ "$SEED" -gt 4294967295 ]; then
	echo "chaos: SEED must be 0..4294967295" >&2
	exit 2
fi
CHAOS_SECONDS=${CHAOS_SECONDS:-120}
if ! [[ $CHAOS_SECONDS =~ ^[0-9]+$ ]] || [ "$CHAOS_SECONDS" -lt 30 ] || [ "$CHAOS_SECONDS" -gt 3600 ]; then
	echo "chaos: CHAOS_SECONDS must be 30..3600" >&2
	exit 2
fi
CHAOS_POLICY=${CHAOS_POLICY:-quorum}
case $CHAOS_POLICY in quorum | none) ;; *) echo "chaos: CHAOS_POLICY is quorum or none" >&2; exit 2 ;; esac
CHAOS_PROTO=${CHAOS_PROTO:-vrrp3}
case $CHAOS_PROTO in vrrp3 | hamgr) ;; *) echo "chaos: CHAOS_PROTO is vrrp3 or hamgr" >&2; exit 2 ;; esac
CHAOS_FAULTS=${CHAOS_FAULTS:-stop kill link loss part}
CHAOS_DUAL_MS=${CHAOS_DUAL_MS:-150}
CHAOS_CONVERGE_S=${CHAOS_CONVERGE_S:-5}
STABLE_MS=1000        # one holder this long, and the logs agree: converged
STUCK_S=30            # after a failed convergence, wait this long for one
PROBE_RATE=500
VIP=198.51.100.50
NODES=(n1 n2 n3)
declare -A PRIO=([n1]=200 [n2]=150 [n3]=100)

# ------------------------------------------------------------- the PRNG
# lrand48 after srand48(SEED): 48-bit LCG, 31 bits out. The product is
# split in 24-bit halves so bash's 64-bit arithmetic never overflows.
CH_S=$((((SEED & 0xffffffff) << 16) | 0x330E))
ch_next() {
	local lo=$((CH_S & 0xffffff)) hi=$((CH_S >> 24))
	CH_S=$(((lo * 0xE66D + (((hi * 0xE66D + lo * 0x5DEEC) & 0xffffff) << 24) + 0xB) & 0xFFFFFFFFFFFF))
	CH_R=$((CH_S >> 17))
}
# R = a number in LO..HI
ch_range() {
	ch_next
	R=$(($1 + CH_R % ($2 - $1 + 1)))
}

# ------------------------------------------------------------ schedule
# One line per fault: ID KIND ROLE BIDX PARAM DUR_MS SETTLE_MS
#   ROLE m (the master at the time) or b (backup number BIDX, 0 or 1, of
#   the other two in name order); PARAM: stop/kill "-", link the flaps
#   "DOWN/UP,..." in ms, loss "P%/all" or "P%/node", part "1|2" or "1|1|1".
# Drawn up front, independent of what happens in the run, so a seed always
# gives the same list; the run takes them in order until CHAOS_SECONDS.
schedule() {
	local i kinds=() k w total=0 kind role bidx param dur settle n d u
	declare -A weight=([stop]=20 [kill]=20 [link]=20 [loss]=15 [part]=25)
	for k in $CHAOS_FAULTS; do
		[ -n "${weight[$k]:-}" ] || { echo "chaos: unknown fault kind $k" >&2; exit 2; }
		kinds+=("$k")
		total=$((total + weight[$k]))
	done
	for ((i = 1; i <= CHAOS_SECONDS; i++)); do
		ch_range 0 $((total - 1))
		w=$R
		for k in "${kinds[@]}"; do
			kind=$k
			[ "$w" -lt "${weight[$k]}" ] && break
			w=$((w - weight[$k]))
		done
		ch_range 0 9
		if [ "$R" -lt 6 ]; then role=m; else role=b; fi
		ch_range 0 1
		bidx=$R
		param=-
		case $kind in
		stop) ch_range 300 6000; dur=$R ;;
		kill) ch_range 200 4000; dur=$R ;;
		link)
			ch_range 1 3
			n=$R param="" dur=0
			while [ "$n" -gt 0 ]; do
				ch_range 200 3000; d=$R
				ch_range 200 2000; u=$R
				param+="${param:+,}$d/$u"
				dur=$((dur + d + u))
				n=$((n - 1))
			done
			;;
		loss)
			ch_range 0 3
			param=$((R == 0 ? 10 : R == 1 ? 20 : R == 2 ? 30 : 50))%
			ch_range 0 1
			if [ "$R" = 0 ]; then param+=/all; else param+=/node; fi
			ch_range 3000 10000; dur=$R
			;;
		part)
			ch_range 0 4
			if [ "$R" = 0 ]; then param="1|1|1"; else param="1|2"; fi
			ch_range 2000 8000; dur=$R
			;;
		esac
		ch_range 1000 3000
		settle=$R
		echo "$i $kind $role $bidx $param $dur $settle"
	done
}

if [ "${CHAOS_DRY:-0}" = 1 ]; then
	echo "chaos schedule, SEED=$SEED (first faults; the run takes them until CHAOS_SECONDS)"
	echo "# id kind role bidx param dur_ms settle_ms"
	schedule | head -n "$((CHAOS_SECONDS / 4))"
	exit 0
fi

# ------------------------------------------------------------ the run
build=${HM_BUILD:-$(cd "$here/../.." && pwd)/build}
results=${CHAOS_RESULTS:-$build/chaos/seed-$SEED-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results" || { echo "chaos: cannot create $results" >&2; exit 1; }
export HM_LOGDIR=$results HM_BUILD=$build
exec 3>&1 >>"$results/driver.log" 2>&1
REPORT=$results/report.txt
: >"$REPORT"
say() {
	printf '%s\n' "$*" >&3
	printf '%s\n' "$*" >>"$REPORT"
}

# shellcheck source=test/netns/lib.sh
. "$here/../netns/lib.sh"
TL=$LIB_TMP/timeline
EV=$LIB_TMP/vip.events
STATE=$LIB_TMP/vip.state
: >"$TL"

# shellcheck disable=SC2317 # the EXIT trap
chaos_exit() {
	local rc=$? n
	: >"$LIB_TMP/vipwatch.stop"
	for n in "${NODES[@]}"; do
		[ -n "${LIB_PID[$n]:-}" ] && kill -CONT "${LIB_PID[$n]}" 2>/dev/null
	done
	ip netns exec "$LIB_BR" nft flush ruleset 2>/dev/null
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 77 ] || [ -n "${CHAOS_ABORT:-}" ]; then
		say "chaos: the run stopped (exit $rc); the end of $results/driver.log:"
		tail -n 15 "$results/driver.log" | sed 's/^/    /' >&3
	fi
	say "results: $results"
	chaos_rc() { return "$1"; }
	chaos_rc "$rc"
	lib_cleanup
}
trap chaos_exit EXIT
# lib_fail ends the run through here: say so on the terminal too.
CHAOS_ABORT=""
lib_fail() {
	lib_log "FAIL: $*"
	CHAOS_ABORT=1
	say "chaos: FAIL: $*"
	exit 2
}

lib_require_root
lib_require_hamgr
lib_require_tools nft awk
lib_require_bin probe responder vipwatch

tl() { echo "${EPOCHREALTIME//[.,]/} $*" >>"$TL"; }
now_us() { NOW=${EPOCHREALTIME//[.,]/}; }

say "chaos: SEED=$SEED CHAOS_SECONDS=$CHAOS_SECONDS CHAOS_POLICY=$CHAOS_POLICY CHAOS_PROTO=$CHAOS_PROTO"
say "chaos: faults from: $CHAOS_FAULTS; dual holding allowed up to $CHAOS_DUAL_MS ms outside the policy; convergence limit $CHAOS_CONVERGE_S s"
say "chaos: reproduce: make chaos SEED=$SEED CHAOS_SECONDS=$CHAOS_SECONDS CHAOS_POLICY=$CHAOS_POLICY CHAOS_PROTO=$CHAOS_PROTO"
[ "${CHAOS_MUTANT:-0}" = 1 ] && say "chaos: MUTANT: the cluster runs without quorum-nodes, judged by policy $CHAOS_POLICY"
say "chaos: load at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
schedule >"$LIB_TMP/schedule.txt"

# -------------------------------------------------------------- cluster
lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_node n3 198.51.100.3
lib_client c 198.51.100.100
for n in "${NODES[@]}"; do
	lib_exec "$n" "$LIB_TOOLS/responder" -t $((CHAOS_SECONDS + 600)) "$n" 7000 >>"$LIB_TMP/$n.responder.log" 2>&1 &
	LIB_BG+=("$!")
done

extra=""
[ "$CHAOS_POLICY" = quorum ] && [ "${CHAOS_MUTANT:-0}" != 1 ] && extra+="    quorum-nodes = 3"$'\n'
top=""
if [ "$CHAOS_PROTO" = hamgr ]; then
	(umask 077; "$LIB_HAMGR" --genkey >"$LIB_TMP/authkey") || lib_fail "hamgr --genkey"
	extra+='    protocol = "hamgr"'$'\n'
	top="auth-key-file = \"$LIB_TMP/authkey\""$'\n'
fi
declare -A CONF=()
for n in "${NODES[@]}"; do
	lib_vrrp_conf "$n" impl=hamgr prio="${PRIO[$n]}" extra="$extra"
	CONF[$n]="$top$LIB_CONF_TEXT"
	lib_hamgr_start "$n" "${CONF[$n]}"
done
lib_wait_state n1 MASTER 10
lib_wait_holders $VIP n1 5

nsargs=()
for n in "${NODES[@]}"; do nsargs+=("$n=/run/netns/$LIB_PREFIX$n"); done
nice -n -5 "$LIB_TOOLS/vipwatch" -d $((CHAOS_SECONDS + 900)) -s "$LIB_TMP/vipwatch.stop" \
	-o "$STATE" $VIP "${nsargs[@]}" >"$EV" 2>"$LIB_TMP/vipwatch.err" &
LIB_BG+=("$!")
for ((i = 0; i < 100; i++)); do
	[ -s "$STATE" ] && break
	sleep 0.02
done
[ -s "$STATE" ] || lib_fail "vipwatch did not start"
T0=${EPOCHREALTIME//[.,]/}
sleep 1

# ------------------------------------------------------------- helpers

holders() { HOLDERS=""; [ -r "$STATE" ] && read -r HOLDERS <"$STATE"; }

# The current state of NODE's instance per its log since its last start.
node_state() {
	awk '/^=== hamgr start/ { s = "" }
	     match($0, /instance web: [A-Z]+ -> [A-Z]+/) { s = substr($0, RSTART, RLENGTH); sub(/.* /, "", s) }
	     END { print s }' "$LIB_TMP/$1.log"
}

# One master in the logs, the VIP on it alone, every daemon running.
logs_agree() {
	local h=$1 n st
	for n in "${NODES[@]}"; do
		lib_daemon_running "$n" || return 1
		st=$(node_state "$n")
		if [ "$n" = "$h" ]; then
			[ "$st" = MASTER ] || return 1
		else
			[ "$st" = BACKUP ] || return 1
		fi
	done
}

# Wait until one node holds the VIP for STABLE_MS and the logs agree, at
# most CHAOS_CONVERGE_S after the heal (then STUCK_S more, to see whether
# it ever does). Writes C (and R) to the timeline. Returns 1 if it was
# late, 2 if it never converged.
converge() {
	local id=$1 t_heal=$2 limit since="" last="" i
	limit=$((t_heal + CHAOS_CONVERGE_S * 1000000 + STABLE_MS * 1000))
	for ((i = 0; i < 2000; i++)); do
		now_us
		holders
		if [[ -n $HOLDERS && $HOLDERS != *" "* ]]; then
			if [ "$HOLDERS" != "$last" ]; then
				since=$NOW
				last=$HOLDERS
			elif [ $((NOW - since)) -ge $((STABLE_MS * 1000)) ]; then
				if logs_agree "$HOLDERS"; then
					tl C "$id" ok "$HOLDERS"
					return 0
				fi
				since=$NOW
			fi
		else
			last=""
		fi
		[ "$NOW" -ge "$limit" ] && break
		sleep 0.02
	done
	holders
	tl C "$id" stuck "${HOLDERS:-none}"
	say "  fault #$id: no single master ${CHAOS_CONVERGE_S} s after the heal; holders: ${HOLDERS:-none}; states:$(for n in "${NODES[@]}"; do printf ' %s=%s' "$n" "$(node_state "$n")"; done)"
	limit=$((NOW + STUCK_S * 1000000))
	last="" since=""
	for ((i = 0; i < STUCK_S * 50; i++)); do
		now_us
		holders
		if [[ -n $HOLDERS && $HOLDERS != *" "* ]]; then
			[ "$HOLDERS" != "$last" ] && since=$NOW && last=$HOLDERS
			if [ $((NOW - since)) -ge $((STABLE_MS * 1000)) ] && logs_agree "$HOLDERS"; then
				tl R "$id" $(((since - t_heal) / 1000))
				return 1
			fi
		else
			last=""
		fi
		[ "$NOW" -ge "$limit" ] && break
		sleep 0.02
	done
	tl R "$id" never
	return 2
}

sleep_ms() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

probe_start() {
	# ip netns exec execs the probe: $! is the probe itself.
	ip netns exec "${LIB_PREFIX}c" "$LIB_TOOLS/probe" -r $PROBE_RATE -d 300 $VIP 7000 \
		>"$LIB_TMP/probe-$1.out" 2>&1 &
	PROBE=$!
	LIB_BG+=("$PROBE")
}
probe_stop() {
	local id=$1 i line kv
	kill -TERM "$PROBE" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$PROBE" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$PROBE" 2>/dev/null
	wait "$PROBE" 2>/dev/null
	line=$(grep '^probe: ' "$LIB_TMP/probe-$id.out" | tail -n 1)
	PROBE_sent=0 PROBE_lost=0 PROBE_longest_gap_ms=-1
	for kv in ${line#probe: }; do
		printf -v "PROBE_${kv%%=*}" '%s' "${kv#*=}"
	done
	tl G "$id" "$PROBE_longest_gap_ms" "$PROBE_lost" "$PROBE_sent"
}

nft_br() { ip netns exec "$LIB_BR" nft "$@"; }

analyze() {
	{
		sed 's/^\([0-9]*\) /\1 W /' "$EV" | grep -v ' W - \| resync$'
		cat "$TL"
	} | sort -s -n -k1,1 | awk -v nodes="${NODES[*]}" -v policy="$CHAOS_POLICY" \
		-v dual_ms="$CHAOS_DUAL_MS" -v converge_s="$CHAOS_CONVERGE_S" -v t0="$T0" \
		-v only="${1:-}" -f "$here/analyze.awk"
}

# ---------------------------------------------------------- the faults
# Each: the fault (F, liveness L, windows PB/PE XB/XE), bounded, then the
# heal (H) with the time the cluster's recovery starts from.

run_fault() {
	local id=$1 kind=$2 role=$3 bidx=$4 param=$5 dur=$6 t v others=() n d u
	holders
	if [[ $role == m ]]; then
		t=${HOLDERS%% *}
		[ -n "$t" ] || t=n1
	else
		for n in "${NODES[@]}"; do [ "$n" = "${HOLDERS%% *}" ] || others+=("$n"); done
		t=${others[$bidx]:-${others[0]}}
	fi

	case $kind in
	stop)
		tl F "$id" stop "$t" SIGSTOP "$dur"
		tl L "$t" 0
		lib_daemon_signal "$t" STOP
		sleep_ms "$dur"
		tl H "$id"
		tl L "$t" 1
		lib_daemon_signal "$t" CONT
		;;
	kill)
		tl F "$id" kill "$t" SIGKILL "$dur"
		tl L "$t" 0
		lib_daemon_stop "$t" KILL
		sleep_ms "$dur"
		# lib_hamgr_start less its config check (the config is the one
		# checked at the first start): the node is live from the spawn,
		# and its stale VIP is the new daemon's to remove.
		lib_hamgr_write_conf "$t" "${CONF[$t]}"
		lib_log_mark "$t"
		echo "=== hamgr start $(date +%T.%N) ===" >>"$LIB_TMP/$t.log"
		tl H "$id"
		tl L "$t" 1
		# shellcheck disable=SC2086 # HM_HAMGR_ARGS: several words
		lib_daemon_spawn "$t" hamgr "$LIB_HAMGR" ${HM_HAMGR_ARGS--d} -f "$LIB_TMP/$t.conf"
		;;
	link)
		tl F "$id" link "$t" "flaps:$param" "$dur"
		for v in ${param//,/ }; do
			d=${v%/*} u=${v#*/}
			tl L "$t" 0
			lib_link_cut "$t"
			sleep_ms "$d"
			lib_link_restore "$t"
			tl L "$t" 1
			[ "$v" = "${param##*,}" ] && break # the last restore is the heal
			sleep_ms "$u"
		done
		tl H "$id"
		;;
	loss)
		local p=${param%%%*} scope=${param#*/} rules
		if [ "$scope" = all ]; then
			rules="numgen random mod 100 < $p drop"
			t=all
		else
			rules="iifname \"v$t\" numgen random mod 100 < $p drop
				oifname \"v$t\" numgen random mod 100 < $p drop"
		fi
		tl F "$id" loss "$t" "drop:$p%" "$dur"
		tl XB "$id"
		nft_br -f - <<-NFT || lib_fail "nft: cannot add loss"
			table bridge hmloss {
				chain f {
					type filter hook forward priority 0; policy accept;
					$rules
				}
			}
		NFT
		sleep_ms "$dur"
		tl H "$id"
		nft_br delete table bridge hmloss || lib_fail "nft: cannot remove loss"
		tl XE "$id"
		;;
	part)
		if [ "$param" = "1|1|1" ]; then
			t=all
			tl F "$id" part all "1|1|1" "$dur"
			tl PB "$id"
			nft_br -f - <<-NFT || lib_fail "nft: cannot split"
				table bridge hmiso {
					chain f {
						type filter hook forward priority 0; policy accept;
						iifname { "vn1", "vn2", "vn3" } oifname { "vn1", "vn2", "vn3" } drop
					}
				}
			NFT
		else
			tl F "$id" part "$t" "1|2" "$dur"
			tl PB "$id"
			lib_isolate "$t"
		fi
		sleep_ms "$dur"
		tl H "$id"
		lib_heal
		tl PE "$id"
		;;
	esac

}

# ------------------------------------------------------------- the loop
t_end=$((T0 + CHAOS_SECONDS * 1000000))
say "chaos: results in $results"
say "# id     time kind node detail                   dur_ms conv_ms  dual:n/samples/max_ms no_holder_ms gap_ms  holders seen (* not live)"
stuck=0
while read -r id kind role bidx param dur settle; do
	now_us
	[ "$NOW" -ge "$t_end" ] && break
	lib_log "--- fault #$id: $kind $role$bidx $param ${dur}ms"
	for n in "${NODES[@]}"; do lib_log_mark "$n"; done
	probe_start "$id"
	sleep 0.3
	run_fault "$id" "$kind" "$role" "$bidx" "$param" "$dur"
	now_us
	t_heal=$NOW
	converge "$id" "$t_heal"
	[ $? = 2 ] && stuck=1
	probe_stop "$id"
	sleep_ms "$settle"
	tl E "$id"
	say "$(analyze "$id")"
	if [ "$stuck" = 1 ]; then
		say "chaos: the cluster never converged after fault #$id; the schedule stops here"
		break
	fi
done <"$LIB_TMP/schedule.txt"
tl END
: >"$LIB_TMP/vipwatch.stop"
sleep 0.3

analyze >"$LIB_TMP/summary.txt"
say ""
say "=== chaos summary: SEED=$SEED CHAOS_POLICY=$CHAOS_POLICY CHAOS_PROTO=$CHAOS_PROTO CHAOS_SECONDS=$CHAOS_SECONDS"
# The per-fault lines were printed as they came; the rest here.
sed -n '/^$/,$p' "$LIB_TMP/summary.txt" | sed 1d | while IFS= read -r line; do say "$line"; done
say "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q '^violations: none' "$LIB_TMP/summary.txt"; then
	say "chaos: PASS (no violation of policy $CHAOS_POLICY)"
	exit 0
fi
say "chaos: FAIL (violations above; logs in $results)"
exit 1
