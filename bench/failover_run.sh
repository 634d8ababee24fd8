#!/bin/bash
# failover_run.sh: one measurement of bench/failover.sh, in fresh namespaces.
#
#   bench/failover_run.sh IMPL INTERVAL SCENARIO
#     IMPL      hamgr | hamgr-hb | keepalived (both nodes run it);
#               hamgr-hb is hamgr with protocol "hamgr" (authenticated
#               heartbeats on UDP 694, a key from hamgr --genkey)
#     INTERVAL  1s | 100ms | 10ms (VRRPv3: 10ms steps; hamgr-hb: 1ms up)
#     SCENARIO  death  the master's link is cut and its daemon SIGKILLed
#               stop   SIGTERM to the master daemon (priority 0 release;
#                      hamgr-hb: handover request/confirm)
#               switch `hactl switchover` on the master (hamgr, hamgr-hb)
#               rate   no failover: capture the master's adverts on its
#                      bridge port and report the interval really sent
#
# Two nodes (priority 200 and 100, same VIP, a responder on each) and a
# client on one bridge, built by test/netns/lib.sh (sourced read-only). The
# client's probe runs BENCH_RATE requests/s to the VIP from 0.5 s before the
# event until max(2 s, 3 x interval + skew + 1 s) after it. The last line
# of stdout is the machine line failover.sh reads:
#   RESULT impl=I interval=I scenario=S phase=P gap_ms=X switch_ms=Y wire_ms=W
#          sent=N answered=N lost=N first=A last=B switches=K
#          path=P vipgap_ms=V delgarp_ms=G confirm_us=C rate=R
# gap_ms is the client-visible outage (the probe's longest_gap_ms); wire_ms
# is the takeover seen on the wire, free of the advert phase: from n1's last
# advert (death) or priority-0 advert (stop, switch; hamgr-hb: its
# handover-request, or its release when it sent none) to n2's first advert
# (hamgr-hb: a MASTER heartbeat or the handover-confirm) or gratuitous ARP.
# path (stop, switch): how n1 let go on the wire: handover (hamgr-hb's
# request), release (priority 0 / release message) or - (none seen).
# vipgap_ms: n1's VIP deletion to n2's VIP addition, delgarp_ms: n1's VIP
# deletion to n2's first gratuitous ARP (`ip -ts monitor address` in both
# nodes and the capture; - for death, where n1 keeps its address).
# confirm_us: hamgr-hb's own handover round trip as n1 logs it ("confirmed
# the handover after N us"), - when absent. rate: the probe's requests/s
# really sent over its run. pre_to: n2's transitions to MASTER before the
# event (false takeovers: n1 was healthy), post_to: after it (1 when clean).
#   RATE impl=I interval=I n=N min_ms=X median_ms=X max_ms=X field=F
# Exit status: 0 measured, 1 failed (setup or run), 77 skipped.
# Environment: BENCH_RATE (default 4000), BENCH_PHASE (0..1: where in the
# advert interval the event falls, default random), and lib.sh's HM_PREFIX,
# HM_LOGDIR, HM_BUILD, HAMGR (failover.sh sets them).

# LIB_IMPL, LIB_INST are lib.sh's; lib_probe_wait sets the PROBE_* variables.
# shellcheck disable=SC2034,SC2154
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/../test/netns/lib.sh"
# shellcheck source=bench/lib_hb.sh
. "$(dirname "$0")/lib_hb.sh"

IMPL=${1:?usage: failover_run.sh IMPL INTERVAL SCENARIO}
INTERVAL=${2:?interval}
SCENARIO=${3:?scenario}
RATE=${BENCH_RATE:-4000}
VIP=198.51.100.50
PORT=7000
INST=bench

case $IMPL in hamgr | hamgr-hb | keepalived) ;; *) lib_fail "unknown implementation $IMPL" ;; esac
case $SCENARIO in death | stop | rate) ;; switch) [ "$IMPL" != keepalived ] ||
	lib_fail "switch needs hactl: hamgr only" ;; *) lib_fail "unknown scenario $SCENARIO" ;; esac
# lib.sh knows hamgr and keepalived; hamgr-hb is hamgr with another config.
LIB_IMPL=${IMPL%-hb}
HBPORT=$HB_BENCH_PORT
# Transitions are logged at notice level: no -d, so that hamgr does not pay
# for debug lines keepalived does not write either.
HM_HAMGR_ARGS=${HM_HAMGR_ARGS-}

