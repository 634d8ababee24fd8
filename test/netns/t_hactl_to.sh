#!/bin/bash
# t_hactl_to: hactl switchover --to against three hamgr nodes, n1 (200),
# n2 (150) and n3 (100), preempt on, distinct node names. Every node
# lists the other two in "nodes" (name, address, state, priorities), a
# backup names its master (master.node), the human status shows `node`
# lines and metrics count the announcements (hamgr_node_up, strict
# exposition format). `switchover web --to n3` on n1 moves the VIP to n3
# with never two holders; n2 does not preempt n3 although 150 > 100, n1
# stays BACKUP, and neither when n2 reads n3's first advert before the
# handover (n2 stopped across it); `--to n1` on n3 moves it back. `--to` an unknown node, a
# node in standby, the master itself, and `--to` run on a backup are
# refused (exit 1) and nothing moves. Mixed with keepalived (which does
# not announce): a plain switchover is refused, --force hands the role to
# keepalived.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_metrics.sh
. "$(dirname "$0")/lib_metrics.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq
[ "$LIB_IMPL" = hamgr ] || lib_skip "announcements and --to are hamgr's own"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50
NODES=(n1 n2 n3)
declare -A PRIO=([n1]=200 [n2]=150 [n3]=100)
declare -A ADDR=([n1]=198.51.100.1 [n2]=198.51.100.2 [n3]=198.51.100.3)

# What NODE hears announced, sorted by name, one word group per node:
# "n2 198.51.100.2 BACKUP 150/150 standby=false link=true; ...".
heard() {
	QUIET=1 hactl "$1" status --json
	[ "$RC" = 0 ] || return 1
	jq -r '[.instances[0].nodes | sort_by(.node)[] |
		"\(.node) \(.address) \(.state) \(.priority)/\(.effective_priority) standby=\(.standby) link=\(.link_up)"]
		| join("; ")' "$LIB_TMP/out"
}

# shellcheck disable=SC2317 # called through lib_poll
heard_is() {
	[ "$(heard "$1")" = "$2" ]
}

# Wait (at most 6 s: an announcement a second, forgotten after 3.5 s)
# until NODE hears exactly EXPECTED (the format of heard).
wait_heard() {
	lib_poll 6 heard_is "$1" "$2" ||
		lib_fail "$1 hears '$(heard "$1")', expected '$2' (after 6 s)"
	lib_log "$1 hears: ${2:-nobody}"
}

# The announcement of NODE as the others should hear it, in STATE.
entry() {
	local n=$1 st=$2 sb=${3:-false} eff=${PRIO[$1]}
	[ "$sb" = true ] && eff=0
	echo "$n ${ADDR[$n]} $st ${PRIO[$n]}/$eff standby=$sb link=true"
}

mark_all() {
	local n
	for n in "${NODES[@]}"; do lib_log_mark "$n"; done
}

no_transitions() {
	local n
	for n in "${NODES[@]}"; do lib_assert_no_state "$n" '[A-Z]+'; done
	lib_log "no transition on ${NODES[*]}"
}

# A --to that must be refused: hactl NODE switchover web ARGS..., exit 1,
# stderr matching RE; the VIP stays with HOLDER and no node changes state.
refused() {
	local what=$1 re=$2 holder=$3 node=$4
	shift 4
	lib_log "--- refused: $what"
	mark_all
	hactl "$node" switchover web "$@"
	expect_rc 1 "$what"
	expect_err "$re" "$what"
	sleep 0.5       # a release would move the VIP within Skew_Time
	lib_assert_holders $VIP "$holder"
	no_transitions
}

for n in "${NODES[@]}"; do mkdir -p "$LIB_TMP/$n.state"; done
lib_bridge
for n in "${NODES[@]}"; do lib_node "$n" "${ADDR[$n]}"; done
# start_node NODE: its hamgr, named, with its priority and state directory.
start_node() {
	lib_vrrp_conf "$1" prio="${PRIO[$1]}"
	lib_hamgr_start "$1" "node-name = \"$1\"
state-directory = \"$LIB_TMP/$1.state\"
$LIB_CONF_TEXT"
}
for n in "${NODES[@]}"; do start_node "$n"; done
lib_wait_state n1 MASTER 5
lib_wait_state n2 BACKUP 5
lib_wait_state n3 BACKUP 5
lib_wait_holders $VIP n1 3

lib_log "--- every node hears the other two"
wait_heard n1 "$(entry n2 BACKUP); $(entry n3 BACKUP)"
wait_heard n2 "$(entry n1 MASTER); $(entry n3 BACKUP)"
wait_heard n3 "$(entry n1 MASTER); $(entry n2 BACKUP)"
for n in n2 n3; do
	QUIET=1 hactl $n status --json
	lib_assert_eq "$n: master" "${ADDR[n1]} n1 false" \
		"$(jqo '.instances[0].master | "\(.address) \(.node) \(.self)"')"
