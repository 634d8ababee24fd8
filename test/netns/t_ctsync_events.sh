#!/bin/bash
# t_ctsync_events: conntrack-sync needs the kernel's conntrack events. In a
# namespace of its own with net.netfilter.nf_conntrack_events = 0, hamgr -t
# of a config with a sync section and an instance that uses it passes (the
# setting can change later) but warns, naming the sync section's line and
# the setting; at 2 (the kernel's default) and 1 it says nothing, and
# without an instance that uses the section neither.
. "$(dirname "$0")/lib.sh"
[ "$LIB_IMPL" = hamgr ] || lib_skip "hamgr only"
lib_require_root
lib_require_hamgr
lib_require_tools conntrack

lib_ns_add fw
# the conntrack module (and its sysctl) is there once a table was asked for
lib_exec fw conntrack -C >/dev/null 2>&1
lib_exec fw sysctl -n net.netfilter.nf_conntrack_events >/dev/null 2>&1 ||
	lib_skip "no net.netfilter.nf_conntrack_events"
"$LIB_HAMGR" --genkey >"$LIB_TMP/authkey" || lib_fail "hamgr --genkey"
chmod 600 "$LIB_TMP/authkey"
conf() {
	cat <<-EOF
		node-name = "fw"
		auth-key-file = "$LIB_TMP/authkey"
		control-socket = "$LIB_TMP/fw.sock"
		state-directory = "$LIB_TMP/state"
		instance out {
		    interface = "lo"
		    vrid = 51
		    vips = {"198.51.100.1/24"}
		    conntrack-sync = $1
		}
		sync {
		    interface = "lo"
		    peers = {"192.0.2.3"}
		}
	EOF
}
# check EVENTS SYNC WARN: hamgr -t with nf_conntrack_events at EVENTS and
# conntrack-sync = SYNC exits 0, with the warning (WARN 1) or without (0).
check() {
	local f=$LIB_TMP/fw-$1-$2.conf out rc
	conf "$2" >"$f"
	lib_exec fw sysctl -qw net.netfilter.nf_conntrack_events="$1" ||
		lib_fail "cannot set nf_conntrack_events to $1"
	out=$(lib_exec fw "$LIB_HAMGR" -t -f "$f" 2>&1)
	rc=$?
	lib_log "events $1, conntrack-sync $2: exit $rc: $(tr '\n' ' ' <<<"$out")"
	[ "$rc" = 0 ] || lib_fail "hamgr -t: expected exit 0, seen $rc"
	if [ "$3" = 1 ]; then
		grep -q -- "$f:11: conntrack-sync: the kernel's conntrack events are off (net.netfilter.nf_conntrack_events = 0)" <<<"$out" ||
			lib_fail "no warning naming $f:11 and the setting"
	elif grep -q "nf_conntrack_events" <<<"$out"; then
		lib_fail "a warning where none was due"
	fi
}
check 0 true 1
check 2 true 0
check 1 true 0
check 0 false 0
lib_pass