lib_require_root
lib_require_hamgr
lib_require_bin probe responder
if [ "$LIB_IMPL" = hamgr ] && [ ! -f "$LIB_HAMGR" ]; then
	lib_skip "$LIB_HAMGR is not a file (make build/hamgr)"
fi
lib_require_tools tcpdump awk

INT_S=$(lib_dur_s "$INTERVAL")
# Skew_Time of a priority-P node (RFC 5798: (256 - P) / 256 x interval).
skew_s() { awk -v p="$1" -v i="$INT_S" 'BEGIN { printf "%.6f", (256 - p) * i / 256 }'; }
# Seconds: a + b x interval + Skew_Time(prio), formatted for sleep/timeout.
secs() { awk -v a="$1" -v b="$2" -v i="$INT_S" -v s="$(skew_s "$3")" \
	'BEGIN { printf "%.3f", a + b * i + s }'; }

# The two configs describe the same instance; nothing set that the brief
# leaves at its default (preempt on, keepalived's garp defaults).
start_daemon() {
	local n=$1 prio=$2
	if [ "$IMPL" = keepalived ]; then
		lib_keepalived_start "$n" "global_defs {
    router_id $n
    vrrp_version 3
}
vrrp_instance $INST {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $prio
    advert_int $INT_S
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
}"
	elif [ "$IMPL" = hamgr-hb ]; then
		# One key for both nodes (lib_hb.sh).
		hb_bench_key
		lib_hamgr_start "$n" "$(hb_bench_global)
instance $INST {
    interface = \"eth0\"
    vrid = 51
    priority = $prio
$(hb_bench_instance)
    advert-interval = $INTERVAL
    vips = {\"$VIP/24\"}
}"
	else
		lib_hamgr_start "$n" "instance $INST {
    interface = \"eth0\"
    vrid = 51
    priority = $prio
    advert-interval = $INTERVAL
    vips = {\"$VIP/24\"}
}"
	fi
	LIB_INST[$n]=$INST
}

# hamgr-hb's messages carry their type and state in the UDP payload
# (hamgr.conf(5), "Messages"): tcpdump -x prints the packet from the IP
# header, 16 bytes a line; with a 20-byte IP header and the 8-byte UDP
# header, the line 0x0020 starts at payload byte 4: its first group is
# version and type, its second VRID and state; the interval (payload bytes
# 16..19) is the line's 7th and 8th groups.
HB_AWK='
function hbflush() { if (pend) hb(pt, pmac, psrc, ptype, pstate, pint); pend = 0 }
$1 ~ /^[0-9]+\.[0-9]+$/ {
	hbflush()
	if ($0 ~ /\.694: UDP/) {
		pend = 1; pt = $1; pmac = $2; ptype = ""; pstate = ""; pint = ""
		psrc = $0; sub(/.*length [0-9]+: /, "", psrc); sub(/\.[0-9]+ > .*/, "", psrc)
		next
	}
	other($0)
	next
}
pend && $1 == "0x0020:" { ptype = substr($2, 3, 2); pstate = substr($3, 3, 2); pint = strtonum("0x" $8 $9) }
END { hbflush(); done() }'

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client c 198.51.100.100
lib_responder_start n1 $PORT
lib_responder_start n2 $PORT

start_daemon n1 200
start_daemon n2 100
# n1 wins the election after its Master_Down_Interval; n2 stays backup.
lib_wait_vip n1 $VIP "$(secs 3 3 200)"
lib_wait_state n2 BACKUP 2
lib_wait_holders $VIP n1 2
lib_wait_state n1 MASTER 1
# Let the takeover's gratuitous ARPs and the backup's first timers settle.
sleep "$(awk -v i="$INT_S" 'BEGIN { s = 3 * i; if (s < 0.3) s = 0.3; if (s > 0.5) s = 0.5; printf "%.3f", s }')"
lib_assert_running n1
lib_assert_running n2

