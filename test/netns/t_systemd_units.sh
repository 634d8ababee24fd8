#!/bin/bash
# t_systemd_units: the system-service backend of resource-scripts/apache
# and resource-scripts/haproxy (unit=: systemctl start, reload, stop,
# is-active, show -p MainPID) against Debian's real apache2.service and
# haproxy.service, under a real systemd as PID 1. This machine's init
# need not be systemd: the scenario boots this machine's own root in a
# systemd-nspawn container
#   - the root file system seen through an overlay whose upper layer is a
#     tmpfs in a private mount namespace (nothing written reaches the
#     host's files; everything vanishes with the namespace), booted to
#     basic.target (so neither apache2 nor haproxy runs at first), with
#     --private-network (loopback only: nothing touches the host's
#     interfaces, nothing is sent from the root network namespace);
#   - in a cgroup of its own, removed on exit; killed on exit (SIGKILL
#     to its PID 1: it holds nothing worth a clean halt), and bounded by
#     `timeout` besides;
#   - the scripts run inside it through nsenter, as hamgr runs them
#     (action as the argument, HAMGR_PARAM_unit=..., HAMGR_ACTION ...).
# apache, unit=apache2.service:
#   - start (standby role): exit 0, the unit stays inactive;
#   - promote: exit 0, the unit active, the status URL answers;
#   - monitor: 0, and 8 with HAMGR_STATE=MASTER;
#   - reload and a second promote: exit 0, graceful (one more "graceful
#     restart" in Apache's error log each), MainPID unchanged;
#   - a broken config: reload fails, Apache keeps running (same MainPID),
#     monitor 8;
#   - demote: exit 0, inactive; monitor 7; stop twice: 0 and 0;
#   - always_running=yes start: active; stop: inactive;
#   - a unit that does not exist: promote exits 1 (the check can fail).
# haproxy, unit=haproxy.service:
#   - start (standby): inactive; always_running=yes start: active;
#   - monitor 0 and 8; reload: exit 0, MainPID (the master) unchanged,
#     a new worker pid; promote while running: a reload, MainPID kept;
#   - a broken config: reload exits 6, master and worker unchanged;
#   - stop: inactive; monitor 7; stop again: 0.
# Skips (77) without systemd-nspawn (Debian package systemd-container),
# overlayfs, a name=systemd or cgroup2 hierarchy, or the two units.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_tools systemd-nspawn nsenter unshare timeout systemctl curl socat \
	/usr/sbin/apache2 /usr/sbin/haproxy
[ -x /lib/systemd/systemd ] || lib_skip "no /lib/systemd/systemd (Debian package systemd)"
for u in apache2.service haproxy.service; do
	[ -f "/lib/systemd/system/$u" ] || lib_skip "no /lib/systemd/system/$u"
done
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || lib_skip "no overlayfs in this kernel"
case $LIB_ROOT in
*[[:space:]:]*) lib_skip "repository path with white space or a colon: $LIB_ROOT" ;;
esac

MACHINE=${LIB_PREFIX}sd
SD=$LIB_TMP/sd
SCRIPTS=/usr/local/lib/hm-test-scripts    # inside the container
BOOT_LIMIT=90                             # seconds the container may live
mkdir -p "$SD/mnt"

# The cgroup hierarchies the container is placed in: nspawn --keep-unit
# puts it below the cgroup it is started in (no systemd to ask here).
CGS=()
case $(stat -fc %T /sys/fs/cgroup 2>/dev/null) in
cgroup2fs) CGS=("/sys/fs/cgroup/$MACHINE") ;;
tmpfs)
	[ -f /sys/fs/cgroup/systemd/cgroup.procs ] ||
		lib_skip "no name=systemd cgroup hierarchy at /sys/fs/cgroup/systemd"
	CGS=("/sys/fs/cgroup/systemd/$MACHINE")
	[ -f /sys/fs/cgroup/unified/cgroup.procs ] && CGS+=("/sys/fs/cgroup/unified/$MACHINE")
	;;
*) lib_skip "no cgroup file system at /sys/fs/cgroup" ;;
esac

SD_PID=""       # timeout wrapping systemd-nspawn (host pid)
SD_LEADER=""    # the container's systemd (host pid)