done
QUIET=1 hactl n1 status --json
lib_assert_eq "n1: master" "${ADDR[n1]} n1 true" \
	"$(jqo '.instances[0].master | "\(.address) \(.node) \(.self)"')"
lib_assert_eq "n1: announcements up" true "$(jqo '.announcements')"
lib_assert_eq "n1: announcement drop reasons" \
	"field length magic name not_allowed short target ttl type version" \
	"$(jqo '.announcement_drops | keys | join(" ")')"
lib_assert_eq "n1: announcement drops" 0 "$(jqo '[.announcement_drops[]] | add')"
lib_assert_ge "n1: announcements sent" "$(jqo '.instances[0].counters.announcements_sent')" 1
lib_assert_ge "n1: announcements received" \
	"$(jqo '.instances[0].counters.announcements_received')" 2
lib_assert_eq "n1: announcement TTL drops" 0 "$(jqo '.instances[0].counters.announcement_ttl_drops')"
for k in node address state priority effective_priority standby link_up last_seen_ms; do
	# shellcheck disable=SC2016 # $k is jq's
	[ "$(jqo --arg k "$k" '[.instances[0].nodes[] | has($k)] | all')" = true ] ||
		lib_fail "n1: a nodes entry lacks \"$k\""
done

hactl n2 status
expect_rc 0 "n2 status"
for n in n1 n3; do
	st=BACKUP
	[ $n = n1 ] && st=MASTER
	grep -Eq "^  node +$n ${ADDR[$n]//./\\.} $st priority ${PRIO[$n]}/${PRIO[$n]}, seen [0-9.]+m?s ago$" \
		"$LIB_TMP/out" || lib_fail "n2 human status: no node line for $n"
done

hactl n1 metrics
expect_rc 0 "n1 metrics"
cp "$LIB_TMP/out" "$LIB_TMP/metrics"
check_exposition "$LIB_TMP/metrics"
lib_assert_eq "n1 metrics: n2 up" 1 "$(metric 'hamgr_node_up{instance="web",node="n2",state="BACKUP"}')"
lib_assert_eq "n1 metrics: n3 up" 1 "$(metric 'hamgr_node_up{instance="web",node="n3",state="BACKUP"}')"
lib_assert_eq "n1 metrics: nodes up" 2 "$(grep -c '^hamgr_node_up{' "$LIB_TMP/metrics")"
lib_assert_ge "n1 metrics: announcements sent" \
	"$(metric 'hamgr_announcements_sent_total{instance="web"}')" 1
lib_assert_ge "n1 metrics: announcements received" \
	"$(metric 'hamgr_announcements_received_total{instance="web"}')" 2
lib_assert_eq "n1 metrics: name drops" 0 "$(metric 'hamgr_announcement_drops_total{reason="name"}')"
lib_assert_eq "n1 metrics: drop reasons" 10 "$(grep -c '^hamgr_announcement_drops_total{' "$LIB_TMP/metrics")"

lib_log "--- switchover --to n3 on n1: n3 (100) takes over, n2 (150) does not preempt it"
mark_all
lib_sampler_start $VIP 20
hactl n1 switchover web --to n3
expect_rc 0 "switchover --to n3"
grep -Eq '^web: 198\.51\.100\.3 \(n3\) \(priority 100\) is master now, after [0-9.]+ s; this node is BACKUP$' \
	"$LIB_TMP/out" || lib_fail "switchover --to n3 did not say that n3 took over"
lib_wait_holders $VIP n3 3
lib_wait_log n3 'switchover: n1 \(198\.51\.100\.1\) handed the role to this node' 2
sleep 2         # n2 (150, preempt) must not take it from n3 (100), nor n1 (200)
lib_sampler_check
lib_assert_eq "holders of $VIP over time" "n1 n3" "$LIB_SAMPLED_HOLDERS"
lib_assert_holders $VIP n3
lib_assert_no_state n2 '[A-Z]+'
lib_assert_eq "n1 after --to n3" "BACKUP false" "$(web_state n1)"
lib_assert_eq "n2 after --to n3" "BACKUP false" "$(web_state n2)"
lib_assert_eq "n3 after --to n3" "MASTER false" "$(web_state n3)"
lib_assert_eq "n2 follows" "${ADDR[n3]} n3" \
	"$(jqo '.instances[0].master | "\(.address) \(.node)"')"
wait_heard n2 "$(entry n1 BACKUP); $(entry n3 MASTER)"

lib_log "--- switchover --to n1 on n3: back to n1"
mark_all
lib_sampler_start $VIP 20
hactl n3 switchover web --to n1
expect_rc 0 "switchover --to n1"
grep -Eq '^web: 198\.51\.100\.1 \(n1\) \(priority 200\) is master now, after [0-9.]+ s; this node is BACKUP$' \
	"$LIB_TMP/out" || lib_fail "switchover --to n1 did not say that n1 took over"
