#!/bin/bash
# t_hactl: hactl against a live two-node cluster (n1 priority 200 master,
# n2 priority 100 backup): usage errors exit 2 and a missing socket exits 3
# with "hamgr is not running"; status (human and --json) matches reality:
# the VIP on the master's interface per `ip addr`, absent on the backup,
# the master's priority as the backup sees it; metrics pass a strict
# exposition format check and agree with the status; log shows the
# transitions; an unprivileged user can read status but not switch over,
# standby or reload, and one outside the socket's group cannot connect at
# all; reload with a broken config exits 1 with the file:line error and
# keeps the running config; after the daemon stops, hactl says it is not
# running.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_metrics.sh
. "$(dirname "$0")/lib_metrics.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq setpriv
HACTL=${HACTL:-$LIB_BUILD/hactl}
[ -x "$HACTL" ] || lib_skip "$HACTL not built (make build/hactl)"
VIP=198.51.100.50
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# The unprivileged user must reach the sockets and run hactl: sockets in
# a directory others may traverse, and a copy of hactl there.
d=$LIB_TMP
while [ "$d" != / ] && [ "$d" != /tmp ]; do
	chmod o+x "$d"
	d=$(dirname "$d")
done
CTL=$LIB_TMP/ctl
mkdir -p "$CTL"
chmod 755 "$CTL"
cp "$HACTL" "$CTL/hactl"
chmod 755 "$CTL/hactl"
HACTL=$CTL/hactl

# hactl NODE ARGS...: run hactl in NODE's namespace against its socket;
# stdout in $LIB_TMP/out, stderr in $LIB_TMP/err, exit status in RC.
hactl() {
	local n=$1
	shift
	lib_exec "$n" "$HACTL" -s "$CTL/$n.sock" "$@" >"$LIB_TMP/out" 2>"$LIB_TMP/err"
	RC=$?
}

# Like hactl, as user nobody (uid and gid 65534, no other groups).
hactl_nobody() {
	local n=$1
	shift
	lib_exec "$n" "${NOBODY[@]}" "$HACTL" -s "$CTL/$n.sock" "$@" >"$LIB_TMP/out" 2>"$LIB_TMP/err"
	RC=$?
}

expect_rc() {
	[ "$RC" = "$1" ] || {
		sed 's/^/    stdout: /' "$LIB_TMP/out" | head -n 20
		sed 's/^/    stderr: /' "$LIB_TMP/err" | head -n 20
		lib_fail "$2: exit $RC, expected $1"
	}
}

expect_err() {
	grep -Eq -- "$1" "$LIB_TMP/err" ||
		lib_fail "$2: stderr does not match /$1/: $(cat "$LIB_TMP/err")"
	lib_log "$2: exit $RC, $(head -n 1 "$LIB_TMP/err")"
}

# jq FILTER over the last --json output; fails on a parse error.
jqo() {
	jq -r "$1" "$LIB_TMP/out" || lib_fail "jq '$1' failed on: $(head -c 300 "$LIB_TMP/out")"
}

lib_log "--- usage errors (exit 2) and no daemon (exit 3)"
for args in "" "bogus" "status a b" "log -n 0" "log -n x" "switchover" "standby" \
	"status --bogus" "-x status"; do
	# shellcheck disable=SC2086 # one word per argument
	"$HACTL" $args >"$LIB_TMP/out" 2>"$LIB_TMP/err"
	RC=$?
	expect_rc 2 "hactl $args"
	[ -s "$LIB_TMP/err" ] || lib_fail "hactl $args: no message on stderr"
	[ -s "$LIB_TMP/out" ] && lib_fail "hactl $args: usage error printed to stdout"
done
lib_log "usage errors: exit 2 with a message on stderr"
"$HACTL" -s "$CTL/none.sock" status >"$LIB_TMP/out" 2>"$LIB_TMP/err"
RC=$?
expect_rc 3 "hactl against a missing socket"
expect_err "^hactl: hamgr is not running \(no socket at $CTL/none.sock\)$" "missing socket"
HAMGR_SOCKET=$CTL/none.sock "$HACTL" status >"$LIB_TMP/out" 2>"$LIB_TMP/err"
RC=$?
expect_rc 3 "HAMGR_SOCKET to a missing socket"
expect_err "no socket at $CTL/none.sock" "HAMGR_SOCKET"
"$HACTL" --version >"$LIB_TMP/out" 2>&1 || lib_fail "hactl --version failed"
grep -q '^hactl [0-9]' "$LIB_TMP/out" || lib_fail "hactl --version: $(cat "$LIB_TMP/out")"

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

