#!/bin/bash
# t_hactl_switch: hactl switchover and standby against a live two-node
# cluster (n1 priority 200, n2 priority 100, preempt on). Each node lists
# the other in "nodes" once it announces itself; switchover moves the VIP
# to the backup with no sample where both nodes hold it, prints who took
# over (address and node name), and the old master stays backup;
# switchover of a backup and of an unknown instance are refused (exit 1);
# standby survives a daemon restart (the higher-priority node does not
# take the role back); a switchover with the only backup in standby is
# refused up front (exit 1, nothing moves, no transition), and with
# --force releases anyway, nobody takes over and the master reports that
# it is MASTER again (exit 1); active ends standby and the higher
# priority preempts again. --to is covered by t_hactl_to.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50

# Standby marks go to each node's own state directory.
mkdir -p "$LIB_TMP/n1.state" "$LIB_TMP/n2.state"

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2
lib_vrrp_conf n1 prio=200
N1_CONF="state-directory = \"$LIB_TMP/n1.state\"
$LIB_CONF_TEXT"
lib_vrrp_conf n2 prio=100
N2_CONF="state-directory = \"$LIB_TMP/n2.state\"
$LIB_CONF_TEXT"
lib_hamgr_start n1 "$N1_CONF"
lib_hamgr_start n2 "$N2_CONF"
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_holders $VIP n1 3
wait_node n1 n2 "BACKUP false"
wait_node n2 n1 "MASTER false"
QUIET=1 hactl n2 status --json
lib_assert_eq "n2: master node name" n1 "$(jqo '.instances[0].master.node')"

lib_log "--- refusals: a backup, an unknown instance"
hactl n2 switchover web
expect_rc 1 "switchover on the backup"
expect_err '^hactl: ' "switchover on the backup"
hactl n1 switchover nosuch
expect_rc 1 "switchover of an unknown instance"
expect_err 'no instance named "nosuch"' "unknown instance"
lib_assert_holders $VIP n1

lib_log "--- switchover n1 -> n2: never two holders"
lib_sampler_start $VIP 20
hactl n1 switchover web
expect_rc 0 "switchover"
grep -Eq '^web: 198\.51\.100\.2 \(n2\) \(priority 100\) is master now, after [0-9.]+ s; this node is BACKUP$' \
	"$LIB_TMP/out" || lib_fail "switchover did not say that n2 took over"
lib_wait_holders $VIP n2 3
sleep 1.5       # n1 (priority 200, preempt) must not take it back
lib_sampler_check
lib_assert_eq "holders of $VIP over time" "n1 n2" "$LIB_SAMPLED_HOLDERS"
lib_assert_eq "n1 after switchover" "BACKUP false" "$(web_state n1)"
lib_assert_eq "n2 after switchover" "MASTER false" "$(web_state n2)"
hactl n1 log
grep -Eq ' web MASTER -> BACKUP: ' "$LIB_TMP/out" || lib_fail "n1 log: no MASTER -> BACKUP"

lib_log "--- standby on n1 survives a restart"
hactl n1 standby web
expect_rc 0 "standby"
grep -q '^web: standby' "$LIB_TMP/out" || lib_fail "standby: no confirmation"
lib_assert_eq "n1 in standby" "BACKUP true" "$(web_state n1)"
lib_hamgr_stop n1
lib_hamgr_start n1 "$N1_CONF"
lib_wait_state n1 BACKUP 5
sleep 1.5       # time to preempt, were it not in standby
lib_assert_eq "n1 after restart" "BACKUP true" "$(web_state n1)"
QUIET=1 hactl n1 status --json
lib_assert_eq "n1 effective priority in standby" 0 "$(jqo '.instances[0].effective_priority')"
lib_assert_holders $VIP n2
hactl n1 status
grep -q '^  standby' "$LIB_TMP/out" || lib_fail "human status does not show standby"

lib_log "--- switchover with the only backup in standby: refused up front"
wait_node n2 n1 "BACKUP true"
lib_log_mark n1
lib_log_mark n2
lib_sampler_start $VIP 10
hactl n2 switchover web
expect_rc 1 "switchover without an eligible backup"
expect_err '^hactl: no eligible backup announces itself for web \(hamgr nodes heard: n1 BACKUP standby\); a backup that runs keepalived does not announce: --force releases anyway$' \
	"switchover without an eligible backup"
sleep 1         # a release would have moved the VIP or brought n2 back by now
lib_sampler_check none_ok=0
lib_assert_eq "holders of $VIP over time" "n2" "$LIB_SAMPLED_HOLDERS"
lib_assert_holders $VIP n2
lib_assert_no_state n2 '[A-Z]+'
lib_assert_no_state n1 '[A-Z]+'
lib_assert_eq "n2 keeps the role" "MASTER false" "$(web_state n2)"

lib_log "--- switchover --force with the only backup in standby: no one takes over"
hactl n2 switchover web --force
expect_rc 1 "switchover --force without an eligible backup"
expect_err 'no backup took over within [0-9.]+ s; this node is MASTER again' \
	"switchover --force without an eligible backup"
lib_wait_holders $VIP n2 5
lib_assert_eq "n2 keeps the role" "MASTER false" "$(web_state n2)"
lib_assert_eq "n1 still in standby" "BACKUP true" "$(web_state n1)"

lib_log "--- active: n1 (200) preempts n2 (100) again"
lib_sampler_start $VIP 20
hactl n1 active web
expect_rc 0 "active"
grep -q '^web: active' "$LIB_TMP/out" || lib_fail "active: no confirmation"
lib_wait_holders $VIP n1 5
sleep 0.5
lib_sampler_check brief=1
lib_assert_eq "holders of $VIP over time" "n2 n1" "$LIB_SAMPLED_HOLDERS"
lib_assert_eq "n1 after active" "MASTER false" "$(web_state n1)"
lib_pass