if [ "$SCENARIO" = rate ]; then
	# What n1 really puts on the wire: its bridge port sees every frame it
	# sends. Bounded by time and by count.
	win=$(awk -v i="$INT_S" 'BEGIN { w = 4.5 * i; printf "%.2f", w < 1.2 ? 1.2 : w }')
	cnt=$(awk -v w="$win" -v i="$INT_S" 'BEGIN { printf "%d", 3 * w / i + 20 }')
	if [ "$IMPL" = hamgr-hb ]; then
		# Only the master's heartbeats (type 1, state MASTER): not its
		# answers to challenges, which are heartbeats too but off the
		# schedule only when a peer asks.
		ip netns exec "$LIB_BR" timeout "$win" tcpdump -i vn1 -e -nn -tt -l -x -c "$cnt" \
			"udp port $HBPORT and src 198.51.100.1" >"$LIB_TMP/adverts.raw" 2>"$LIB_TMP/tcpdump.err"
		awk "$HB_AWK"'
			function hb(t, mac, src, type, state, iv) {
				if (type == "01" && state == "02") { print t, "VRRP-like heartbeat intvl " iv "us," }
			}
			function other(l) { }
			function done() { }' "$LIB_TMP/adverts.raw" >"$LIB_TMP/adverts.txt"
	else
		ip netns exec "$LIB_BR" timeout "$win" tcpdump -i vn1 -nn -tt -l -c "$cnt" \
			'ip proto 112 and src 198.51.100.1' >"$LIB_TMP/adverts.txt" 2>"$LIB_TMP/tcpdump.err"
	fi
	sed -n '1,3p' "$LIB_TMP/adverts.txt" | sed 's/^/    /'
	awk -v impl="$IMPL" -v iv="$INTERVAL" '
		$1 ~ /^[0-9]+\.[0-9]+$/ && /VRRP/ { t[n++] = $1 }
		/intvl/ { for (k = 1; k <= NF; k++) if ($k == "intvl") f = $(k + 1); sub(/,$/, "", f) }
		END {
			m = 0
			for (k = 1; k < n; k++) d[m++] = (t[k] - t[k - 1]) * 1000
			# insertion sort: at most a few hundred deltas
			for (a = 1; a < m; a++) { v = d[a]; for (b = a - 1; b >= 0 && d[b] > v; b--) d[b + 1] = d[b]; d[b + 1] = v }
			if (m == 0) { printf "RATE impl=%s interval=%s n=0 min_ms=- median_ms=- max_ms=- field=%s\n", impl, iv, f ? f : "-"; exit }
			med = (m % 2) ? d[int(m / 2)] : (d[m / 2 - 1] + d[m / 2]) / 2
			printf "RATE impl=%s interval=%s n=%d min_ms=%.2f median_ms=%.2f max_ms=%.2f field=%s\n",
				impl, iv, m, d[0], med, d[m - 1], f ? f : "-"
		}' "$LIB_TMP/adverts.txt"
	exit 0
fi

post=$(awk -v v="$(secs 1 3 100)" 'BEGIN { printf "%.3f", v < 2 ? 2 : v }')
# The event comes 0.5 s + PHASE x interval after the probe starts. Without
# it the event would sit at a nearly fixed phase of the master's advert
# schedule (setup takes about the same time every run) and every run would
# measure the same point of the [MDI - interval, MDI] range.
phase=${BENCH_PHASE:-$(awk -v r="$RANDOM" 'BEGIN { printf "%.4f", r / 32768 }')}
lead=$(awk -v p="$phase" -v i="$INT_S" 'BEGIN { printf "%.4f", 0.5 + p * i }')
dur=$(awk -v p="$post" -v l="$lead" 'BEGIN { printf "%.3f", p + l }')

# The wire as the client's port sees it: VRRP and ARP only (not the probe's
# traffic), for the phase-free takeover time. Bounded by time and count.
cnt=$(awk -v d="$dur" -v i="$INT_S" 'BEGIN { printf "%d", 3 * d / i + 200 }')
wire_s=$(awk -v d="$dur" 'BEGIN { printf "%d", d + 5 }')
if [ "$IMPL" = hamgr-hb ]; then
	# -x: the message type and state are in the payload (HB_AWK).
	ip netns exec "$LIB_BR" timeout "$wire_s" \
		tcpdump -i vc -e -nn -tt -l -x -c "$cnt" "udp port $HBPORT or arp" \
		>"$LIB_TMP/wire.txt" 2>"$LIB_TMP/wire.err" &
else
	ip netns exec "$LIB_BR" timeout "$wire_s" \
		tcpdump -i vc -e -nn -tt -l -c "$cnt" 'ip proto 112 or arp' \
		>"$LIB_TMP/wire.txt" 2>"$LIB_TMP/wire.err" &
fi
WIRE=$!
LIB_BG+=("$WIRE")
# The VIP leaving n1 and arriving on n2. ip -ts stamps each event with the
# time ip itself read it (gettimeofday, not a kernel timestamp): a monitor
# scheduled late shifts it, by up to a millisecond on a busy 2-CPU machine.
MON=()
for n in n1 n2; do
	timeout "$wire_s" ip -n "$(lib_ns $n)" -ts monitor address >"$LIB_TMP/addr-$n.txt" 2>&1 &
	MON+=("$!")