lib_wait_holders $VIP n1 3
sleep 1.5
lib_sampler_check
lib_assert_eq "holders of $VIP over time" "n3 n1" "$LIB_SAMPLED_HOLDERS"
lib_assert_holders $VIP n1
lib_assert_no_state n2 '[A-Z]+'
lib_assert_eq "n1 after --to n1" "MASTER false" "$(web_state n1)"
lib_assert_eq "n2 after --to n1" "BACKUP false" "$(web_state n2)"
lib_assert_eq "n3 after --to n1" "BACKUP false" "$(web_state n3)"

# n2 stopped across the switchover reads n3's first advert (a lower
# master, which it would preempt) before n1's handover announcement, as
# a busy or lazily reading backup may: the handover names the master it
# now follows, so it yields all the same.
lib_log "--- switchover --to n3 on n1 with n2 stopped across it: n2 still does not preempt n3"
# (restarted first: a node that yielded once does not preempt again
# until it has been master)
lib_hamgr_stop n2
start_node n2
lib_wait_state n2 BACKUP 5
wait_heard n1 "$(entry n2 BACKUP); $(entry n3 BACKUP)"
wait_heard n2 "$(entry n1 MASTER); $(entry n3 BACKUP)"
mark_all
lib_sampler_start $VIP 20
kill -STOP "${LIB_PID[n2]}"
hactl n1 switchover web --to n3
sleep 0.05
kill -CONT "${LIB_PID[n2]}"
expect_rc 0 "switchover --to n3 (n2 stopped)"
lib_wait_holders $VIP n3 3
sleep 2
lib_sampler_check
lib_assert_eq "holders of $VIP over time (n2 stopped)" "n1 n3" "$LIB_SAMPLED_HOLDERS"
lib_assert_no_state n2 '[A-Z]+'
lib_assert_eq "n2 after --to n3 (n2 stopped)" "BACKUP false" "$(web_state n2)"
lib_assert_eq "n2 follows n3" "${ADDR[n3]} n3" "$(jqo '.instances[0].master | "\(.address) \(.node)"')"
hactl n3 switchover web --to n1
expect_rc 0 "switchover --to n1 again"
lib_wait_holders $VIP n1 3
lib_assert_eq "n2 after --to n1 again" "BACKUP false" "$(web_state n2)"
wait_heard n1 "$(entry n2 BACKUP); $(entry n3 BACKUP)"

refused "--to an unknown node" \
	'^hactl: nosuch is not an eligible backup of web \(hamgr nodes heard: .*n2 BACKUP.*\)$' \
	n1 n1 --to nosuch
refused "--to the master itself" '^hactl: n1 is not an eligible backup of web' n1 n1 --to n1
refused "--to run on a backup" '^hactl: instance web is BACKUP, not MASTER' n1 n2 --to n3

lib_log "--- --to a node in standby"
hactl n2 standby web
expect_rc 0 "standby n2"
wait_heard n1 "$(entry n2 BACKUP true); $(entry n3 BACKUP)"
refused "--to a node in standby" \
	'^hactl: n2 is not an eligible backup of web \(hamgr nodes heard: .*n2 BACKUP standby.*\)$' \
	n1 n1 --to n2
hactl n2 active web
expect_rc 0 "active n2"
wait_heard n1 "$(entry n2 BACKUP); $(entry n3 BACKUP)"
lib_assert_holders $VIP n1

lib_log "--- mixed: n1 hamgr, n2 keepalived (does not announce)"
lib_hamgr_stop n3
lib_hamgr_stop n2
NODES=(n1 n2)
lib_vrrp_start n2 impl=keepalived prio=150
lib_wait_state n2 BACKUP 5
wait_heard n1 ""
lib_assert_holders $VIP n1
refused "plain switchover, only keepalived as backup" \
	'^hactl: no eligible backup announces itself for web \(hamgr nodes heard: none\); a backup that runs keepalived does not announce: --force releases anyway$' \
	n1 n1
lib_log "--- switchover --force: keepalived takes over"
mark_all
lib_sampler_start $VIP 20
hactl n1 switchover web --force
expect_rc 0 "switchover --force"
grep -Eq '^web: 198\.51\.100\.2 \(priority 150\) is master now, after [0-9.]+ s; this node is BACKUP$' \
	"$LIB_TMP/out" || lib_fail "switchover --force did not say that n2 took over"
lib_wait_holders $VIP n2 3
sleep 1.5       # n1 (200, preempt) must not take it back
lib_sampler_check
lib_assert_eq "holders of $VIP over time" "n1 n2" "$LIB_SAMPLED_HOLDERS"
lib_wait_state n2 MASTER 1
lib_assert_eq "n1 after --force" "BACKUP false" "$(web_state n1)"
lib_assert_eq "n1: master (keepalived)" "${ADDR[n2]} null false" \
	"$(jqo '.instances[0].master | "\(.address) \(.node) \(.self)"')"
lib_pass
