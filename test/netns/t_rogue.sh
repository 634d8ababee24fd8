#!/bin/bash
# t_rogue: a rogue on the segment floods malformed adverts, one defect per
# packet and every rejection kind (version, type, TTL 64, checksum, length,
# count 0 and 255 with 33 addresses, interval 0 and 4095 cs, VRID 0, an
# unknown VRID, short),
# priority 255 and 0 in turn, from its own address and spoofing both nodes,
# at ~1000 packets/s. Nothing moves: one holder throughout, always the
# master; no transition on either node; the wire errors are logged rate-
# limited. Then the master dies during a flood spoofing it: the backup
# still takes over on time (bad packets never re-arm its timer nor stretch
# Master_Down_Interval). Finally the same tool's valid packets do move the
# VIP: the defects, not the tool, were the reason for the rejections.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_bin rogue
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_client rogue 198.51.100.66

lib_vrrp_start n1 prio=200
lib_vrrp_start n2 prio=100
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3

lib_log "--- flood: every defect, 1000 packets/s for 3 s"
lib_log_mark n1
lib_log_mark n2
lib_sampler_start $VIP 30
lib_exec rogue "$LIB_TOOLS/rogue" -i eth0 -s 198.51.100.66 -s 198.51.100.1 -s 198.51.100.2 \
	-k all -r 1000 -n 3000 -d 4 | sed 's/^/    /'
sleep 0.5
lib_sampler_check none_ok=0
lib_assert_eq "holders during the flood" n1 "$LIB_SAMPLED_HOLDERS"
lib_assert_holders $VIP n1
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_nolog n2 "$(lib_state_re n2 '[A-Z]+')"
lib_assert_running n1
lib_assert_running n2
for n in n1 n2; do
	lines=$(lib_log_since_mark $n | wc -l)
	lib_log "$n logged $lines lines during the flood; a sample:"
	lib_log_since_mark $n | grep -Evi 'advert (sent|received)' | head -n 8 | sed 's/^/    /'
	if lib_is_hamgr $n; then
		lib_assert_log $n 'drop|reject|invalid'
		lib_assert_le "$n's log lines during 3000 bad packets (rate-limited)" "$lines" 600
	fi
done

lib_log "--- n1 dies during a flood spoofing it: n2 takes over on time"
lib_log_mark n2
lib_exec rogue "$LIB_TOOLS/rogue" -i eth0 -s 198.51.100.1 -k all -r 1000 -n 5000 -d 5 \
	>"$LIB_TMP/rogue2.out" 2>&1 &
rogue=$!
sleep 0.5
t0=$(lib_now_ms)
lib_daemon_stop n1 KILL
lib_link_cut n1
lib_wait_vip n2 $VIP 4
took=$(($(lib_now_ms) - t0))
lib_log "n2 holds the VIP $took ms after the kill (flood still on)"
wait $rogue
sed 's/^/    /' "$LIB_TMP/rogue2.out"
# Master_Down_Interval = 361 ms; a learnt 4095 cs interval would be 123 s.
lib_assert_le "takeover ms under the flood" "$took" 2000
sleep 0.5
lib_assert_no_state n2 BACKUP
lib_assert_running n2

lib_log "--- control: valid adverts (priority 255) from the rogue make n2 step down"
lib_log_mark n2
lib_exec rogue "$LIB_TOOLS/rogue" -i eth0 -s 198.51.100.66 -k valid -p 255 -r 50 -n 50 -d 2 -q
lib_wait_state n2 BACKUP 2
lib_wait_novip n2 $VIP 2
lib_pass