# n1's socket is open to group nogroup; n2's keeps the default (root's
# group), so nobody cannot even connect to it.
lib_vrrp_conf n1 prio=200
N1_CONF="control-socket = \"$CTL/n1.sock\"
control-group = \"nogroup\"
state-directory = \"$LIB_TMP/n1.state\"
$LIB_CONF_TEXT"
lib_vrrp_conf n2 prio=100
N2_CONF="control-socket = \"$CTL/n2.sock\"
state-directory = \"$LIB_TMP/n2.state\"
$LIB_CONF_TEXT"
lib_hamgr_start n1 "$N1_CONF"
lib_hamgr_start n2 "$N2_CONF"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
sleep 0.5       # a few adverts for n2 to measure

lib_log "--- the socket: mode 0660, root, the configured group"
lib_assert_eq "n1's socket" "srw-rw---- root nogroup" \
	"$(stat -c '%A %U %G' "$CTL/n1.sock")"
lib_assert_eq "n2's socket" "srw-rw---- root root" "$(stat -c '%A %U %G' "$CTL/n2.sock")"

lib_log "--- status --json matches reality"
hactl n1 status --json
expect_rc 0 "n1 status --json"
lib_assert_eq "n1 node" n1 "$(jqo .node)"
lib_assert_eq "n1 pid" "${LIB_PID[n1]}" "$(jqo .pid)"
lib_assert_eq "n1 web state" MASTER "$(jqo '.instances[] | select(.name == "web") | .state')"
lib_assert_eq "n1 master is self" true "$(jqo '.instances[0].master.self')"
lib_assert_eq "n1 priority/effective" "200/200" \
	"$(jqo '.instances[0] | "\(.priority)/\(.effective_priority)"')"
lib_assert_eq "n1 vrid, interface, protocol" "51 eth0 vrrp3" \
	"$(jqo '.instances[0] | "\(.vrid) \(.interface) \(.protocol)"')"
lib_assert_eq "n1 VIP" "$VIP/24" "$(jqo '.instances[0].vips[0].address')"
lib_has_addr n1 $VIP || lib_fail "n1 does not hold $VIP"
lib_assert_eq "n1 VIP present (ip addr: present)" true "$(jqo '.instances[0].vips[0].present')"
lib_assert_eq "n1 master_down_interval_ms is a short decimal" ok \
	"$(jq -r '.instances[0].master_down_interval_ms | tostring | if test("^[0-9]+(\\.[0-9])?$") then "ok" else . end' "$LIB_TMP/out")"
hactl n2 status --json
expect_rc 0 "n2 status --json"
lib_assert_eq "n2 web state" BACKUP "$(jqo '.instances[0].state')"
lib_has_addr n2 $VIP && lib_fail "n2 holds $VIP"
lib_assert_eq "n2 VIP present (ip addr: absent)" false "$(jqo '.instances[0].vips[0].present')"
lib_assert_eq "n2's master" "198.51.100.1 200 false" \
	"$(jqo '.instances[0].master | "\(.address) \(.priority) \(.self)"')"
lib_assert_eq "n2's peer n1 and its priority" "198.51.100.1 200" \
	"$(jqo '.instances[0].peers[] | select(.address == "198.51.100.1") | "\(.address) \(.priority)"')"
lib_assert_le "n2: age of n1's last advert (ms)" "$(jqo '.instances[0].peers[0].last_seen_ms')" 500
lib_assert_ge "n2: adverts received" "$(jqo '.instances[0].counters.adverts_received')" 3
lib_assert_ge "n2: transitions" "$(jqo '.instances[0].transitions')" 1
[ -n "$(jqo '.instances[0].reason')" ] || lib_fail "n2: empty reason"
hactl n2 status --json nosuch
expect_rc 1 "status of an unknown instance"
expect_err 'no instance named "nosuch"' "unknown instance"