done
LIB_BG+=("${MON[@]}")
lib_poll 3 grep -q 'listening on' "$LIB_TMP/wire.err" || lib_fail "tcpdump did not start"

if [ "$SCENARIO" = switch ]; then
	# hactl switchover needs n2 in n1's table of nodes (its announcements,
	# or protocol hamgr's heartbeats once the nonce round trip is done).
	n2_known() {
		lib_exec n1 "$LIB_BUILD/hactl" -s "$LIB_TMP/n1.sock" status --json 2>/dev/null |
			tr -d ' \n' | grep -q '"nodes":\[{"node":"n2"'
	}
	lib_poll 3 n2_known || lib_fail "n1 does not list n2 among its nodes after 3 s"
fi
lib_log_mark n2
lib_probe_start c -r "$RATE" -d "$dur" $VIP $PORT
sleep "$lead"
# n2's transitions to MASTER so far: false takeovers while n1 was healthy.
to_re=$(lib_state_re n2 MASTER)
pre_to=$(grep -cE -- "$to_re" "$LIB_TMP/n2.log")
ev_t=$EPOCHREALTIME
lib_log "event $SCENARIO (phase $phase of the interval)"
if [ "$SCENARIO" = death ]; then
	# Power-off: the cable first (no advert, no answer can leave after
	# this), then the process, so the order cannot leak a priority-0 advert.
	lib_link_cut n1
	lib_daemon_stop n1 KILL
elif [ "$SCENARIO" = switch ]; then
	lib_exec n1 "$LIB_BUILD/hactl" -s "$LIB_TMP/n1.sock" switchover "$INST" --no-wait \
		>"$LIB_TMP/hactl.out" 2>&1 || lib_fail "hactl switchover: $(cat "$LIB_TMP/hactl.out")"
else
	lib_daemon_stop n1 TERM
fi
lib_probe_wait "$(awk -v d="$dur" 'BEGIN { printf "%d", d + 10 }')"
kill -TERM "$WIRE" 2>/dev/null
wait "$WIRE" 2>/dev/null
lib_assert_running n2
lib_has_addr n2 $VIP || lib_log "note: n2 does not hold $VIP at the end"
# Let the monitors flush, then stop them (they are bounded anyway).
sleep 0.1
kill -TERM "${MON[@]}" 2>/dev/null
wait "${MON[@]}" 2>/dev/null

