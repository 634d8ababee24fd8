#!/bin/bash
# t_unit: etc/systemd/hamgr.service is a unit this systemd accepts as it
# stands. Not a network scenario: it lives here so that run.sh runs it.
#   - `systemd-analyze verify` prints nothing at all (an unknown or
#     misspelt key is only a warning there, exit status 0, so any output
#     fails), with /usr/sbin/ pointing at the build directory as
#     `make install` points it at SBINDIR (verify wants the binaries);
#     a misspelt copy of the unit shows that this check can fail;
#   - every Documentation= man page exists in man/;
#   - `systemd-analyze security --offline` stays below an exposure of 4.5
#     (the unit scores about 3.1; this catches a sandbox loosened by
#     mistake);
#   - the unit and the daemon agree: Type=notify with NotifyAccess=main,
#     ExecReload sends SIGHUP, RestartPreventExitStatus names the config
#     exit code (CONF_EX_CONFIG), WatchdogSec leaves room for the longest
#     blocking call (NLSOCK_TIMEOUT_MS), and the ExecStartPre check runs
#     (on etc/hamgr.conf.example) and exits 0.
# Skips (77) without systemd-analyze (Debian package: systemd).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null 2>&1 ||
	lib_skip "systemd-analyze missing (Debian package systemd)"
[ -x "$LIB_HAMGR" ] || lib_skip "$LIB_HAMGR not built (make build/hamgr)"
UNIT_SRC=$LIB_ROOT/etc/systemd/hamgr.service
[ -f "$UNIT_SRC" ] || lib_fail "$UNIT_SRC missing"
case $LIB_HAMGR in
*[[:space:]]*) lib_skip "binary path with white space: $LIB_HAMGR" ;;
esac

D=$LIB_TMP/unit
mkdir -p "$D/bad"
sed -e "s|/usr/sbin/hamgr|$LIB_HAMGR|g" "$UNIT_SRC" >"$D/hamgr.service"
UNIT=$D/hamgr.service

# The value of KEY in the unit (last assignment wins, as in systemd).
unit_get() {
	sed -n "s/^$1=//p" "$UNIT" | tail -n 1
}

# Every value of KEY (keys that may repeat: ExecReload, ExecStartPre ...).
unit_all() {
	sed -n "s/^$1=//p" "$UNIT"
}

# verify DIR: runs systemd-analyze verify on DIR/hamgr.service there,
# output in DIR/verify.out; returns its exit status.
verify() {
	(cd "$1" && systemd-analyze verify --man=no ./hamgr.service) >"$1/verify.out" 2>&1
}

lib_log "--- systemd-analyze verify ($(systemd-analyze --version | head -n 1))"
verify "$D"
rc=$?
sed 's/^/    /' "$D/verify.out"
lib_assert_eq "systemd-analyze verify exit status" 0 "$rc"
lib_assert_eq "systemd-analyze verify output (lines)" 0 "$(wc -l <"$D/verify.out")"

lib_log "--- control: a misspelt key is reported"
sed 's/^ProtectSystem=/ProtectSytem=/' "$UNIT" >"$D/bad/hamgr.service"
cmp -s "$UNIT" "$D/bad/hamgr.service" && lib_fail "the control found no ProtectSystem= to misspell"
verify "$D/bad"
grep -q 'ProtectSytem' "$D/bad/verify.out" ||
	lib_fail "systemd-analyze verify did not report the misspelt key: $(cat "$D/bad/verify.out")"
lib_log "reported: $(head -n 1 "$D/bad/verify.out")"

lib_log "--- Documentation= pages are in man/"
docs=$(unit_all Documentation)
[ -n "$docs" ] || lib_fail "no Documentation="
for d in $docs; do
	case $d in
	man:*\(*\))
		page=${d#man:}
		f=$LIB_ROOT/man/${page%(*}.${page##*(}
		f=${f%)}
		[ -f "$f" ] || lib_fail "Documentation=$d: no $f"
		lib_log "$d: $(basename "$f")"
		;;
	*) lib_log "$d: not a man page, not checked" ;;
	esac
done

lib_log "--- sandbox exposure"
if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
	systemd-analyze security --offline=yes --threshold=45 --no-pager "$UNIT" >"$D/security.out" 2>&1
	rc=$?
	lib_log "$(grep -a 'Overall exposure' "$D/security.out")"
	[ $rc -eq 0 ] || {
		grep -a '✗' "$D/security.out" | sed 's/^/    /'
		lib_fail "systemd-analyze security: exposure above 4.5 (exit $rc)"
	}
else
	lib_log "systemd-analyze security --offline not supported here: not checked"
fi

lib_log "--- the unit and the daemon agree"
lib_assert_eq "Type" notify "$(unit_get Type)"
lib_assert_eq "NotifyAccess" main "$(unit_get NotifyAccess)"
# shellcheck disable=SC2016 # $MAINPID is systemd's, not ours
unit_all ExecReload | grep -Eq '^/bin/kill -HUP \$MAINPID$' ||
	lib_fail "no ExecReload=/bin/kill -HUP \$MAINPID: $(unit_all ExecReload)"
ex_config=$(sed -n 's/^#define CONF_EX_CONFIG \([0-9]*\).*/\1/p' "$LIB_ROOT/hamgr/conf.h")
[ -n "$ex_config" ] || lib_fail "CONF_EX_CONFIG not found in hamgr/conf.h"
grep -Ewq "$ex_config" <<<"$(unit_get RestartPreventExitStatus)" ||
	lib_fail "RestartPreventExitStatus='$(unit_get RestartPreventExitStatus)' lacks $ex_config"
lib_log "RestartPreventExitStatus includes $ex_config (CONF_EX_CONFIG)"
wd=$(unit_get WatchdogSec)
case $wd in
*ms) wd_ms=${wd%ms} ;;
*s) wd_ms=$((${wd%s} * 1000)) ;;
*[0-9]) wd_ms=$((wd * 1000)) ;;
*) lib_fail "WatchdogSec=$wd: expected NUMBER, NUMBERs or NUMBERms" ;;
esac
nl_ms=$(sed -n 's/^#define NLSOCK_TIMEOUT_MS \([0-9]*\).*/\1/p' "$LIB_ROOT/hamgr/nlsock.h")
[ -n "$nl_ms" ] || lib_fail "NLSOCK_TIMEOUT_MS not found in hamgr/nlsock.h"
lib_assert_ge "WatchdogSec in ms (at least 2 x NLSOCK_TIMEOUT_MS)" "$wd_ms" $((2 * nl_ms))

# ExecStartPre, ExecStart and the ExecReload check read the same file.
conf=$(unit_get ExecStart | sed -n 's/.* -f \([^ ]*\).*/\1/p')
[ -n "$conf" ] || lib_fail "ExecStart has no -f CONFIG"
pre=$(unit_get ExecStartPre)
lib_assert_eq "ExecStartPre" "$LIB_HAMGR -t -f $conf" "$pre"
unit_all ExecReload | grep -Fxq "$LIB_HAMGR -t -f $conf" ||
	lib_fail "no ExecReload=... -t -f $conf before the signal"
example=$LIB_ROOT/etc/hamgr.conf.example
if [ -f "$example" ]; then
	# shellcheck disable=SC2086 # the command line, word by word
	${pre/$conf/$example} >"$D/check.out" 2>&1
	rc=$?
	sed 's/^/    /' "$D/check.out"
	lib_assert_eq "ExecStartPre on etc/hamgr.conf.example: exit status" 0 "$rc"
fi
lib_pass