lib_log "--- status, human output: fits 100 columns, says what is what"
hactl n1 status
expect_rc 0 "n1 status"
sed 's/^/    /' "$LIB_TMP/out"
wide=$(awk 'length > 100' "$LIB_TMP/out")
[ -z "$wide" ] || lib_fail "status lines wider than 100 columns: $wide"
grep -Eq '^web +MASTER +200/200 +51 +eth0 +vrrp3 +100ms +[0-9a-z.]+ +[0-9]+ self$' "$LIB_TMP/out" ||
	lib_fail "n1 status: no table row for web as MASTER"
grep -q "^  vip  *$VIP/24 present$" "$LIB_TMP/out" || lib_fail "n1 status: VIP not shown present"
hactl n2 status web
expect_rc 0 "n2 status web"
sed 's/^/    /' "$LIB_TMP/out"
grep -Eq '^web +BACKUP +100/100 .* 198\.51\.100\.1$' "$LIB_TMP/out" ||
	lib_fail "n2 status: no row for web as BACKUP with master 198.51.100.1"
grep -Eq '^  peer +198\.51\.100\.1 priority 200, seen [0-9.]+ms ago' "$LIB_TMP/out" ||
	lib_fail "n2 status: peer n1 with priority 200 not shown"
grep -q "^  vip  *$VIP/24 absent$" "$LIB_TMP/out" || lib_fail "n2 status: VIP not shown absent"
grep -Eq '^  reason +[a-z]' "$LIB_TMP/out" || lib_fail "n2 status: no reason line"

lib_log "--- metrics"
hactl n1 metrics
expect_rc 0 "n1 metrics"
cp "$LIB_TMP/out" "$LIB_TMP/metrics"
check_exposition "$LIB_TMP/metrics"
lib_assert_eq "n1 state MASTER gauge" 1 "$(metric 'hamgr_instance_state{instance="web",state="MASTER"}')"
lib_assert_eq "n1 state BACKUP gauge" 0 "$(metric 'hamgr_instance_state{instance="web",state="BACKUP"}')"
lib_assert_eq "n1 VIP present gauge" 1 "$(metric "hamgr_vip_present{instance=\"web\",address=\"$VIP/24\"}")"
lib_assert_eq "n1 priority gauge" 200 "$(metric 'hamgr_priority{instance="web"}')"
lib_assert_eq "n1 checksum drops" 0 "$(metric 'hamgr_advert_drops_total{instance="web",reason="checksum"}')"
lib_assert_ge "n1 adverts sent" "$(metric 'hamgr_adverts_sent_total{instance="web"}')" 5
for fam in hamgr_adverts_received_total hamgr_transitions_total hamgr_time_in_state_seconds \
	hamgr_effective_priority; do
	grep -q "^$fam{instance=\"web\"} " "$LIB_TMP/metrics" || lib_fail "metrics: no $fam for web"
done
hactl n2 metrics
expect_rc 0 "n2 metrics"
cp "$LIB_TMP/out" "$LIB_TMP/metrics"
check_exposition "$LIB_TMP/metrics"
lib_assert_eq "n2 state BACKUP gauge" 1 "$(metric 'hamgr_instance_state{instance="web",state="BACKUP"}')"
lib_assert_eq "n2 VIP present gauge" 0 "$(metric "hamgr_vip_present{instance=\"web\",address=\"$VIP/24\"}")"
lib_assert_eq "n2 sees n1 priority" 200 "$(metric 'hamgr_peer_priority{instance="web",peer="198.51.100.1"}')"

lib_log "--- log"
hactl n1 log
expect_rc 0 "n1 log"
sed 's/^/    /' "$LIB_TMP/out"
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z web [A-Z]+ -> MASTER: .+' "$LIB_TMP/out" ||
	lib_fail "n1 log: no transition to MASTER"
hactl n1 log -n 1 --json
expect_rc 0 "n1 log -n 1 --json"
lib_assert_eq "log -n 1: events" 1 "$(jqo '.events | length')"

lib_log "--- an unprivileged user (nobody, group nogroup) reads, but changes nothing"
hactl_nobody n1 status
expect_rc 0 "nobody: status"
grep -q '^web  *MASTER' "$LIB_TMP/out" || lib_fail "nobody: status shows no MASTER row"
hactl_nobody n1 metrics
expect_rc 0 "nobody: metrics"
hactl_nobody n1 log
expect_rc 0 "nobody: log"
hactl_nobody n1 switchover web
expect_rc 1 "nobody: switchover"
expect_err '^hactl: switchover needs root or CAP_NET_ADMIN \(peer uid 65534\)$' "nobody: switchover"
hactl_nobody n1 standby web
expect_rc 1 "nobody: standby"
expect_err 'standby needs root or CAP_NET_ADMIN' "nobody: standby"
hactl_nobody n1 reload
expect_rc 1 "nobody: reload"
expect_err 'reload needs root or CAP_NET_ADMIN' "nobody: reload"
sleep 0.5
lib_assert_holders $VIP n1
hactl n1 status --json
lib_assert_eq "n1 after refused commands" "MASTER false" \
	"$(jqo '.instances[0] | "\(.state) \(.standby)"')"