# End the container: SIGTERM to nspawn, which kills its PID 1 with
# SIGKILL (--kill-signal: nothing in it is worth a clean halt, and a halt
# SIGSTOPs every process in it, nsenter's children too: an nsenter then
# stops itself and its child's zombie holds the halt up for 90 s); the
# kernel then kills everything in the container's pid namespace, and the
# private mount namespace goes with its last process. SIGKILL to both
# after 5 s; then the cgroups are removed. Then lib.sh's cleanup, exit
# status kept.
# shellcheck disable=SC2317 # the EXIT trap
sd_cleanup() {
	local rc=$? i cg
	if [ -n "$SD_PID" ]; then
		kill -TERM "$SD_PID" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 "$SD_PID" 2>/dev/null ||
				{ [ -n "$SD_LEADER" ] && kill -0 "$SD_LEADER" 2>/dev/null; } || break
			sleep 0.1
		done
		if [ -n "$SD_LEADER" ] && kill -0 "$SD_LEADER" 2>/dev/null; then
			lib_log "container's systemd still there 5 s after SIGTERM to nspawn: killed"
			kill -KILL "$SD_LEADER" 2>/dev/null
		fi
		kill -KILL "$SD_PID" 2>/dev/null
		wait "$SD_PID" 2>/dev/null
	fi
	for cg in "${CGS[@]}"; do
		[ -d "$cg" ] || continue
		for ((i = 0; i < 50; i++)); do
			find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$cg" ] || break
			sleep 0.1
		done
		[ -d "$cg" ] && echo "cgroup $cg left behind"
	done
	(exit "$rc")
	lib_cleanup
}
trap sd_cleanup EXIT

# Run a command inside the container (its mount, pid, network, uts, ipc
# and cgroup namespaces, its root).
in_ct() {
	timeout -k 5 60 nsenter -t "$SD_LEADER" -m -u -i -n -p -C -r -w "$@"
}

# The launcher, in a private mount namespace: a tmpfs with the overlay's
# upper and work directories, the overlay of / (this machine's root file
# system, not what is mounted on it), a tmpfs over /run so nspawn's own
# state does not land on a disk /run, the cgroups, then nspawn.
# shellcheck disable=SC2317 # run by unshare through declare -f
launcher() {
	set -e
	local m=$SD/mnt cg
	mount -t tmpfs -o mode=0755,size=1g hm-sd "$m"
	mkdir -p "$m/upper" "$m/work" "$m/root"
	mount -t overlay hm-sd -o "lowerdir=/,upperdir=$m/upper,workdir=$m/work" "$m/root"
	mount -t tmpfs -o mode=0755 hm-sd-run /run
	for cg in "${CGS[@]}"; do
		mkdir -p "$cg"
		echo $$ >"$cg/cgroup.procs"
	done
	exec timeout -k 5 "$BOOT_LIMIT" systemd-nspawn -q -D "$m/root" \
		--machine="$MACHINE" --register=no --keep-unit --link-journal=no \
		--private-network --console=read-only --kill-signal=SIGKILL \
		--bind-ro="$LIB_ROOT/resource-scripts:$SCRIPTS" \
		-b -- --unit=basic.target
}

lib_log "booting this machine's root in a container ($MACHINE, private network)"
# A session of its own: a signal to the scenario's process group (run.sh's
# timeout) leaves the container to sd_cleanup, and a scenario killed
# outright (SIGKILL, no trap) still leaves it to timeout's BOOT_LIMIT.
export SD CGS_LIST="${CGS[*]}" MACHINE LIB_ROOT SCRIPTS BOOT_LIMIT
setsid unshare -m --propagation private bash -c "$(declare -f launcher); CGS=(\$CGS_LIST); launcher" \
	</dev/null >"$SD/console.log" 2>&1 &
SD_PID=$!

# nspawn is the child of timeout (the launcher became timeout), the
# container's systemd the child of nspawn.
# shellcheck disable=SC2317 # called through lib_poll
sd_leader() {
	local np
	np=$(pgrep -P "$SD_PID" -x systemd-nspawn) || return 1
	SD_LEADER=$(pgrep -P "$np" -x systemd) || return 1
	[ -n "$SD_LEADER" ]
}
sd_alive() {
	kill -0 "$SD_PID" 2>/dev/null
}
lib_poll 20 sd_leader || {
	sd_alive || lib_log "nspawn exited: $(tail -n 5 "$SD/console.log")"
	lib_fail "no systemd in the container after 20 s"
}
lib_log "container systemd: host pid $SD_LEADER"

# Boot: the manager answers (its private socket is there), then
# is-system-running --wait returns once the boot job is done.
# shellcheck disable=SC2317 # called through lib_poll
sd_answers() {
	in_ct test -S /run/systemd/private
}
lib_poll 20 sd_answers || lib_fail "the container's systemd does not answer after 20 s"
boot=$(in_ct timeout 40 systemctl is-system-running --wait 2>&1)
lib_log "container boot: $boot"
case $boot in
running | degraded) ;;
*)
	tail -n 20 "$SD/console.log"
	lib_fail "container did not boot to basic.target: '$boot'"
	;;
