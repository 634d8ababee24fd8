#!/bin/bash
# t_hb_tool: hbrogue itself, no daemon (the scenarios t_hb_* rely on it):
# its selftest (every kind against the real decoder and key adapter, the
# valid packet against heartbeat_encode, the capture file both ways); on
# the wire, a rogue spoofing n1's address sends every kind, two captures
# keep what decodes (valid, nokey, wrongkey) and what also verifies (valid
# only), each from n1's address; replayed to a unicast listener the
# capture arrives byte for byte from n1's address; -E echoes the nonce a
# key holder sends, and a capture sees that echo.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
# shellcheck source=test/netns/lib_hb.sh
. "$(dirname "$0")/lib_hb.sh"
hb_require
lib_require_hamgr

lib_bridge
lib_client n1 198.51.100.1
lib_client b 198.51.100.2
lib_client rogue 198.51.100.66
KEY=$(hb_genkey 1)
hb_keys b "$KEY"
hb_keys rogue "$KEY"
hb_keys n1 "$KEY"

# capture NAME ARGS...: in b's namespace in the background.
capture() {
	local name=$1
	shift
	lib_exec b "$LIB_TOOLS/hbrogue" capture -i eth0 "$@" -o "$LIB_TMP/$name.cap" \
		>"$LIB_TMP/$name.out" 2>&1 &
	LIB_BG+=("$!")
	CAP_PIDS+=("$!")
}

capture_wait() {
	local p
	for p in "${CAP_PIDS[@]}"; do
		wait "$p" || true
	done
	CAP_PIDS=()
}

lib_log "--- every kind from a rogue spoofing n1; captures keep what decodes / verifies"
CAP_PIDS=()
capture decodes -N n1 -n 100 -d 3
capture verifies -N n1 -n 100 -d 3 -K "$LIB_TMP/b.authkey"
sleep 0.3
hb_rogue rogue send -i eth0 -s 198.51.100.1 -N n1 -K "$LIB_TMP/rogue.authkey" -k all,valid \
	-r 500 -n 140 -d 2
[ "$HB_RC" = 0 ] || lib_fail "hbrogue send: exit $HB_RC"
lib_assert_eq "sent" 140 "$HB_TOTAL"
for k in valid nokey wrongkey trunc short magic version type field interval length target nonce name; do
	lib_assert_eq "$k sent" 10 "${HB_SENT[$k]:-0}"
done
lib_assert_eq "valid: a receiver says" ok "${HB_REASON[valid]}"
lib_assert_eq "nokey: a receiver says" mac "${HB_REASON[nokey]}"
lib_assert_eq "wrongkey: a receiver says" key "${HB_REASON[wrongkey]}"
lib_assert_eq "trunc: a receiver says" length "${HB_REASON[trunc]}"
for k in short magic version type field interval length target nonce name; do
	[ "${HB_REASON[$k]}" = "$k" ] || lib_fail "$k: a receiver says ${HB_REASON[$k]}"
done
capture_wait
sed 's/^/    /' "$LIB_TMP/decodes.out" | tail -n 2
sed 's/^/    /' "$LIB_TMP/verifies.out" | tail -n 2
lib_assert_eq "captured, decoding" 30 "$(grep -vc '^#' "$LIB_TMP/decodes.cap")"
lib_assert_eq "captured, verifying" 10 "$(grep -vc '^#' "$LIB_TMP/verifies.cap")"
lib_assert_eq "captured from n1's address and port" 10 \
	"$(grep -c '^198\.51\.100\.1 694 ' "$LIB_TMP/verifies.cap")"

lib_log "--- replay to a unicast listener: the same bytes, from n1's address"
capture replayed -U -n 10 -d 3
sleep 0.3
hb_rogue rogue replay -i eth0 -f "$LIB_TMP/verifies.cap" -A -D 198.51.100.2 -r 100 -n 10
[ "$HB_RC" = 0 ] || lib_fail "hbrogue replay: exit $HB_RC"
capture_wait
diff <(grep -v '^#' "$LIB_TMP/verifies.cap") <(grep -v '^#' "$LIB_TMP/replayed.cap") ||
	lib_fail "the replayed datagrams differ from the capture"
lib_log "10 datagrams replayed byte for byte from 198.51.100.1"

lib_log "--- -E: the rogue echoes the nonce of a key holder"
lib_exec n1 "$LIB_TOOLS/hbrogue" send -i eth0 -N n1 -K "$LIB_TMP/n1.authkey" -C 0x5eed \
	-r 100 -n 300 -d 3 -q >/dev/null 2>&1 &
LIB_BG+=("$!")
capture echo -N rogue -n 5 -d 3 -K "$LIB_TMP/b.authkey"
sleep 0.3
hb_rogue rogue send -i eth0 -N rogue -K "$LIB_TMP/rogue.authkey" -k valid -E -r 50 -n 50 -d 2
capture_wait
grep -q 'challenges answered: 1' "$LIB_TMP/hbrogue.out" || lib_fail "hbrogue -E saw no challenge"
grep -q 'echo=0000000000005eed' "$LIB_TMP/echo.out" || {
	cat "$LIB_TMP/echo.out"
	lib_fail "the rogue's heartbeats do not echo n1's nonce"
}
lib_log "the rogue echoes n1's nonce 0x5eed"
lib_pass