lib_assert_log n1 'refused switchover from uid 65534'
hactl_nobody n2 status
expect_rc 3 "nobody on a root-group socket"
expect_err "^hactl: cannot connect to $CTL/n2.sock: Permission denied$" "nobody, root-group socket"

lib_log "--- reload: a broken config is refused with file:line, the running one kept"
lib_log_mark n1
cp "$LIB_TMP/n1.conf" "$LIB_TMP/n1.conf.good"
lib_hamgr_write_conf n1 "control-socket = \"$CTL/n1.sock\"
instance web {
    interface = \"eth0\"
    vrid = 300
}"
hactl n1 reload
expect_rc 1 "reload of a broken config"
expect_err "$LIB_TMP/n1.conf:[0-9]+:" "broken reload"
lib_assert_running n1
hactl n1 status --json
expect_rc 0 "status after the refused reload"
lib_assert_eq "n1 after the refused reload" "MASTER 51 200" \
	"$(jqo '.instances[0] | "\(.state) \(.vrid) \(.priority)"')"
lib_assert_holders $VIP n1
cp "$LIB_TMP/n1.conf.good" "$LIB_TMP/n1.conf"
hactl n1 reload
expect_rc 0 "reload of the good config"
grep -q 'reloaded' "$LIB_TMP/out" || lib_fail "reload: no confirmation: $(cat "$LIB_TMP/out")"
lib_assert_nolog n1 "$(lib_state_re n1 '[A-Z]+')"
lib_assert_holders $VIP n1

lib_log "--- reload that moves the socket: answered on the old one, served on the new"
sed "s|$CTL/n1.sock|$CTL/n1b.sock|" "$LIB_TMP/n1.conf.good" >"$LIB_TMP/n1.conf"
hactl n1 reload
expect_rc 0 "reload to a new socket path"
[ -e "$CTL/n1.sock" ] && lib_fail "the old socket $CTL/n1.sock is still there"
lib_exec n1 "$HACTL" -s "$CTL/n1b.sock" status >"$LIB_TMP/out" 2>"$LIB_TMP/err"
RC=$?
expect_rc 0 "status on the new socket"
lib_log "--- reload that changes only the group: same path, new group"
grep -v control-group "$LIB_TMP/n1.conf" >"$LIB_TMP/n1.conf.new"
mv "$LIB_TMP/n1.conf.new" "$LIB_TMP/n1.conf"
lib_exec n1 "$HACTL" -s "$CTL/n1b.sock" reload >"$LIB_TMP/out" 2>"$LIB_TMP/err"
RC=$?
expect_rc 0 "reload with another group"
lib_assert_eq "n1's socket after the group change" "srw-rw---- root root" \
	"$(stat -c '%A %U %G' "$CTL/n1b.sock")"
cp "$LIB_TMP/n1.conf.good" "$LIB_TMP/n1.conf"
lib_exec n1 "$HACTL" -s "$CTL/n1b.sock" reload >"$LIB_TMP/out" 2>"$LIB_TMP/err"
RC=$?
expect_rc 0 "reload back to the first socket"
hactl n1 status
expect_rc 0 "status on the first socket again"
lib_assert_running n1
lib_assert_holders $VIP n1

lib_log "--- after the daemon stops: not running, exit 3"
lib_hamgr_stop n2
lib_assert_eq "n2's exit status" 0 "$LIB_EXIT"
# n1 went through every control path (its socket moved twice): a clean
# exit also means no leak in ASan builds.
lib_hamgr_stop n1
lib_assert_eq "n1's exit status" 0 "$LIB_EXIT"
hactl n2 status
expect_rc 3 "status of a stopped hamgr"
expect_err "^hactl: hamgr is not running \(no socket at $CTL/n2.sock\)$" "stopped hamgr"
lib_pass