esac
[ "$boot" = degraded ] && in_ct systemctl --no-pager --failed
lib_assert_eq "container PID 1" systemd "$(in_ct cat /proc/1/comm)"
lib_assert_eq "container network interfaces" lo \
	"$(in_ct ip -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ' | sed 's/ $//')"

# ct_script SCRIPT ACTION [NAME=VALUE ...]: run a resource script in the
# container as hamgr does (NAME=VALUE: HAMGR_* environment); its output
# in $SD/scripts.log; prints the exit status.
ct_script() {
	local s=$1 a=$2 rc
	shift 2
	{
		echo "--- $s $a $*"
		in_ct env HAMGR_ACTION="$a" HAMGR_INSTANCE=web HAMGR_RESOURCE="$s" \
			HAMGR_NODE="$MACHINE" "$@" "$SCRIPTS/$s" "$a" 2>&1
		rc=$?
		echo "--- exit $rc"
	} >>"$SD/scripts.log"
	echo "$rc"
}

# expect WHAT RC SCRIPT ACTION [NAME=VALUE ...]
expect() {
	local what=$1 want=$2 rc
	shift 2
	rc=$(ct_script "$@")
	[ "$rc" = "$want" ] || {
		tail -n 15 "$SD/scripts.log"
		lib_fail "$what: expected exit $want, seen $rc"
	}
	lib_log "$what: exit $rc (as expected)"
}

active() {
	in_ct systemctl is-active "$1" 2>/dev/null
}
main_pid() {
	in_ct systemctl show -p MainPID --value "$1"
}
# Apache's graceful restarts so far (its error log in the container).
gracefuls() {
	in_ct sh -c 'cat /var/log/apache2/error.log 2>/dev/null | grep -c "Graceful restart requested\|SIGUSR1 received"'
}
# HAProxy's current workers (the master socket of Debian's unit).
hap_workers() {
	in_ct sh -c 'echo "show proc" | socat -t 2 - UNIX-CONNECT:/run/haproxy-master.sock' |
		awk '/^# workers/ { w = 1; next } /^#/ { w = 0; next }
			w && $2 == "worker" { printf "%s%s", sep, $1; sep = " " }'
}

# ------------------------------------------------------------- apache
A=HAMGR_PARAM_unit=apache2.service
lib_log "--- apache, unit=apache2.service"
lib_assert_eq "apache2 before the test" inactive "$(active apache2.service)"
expect "apache start (standby)" 0 apache start $A
lib_assert_eq "apache2 after a standby start" inactive "$(active apache2.service)"
expect "apache monitor, stopped" 7 apache monitor $A
expect "apache promote" 0 apache promote $A HAMGR_STATE=MASTER
lib_assert_eq "apache2 after promote" active "$(active apache2.service)"
pid=$(main_pid apache2.service)
case $pid in '' | 0) lib_fail "apache2 MainPID: '$pid'" ;; esac
lib_assert_eq "MainPID is apache2" apache2 "$(in_ct cat "/proc/$pid/comm")"
in_ct curl -sf --max-time 5 'http://127.0.0.1/server-status?auto' | grep -q '^ServerUptime' ||
	lib_fail "apache2's status URL does not answer in the container"
expect "apache monitor, running" 0 apache monitor $A
expect "apache monitor, running, master" 8 apache monitor $A HAMGR_STATE=MASTER
g0=$(gracefuls)
expect "apache reload" 0 apache reload $A
lib_assert_eq "apache2 MainPID after reload" "$pid" "$(main_pid apache2.service)"
lib_assert_eq "graceful restarts in apache2's error log after reload" $((g0 + 1)) "$(gracefuls)"
expect "apache promote, running" 0 apache promote $A HAMGR_STATE=MASTER
lib_assert_eq "apache2 MainPID after a second promote" "$pid" "$(main_pid apache2.service)"
lib_assert_eq "graceful restarts after a second promote" $((g0 + 2)) "$(gracefuls)"
expect "apache monitor after the graceful restarts" 8 apache monitor $A HAMGR_STATE=MASTER
# A broken config never takes the running Apache down: the unit's reload
# (apachectl graceful) tests it first. (On this path the failure is
# systemctl's: exit 1, not the 6 of the instance path's own configtest.)
in_ct cp -p /etc/apache2/apache2.conf /etc/apache2/apache2.conf.hm-good
in_ct sh -c 'echo "HmBrokenDirective on" >>/etc/apache2/apache2.conf'
rc=$(ct_script apache reload $A)
[ "$rc" != 0 ] || lib_fail "apache reload with a broken config: exit 0"
lib_log "apache reload with a broken config: exit $rc (a failure, as expected)"
lib_assert_eq "apache2 after a reload with a broken config" active "$(active apache2.service)"
lib_assert_eq "apache2 MainPID after a reload with a broken config" "$pid" "$(main_pid apache2.service)"
expect "apache monitor with a broken config" 8 apache monitor $A HAMGR_STATE=MASTER
in_ct mv /etc/apache2/apache2.conf.hm-good /etc/apache2/apache2.conf
expect "apache demote" 0 apache demote $A
lib_assert_eq "apache2 after demote" inactive "$(active apache2.service)"
expect "apache monitor after demote" 7 apache monitor $A
expect "apache stop, stopped" 0 apache stop $A
expect "apache stop again" 0 apache stop $A
expect "apache start, always_running=yes" 0 apache start $A HAMGR_PARAM_always_running=yes
lib_assert_eq "apache2 after start (always_running)" active "$(active apache2.service)"
expect "apache stop" 0 apache stop $A
lib_assert_eq "apache2 after stop" inactive "$(active apache2.service)"
expect "apache stop again" 0 apache stop $A
expect "apache monitor after stop" 7 apache monitor $A HAMGR_STATE=MASTER
# The check can fail: a unit systemd does not know.
expect "apache promote, unit=hm-nosuch.service" 1 apache promote \
	HAMGR_PARAM_unit=hm-nosuch.service