# Wire takeover: from n1's last advert (death) or its priority-0 advert
# (stop) to n2's first advert or gratuitous ARP as master, in ms; the
# time of n2's first gratuitous ARP (epoch s) after it; how n1 let go.
mac2=$(ip -n "$(lib_ns n2)" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
# keepalived's gratuitous ARP shows "who-has 198.51.100.50 (ff:ff:ff:ff:ff:ff) tell".
garp='/who-has 198\.51\.100\.50 (\(ff:ff:ff:ff:ff:ff\) )?tell 198\.51\.100\.50/ || /Reply 198\.51\.100\.50 is-at/'
if [ "$IMPL" = hamgr-hb ]; then
	# n1: any message is its last sign of life (death); its first
	# handover-request (type 2), else its first release (4), is where it
	# lets go (stop, switch). n2: a MASTER heartbeat (1, state 2) or the
	# handover-confirm (3), or a gratuitous ARP. n2 is a backup until the
	# takeover, so on stop and switch its first sign as master counts
	# even before n1 let go: then path is "early" (n2's timer ran out
	# while n1 was releasing) and wire is negative.
	# Only what n2 sends from the event on counts (at 1 ms it may have
	# taken over falsely before, see pre_to).
	read -r wire garp_t path < <(awk -v sc="$SCENARIO" -v mac2="$mac2" -v ev="$ev_t" "$HB_AWK"'
		function hb(t, mac, src, type, state, iv) {
			if (src == "198.51.100.1") {
				if (sc == "death") { if (!newt) ref = t; return }
				if (t < ev) return
				if (type == "02" && !req) req = t
				else if (type == "04" && !rel) rel = t
			} else if (src == "198.51.100.2" && !newt && t >= ev &&
				   (type == "03" || (type == "01" && state == "02"))) {
				newt = t
			}
		}
		function other(l) {
			if ($2 != mac2 || !('"$garp"') || $1 < ev) return
			if (!newt) newt = $1
			if (!gt) gt = $1
		}
		function done() {
			if (sc != "death") {
				if (req) { ref = req; path = "handover" }
				else if (rel) { ref = rel; path = "release" }
				if (ref && newt && newt < ref) path = "early"
			}
			printf "%s %s %s\n", (ref && newt) ? sprintf("%.2f", (newt - ref) * 1000) : "-",
				gt ? gt : "-", path ? path : "-"
		}' "$LIB_TMP/wire.txt")
else
	read -r wire garp_t path < <(awk -v sc="$SCENARIO" -v mac2="$mac2" -v ev="$ev_t" '
	$1 !~ /^[0-9]+\.[0-9]+$/ { next }
	/: 198\.51\.100\.1 > 224\.0\.0\.18: VRRP/ {
		if (newt) next
		if (sc == "death") ref = $1
		else if (/prio 0,/ && !ref) { ref = $1; path = "release" }
		next
	}
	$2 == mac2 && ('"$garp"') && !gt && $1 >= ev { gt = $1 }
	ref && !newt && $2 == mac2 && (/: 198\.51\.100\.2 > 224\.0\.0\.18: VRRP/ || '"$garp"') {
		newt = $1
	}
	END { printf "%s %s %s\n", (ref && newt) ? sprintf("%.2f", (newt - ref) * 1000) : "-",
		gt ? gt : "-", path ? path : "-" }' "$LIB_TMP/wire.txt")
fi
[ "$SCENARIO" = death ] && path=-
lib_log "wire takeover: $wire ms (n1 let go by: $path)"

# ip -ts stamps: [2026-12-01T17:48:11.341358] in local time.
addr_t() { # FILE deleted|added: the first such event of the VIP from the event on, epoch s
	awk -v want="$2" -v vip="$VIP/" -v ev="$ev_t" '
		/^\[[0-9-]+T[0-9:.]+\]/ && index($0, " inet " vip) {
			del = ($2 == "Deleted")
			if ((want == "deleted") != del) next
			s = substr($1, 2, 26); gsub(/[-T:]/, " ", s)
			split(s, a, " "); sec = a[6]
			t = mktime(a[1] " " a[2] " " a[3] " " a[4] " " a[5] " " int(sec)) + sec - int(sec)
			if (t < ev) next
			printf "%.6f", t
			exit
		}' "$1"
}
vipgap=- delgarp=-
if [ "$SCENARIO" != death ]; then
	del_t=$(addr_t "$LIB_TMP/addr-n1.txt" deleted)
	add_t=$(addr_t "$LIB_TMP/addr-n2.txt" added)
	[ -n "$del_t" ] && [ -n "$add_t" ] &&
		vipgap=$(awk -v a="$del_t" -v b="$add_t" 'BEGIN { printf "%.2f", (b - a) * 1000 }')
	[ -n "$del_t" ] && [ "$garp_t" != - ] &&
		delgarp=$(awk -v a="$del_t" -v b="$garp_t" 'BEGIN { printf "%.2f", (b - a) * 1000 }')
	lib_log "n1 VIP deleted at ${del_t:-?}, n2 VIP added at ${add_t:-?}, n2 GARP at $garp_t:" \
		"deletion to addition $vipgap ms, deletion to GARP $delgarp ms"
fi
confirm=$(grep -o 'confirmed the handover after [0-9]* us' "$LIB_TMP/n1.log" 2>/dev/null |
	tail -n 1 | awk '{ print $5 }')
rate=$(awk -v n="$PROBE_sent" -v d="$dur" 'BEGIN { printf "%d", n / d }')
# n2's transitions to MASTER: before the event (false takeovers) and after
# it (1 for a clean takeover, more when it flapped).
all_to=$(grep -cE -- "$to_re" "$LIB_TMP/n2.log")
post_to=$((all_to - pre_to))
[ "$pre_to" -gt 0 ] && lib_log "note: n2 took over $pre_to time(s) before the event:" &&
	grep -E -- "$(lib_state_re n2 '[A-Z]+')" "$LIB_TMP/n2.log" | head -n 6 | sed 's/^/    /'
echo "RESULT impl=$IMPL interval=$INTERVAL scenario=$SCENARIO phase=$phase" \
	"gap_ms=$PROBE_longest_gap_ms switch_ms=$PROBE_switch_ms wire_ms=$wire" \
	"sent=$PROBE_sent answered=$PROBE_answered lost=$PROBE_lost first=$PROBE_first" \
	"last=$PROBE_last switches=$PROBE_switches path=$path vipgap_ms=$vipgap" \
	"delgarp_ms=$delgarp confirm_us=${confirm:--} rate=$rate pre_to=$pre_to post_to=$post_to"
exit 0