# ------------------------------------------------------------ haproxy
H=HAMGR_PARAM_unit=haproxy.service
lib_log "--- haproxy, unit=haproxy.service"
lib_assert_eq "haproxy before the test" inactive "$(active haproxy.service)"
expect "haproxy start (standby)" 0 haproxy start $H
lib_assert_eq "haproxy after a standby start" inactive "$(active haproxy.service)"
expect "haproxy monitor, stopped" 7 haproxy monitor $H
expect "haproxy start, always_running=yes" 0 haproxy start $H HAMGR_PARAM_always_running=yes
lib_assert_eq "haproxy after start" active "$(active haproxy.service)"
pid=$(main_pid haproxy.service)
case $pid in '' | 0) lib_fail "haproxy MainPID: '$pid'" ;; esac
lib_assert_eq "MainPID is haproxy" haproxy "$(in_ct cat "/proc/$pid/comm")"
w0=$(hap_workers)
[ -n "$w0" ] || lib_fail "haproxy lists no worker on its master socket"
lib_log "haproxy master $pid, worker $w0"
expect "haproxy monitor, running" 0 haproxy monitor $H
expect "haproxy monitor, running, master" 8 haproxy monitor $H HAMGR_STATE=MASTER
expect "haproxy reload" 0 haproxy reload $H
lib_assert_eq "haproxy MainPID after reload" "$pid" "$(main_pid haproxy.service)"
w1=$(hap_workers)
{ [ -n "$w1" ] && [ "$w1" != "$w0" ]; } || lib_fail "haproxy worker after reload: '$w1' (before: '$w0')"
lib_log "haproxy worker after reload: $w0 -> $w1"
expect "haproxy promote, running" 0 haproxy promote $H HAMGR_STATE=MASTER
lib_assert_eq "haproxy MainPID after promote" "$pid" "$(main_pid haproxy.service)"
w2=$(hap_workers)
{ [ -n "$w2" ] && [ "$w2" != "$w1" ]; } || lib_fail "haproxy worker after promote: '$w2' (before: '$w1')"
expect "haproxy monitor after the reloads" 8 haproxy monitor $H HAMGR_STATE=MASTER
# A broken config: 6 before systemctl reload is asked, HAProxy keeps
# running with the same master and worker.
in_ct cp -p /etc/haproxy/haproxy.cfg /etc/haproxy/haproxy.cfg.hm-good
in_ct sh -c 'printf "hm-broken-keyword\n" >>/etc/haproxy/haproxy.cfg'
expect "haproxy reload with a broken config" 6 haproxy reload $H
lib_assert_eq "haproxy MainPID after a reload with a broken config" "$pid" "$(main_pid haproxy.service)"
lib_assert_eq "haproxy worker after a reload with a broken config" "$w2" "$(hap_workers)"
in_ct mv /etc/haproxy/haproxy.cfg.hm-good /etc/haproxy/haproxy.cfg
expect "haproxy stop" 0 haproxy stop $H
lib_assert_eq "haproxy after stop" inactive "$(active haproxy.service)"
expect "haproxy monitor after stop" 7 haproxy monitor $H
expect "haproxy stop again" 0 haproxy stop $H
expect "haproxy promote" 0 haproxy promote $H HAMGR_STATE=MASTER
lib_assert_eq "haproxy after promote" active "$(active haproxy.service)"
expect "haproxy demote" 0 haproxy demote $H
lib_assert_eq "haproxy after demote" inactive "$(active haproxy.service)"
expect "haproxy stop after demote" 0 haproxy stop $H
lib_pass
