#!/bin/bash
# t_hactl_pipeline: what hactl shows of the takeover pipeline, resources
# and tracks, on a pair n1 (priority 200) and n2 (100), each with a
# before-vips resource db and an after-vips resource web (res-log, with
# monitors) and a command track "peer" (agents/check-ping to the other
# node, weight -60):
#   - status --json: the pipeline held on the master with every step up
#     and timed, released on the backup; promote results, monitor 8 on
#     the master and 0 on the backup; the tracks up; node flags;
#   - the human status: pipeline, resource and track lines, 100 columns;
#   - metrics: resource runs and durations, track and step gauges, in the
#     strict exposition format;
#   - log: one line per step with its duration, and the takeover;
#   - n2's track fails (n1 ignores pings): n2 competes with 40, says why
#     ("priority 40 = 100 - 60 (track peer down)"), and n1 lists n2 as
#     "BACKUP priority 100/40 (track down)"; back to 100 once it answers;
#   - a switchover with a slow web demote: "releasing: web demote running"
#     while it runs (db, still promoted, monitors 8 without complaint),
#     then the steps undone on n1 and held on n2.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/netns/lib_res.sh
. "$(dirname "$0")/lib_res.sh"
# shellcheck source=test/netns/lib_metrics.sh
. "$(dirname "$0")/lib_metrics.sh"
lib_require_root
lib_require_hamgr
lib_require_tools jq ping
[ "$LIB_IMPL" = hamgr ] || lib_skip "resources, tracks and hactl are hamgr's own"
# shellcheck source=test/netns/hactl.sh
. "$(dirname "$0")/hactl.sh"
VIP=198.51.100.50
declare -A ADDR=([n1]=198.51.100.1 [n2]=198.51.100.2)
declare -A OTHER=([n1]=n2 [n2]=n1)

lib_bridge
lib_node n1 "${ADDR[n1]}"
lib_node n2 "${ADDR[n2]}"

# NODE's resources and its track, which pings the other node (a timeout
# well above ping's 0.3 s: the agent's own start took over 200 ms under
# ASan on a slow VM, and a check cut off at its timeout has no exit
# code for the status to show).
extra() {
	RES_OPTS="        monitor-interval = 300ms" res_section db before-vips sleep_promote=0.2
	RES_OPTS="        monitor-interval = 300ms" res_section web after-vips sleep_promote=0.1 \
		sleep_demote=1.5
	cat <<CONF
    track peer {
        command = "$LIB_ROOT/agents/check-ping -W 0.3 ${ADDR[${OTHER[$1]}]}"
        interval = 1s
        timeout = 900ms
        rise = 1
        fall = 2
        weight = -60
    }
CONF
}
lib_vrrp_start n1 prio=200 int=100ms extra="$(extra n1)"
lib_vrrp_start n2 prio=100 int=100ms extra="$(extra n2)"
lib_wait_state n1 MASTER 5
lib_wait_log n1 'takeover complete' 8
lib_wait_holders $VIP n1 2

# jq FILTER on NODE's status --json (quietly); true when it prints "true".
# shellcheck disable=SC2317 # called through lib_poll
status_is() {
	QUIET=1 hactl "$1" status --json
	[ "$(jqo "$2")" = true ]
}
# The monitors answered since the takeover (8 on the master, 0 on the
# backup) and the tracks have a result.
for n in n1 n2; do
	rc=0
	[ $n = n1 ] && rc=8
	lib_poll 5 status_is $n "[.instances[0].resources[].monitor.rc == $rc,
		.instances[0].tracks[0].known] | all" ||
		lib_fail "$n: no monitor $rc or no track result within 5 s"
done

# hactl status of NODE; $LIB_TMP/out with each wrapped detail line
# joined back into one (continuation lines are indented 11 columns).
human() {
	hactl "$1" status
	expect_rc 0 "$1 status"
	wide=$(awk 'length > 100' "$LIB_TMP/out")
	[ -z "$wide" ] || lib_fail "$1 status: lines wider than 100 columns: $wide"
	awk '/^           [^ ]/ { sub(/^ +/, ""); line = line " " $0; next }
		{ if (NR > 1) print line; line = $0 } END { print line }' \
		"$LIB_TMP/out" >"$LIB_TMP/out.joined"
	mv "$LIB_TMP/out.joined" "$LIB_TMP/out"
}

# Fail unless VALUE > 0.
assert_pos() {
	awk -v v="$2" 'BEGIN { exit !(v + 0 > 0) }' || lib_fail "$1: expected > 0, seen '$2'"
	lib_log "$1: $2"
}

lib_log "--- status --json: the master holds, every step up and timed"
QUIET=1 hactl n1 status --json
expect_rc 0 "n1 status --json"
I='.instances[0]'
lib_assert_eq "n1 pipeline state" held "$(jqo "$I.pipeline.state")"
lib_assert_eq "n1 steps" "db:resource:up vips:vips:up web:resource:up" \
	"$(jqo "[$I.pipeline.steps[] | \"\(.name):\(.kind):\(.state)\"] | join(\" \")")"
lib_assert_eq "n1 steps' last runs" "start true,start true,start true" \
	"$(jqo "[$I.pipeline.steps[] | \"\(.last_action) \(.last_ok)\"] | join(\",\")")"
assert_pos "n1 db step duration_ms" "$(jqo "$I.pipeline.steps[0].duration_ms")"
assert_pos "n1 web step duration_ms" "$(jqo "$I.pipeline.steps[2].duration_ms")"
lib_assert_eq "n1 gate_ms, stale, timeouts" "null 0 0" \
	"$(jqo "$I.pipeline | \"\(.gate_ms) \(.stale) \(.timeouts)\"")"
R="$I.resources[] | select(.name == \"db\")"
lib_assert_eq "n1 db" "script before-vips true true" \
	"$(jqo "$R | \"\(.type) \(.phase) \(.promotable) \(.irreversible)\"")"
lib_assert_eq "n1 db promote" "true 0 success 1 0" \
	"$(jqo "$R | .actions.promote | \"\(.ok) \(.rc) \(.meaning) \(.runs) \(.failures)\"")"
assert_pos "n1 db promote duration_ms" "$(jqo "$R | .actions.promote.duration_ms")"
lib_assert_eq "n1 db promote line" "res-log promote -> 0" "$(jqo "$R | .actions.promote.line")"
lib_assert_eq "n1 db monitor" "8 running as master" \
	"$(jqo "$R | .monitor | \"\(.rc) \(.meaning)\"")"
lib_assert_eq "n1 web (after-vips) phase and monitor" "after-vips 8" \
	"$(jqo "$I.resources[1] | \"\(.phase) \(.monitor.rc)\"")"
lib_assert_eq "n1 track" "peer command true true -60 0 1 2" \
	"$(jqo "$I.tracks[0] | \"\(.name) \(.kind) \(.up) \(.known) \(.weight) \(.applied) \(.rise) \(.fall)\"")"
jqo "$I.tracks[0].last_line" | grep -q '^PING OK - 198\.51\.100\.2 rtt' ||
	lib_fail "n1 track last_line: $(jqo "$I.tracks[0].last_line")"
lib_assert_eq "n1 priority causes, fault causes, holdoff, releasing" "[] [] null null" \
	"$(jqo "$I | \"\(.priority_causes) \(.fault_causes) \(.holdoff_ms) \(.releasing)\"")"
lib_assert_eq "n1's node n2: held, track_fault, track_down" "false false false" \
	"$(jqo "$I.nodes[0] | \"\(.held) \(.track_fault) \(.track_down)\"")"

QUIET=1 hactl n2 status --json
expect_rc 0 "n2 status --json"
lib_assert_eq "n2 pipeline state" released "$(jqo "$I.pipeline.state")"
lib_assert_eq "n2 steps never ran" "down null,down null,down null" \
	"$(jqo "[$I.pipeline.steps[] | \"\(.state) \(.last_ok)\"] | join(\",\")")"
lib_assert_eq "n2 db: start ok, no promote, monitor 0" "true null 0" \
	"$(jqo "$R | \"\(.actions.start.ok) \(.actions.promote) \(.monitor.rc)\"")"
lib_assert_eq "n2's node n1: held (master)" "MASTER true" \
	"$(jqo "$I.nodes[0] | \"\(.state) \(.held)\"")"

lib_log "--- the human status"
human n1
grep -Eq '^  pipeline +held: db promote ok [0-9.]+m?s, vips up, web promote ok [0-9.]+m?s$' \
	"$LIB_TMP/out" || lib_fail "n1 status: no pipeline line"
# A monitor may be running at that moment: "; busy" follows (wrapped).
grep -Eq '^  resource +db before-vips: promote ok [0-9.]+m?s, [0-9.a-z]+ ago; monitor running as master \(8\), [0-9.a-z]+ ago(;( busy)?)?$' \
	"$LIB_TMP/out" || lib_fail "n1 status: no resource line for db"
grep -Eq '^  resource +web after-vips: promote ok' "$LIB_TMP/out" ||
	lib_fail "n1 status: no resource line for web"
grep -Eq '^  track +peer up for [0-9.a-z]+, weight -60 \(not applied\); [0-9.a-z]+ ago: PING OK - 198\.51\.100\.2 rtt' \
	"$LIB_TMP/out" || lib_fail "n1 status: no track line"
grep -q '^  priority' "$LIB_TMP/out" && lib_fail "n1 status: a priority line without a cause"
human n2
grep -Eq '^  pipeline +released: nothing taken over since start$' "$LIB_TMP/out" ||
	lib_fail "n2 status: no pipeline line"
grep -Eq '^  resource +db before-vips: start ok [0-9.]+m?s, [0-9.a-z]+ ago; monitor success \(0\)' \
	"$LIB_TMP/out" || lib_fail "n2 status: no resource line for db"

lib_log "--- metrics"
QUIET=1 hactl n1 metrics
expect_rc 0 "n1 metrics"
cp "$LIB_TMP/out" "$LIB_TMP/metrics"
check_exposition "$LIB_TMP/metrics"
L='instance="web",resource="db"'
lib_assert_eq "n1 db promote runs" 1 "$(metric "hamgr_resource_runs_total{$L,action=\"promote\"}")"
lib_assert_eq "n1 db promote failures" 0 \
	"$(metric "hamgr_resource_failures_total{$L,action=\"promote\"}")"
lib_assert_eq "n1 db demote runs" 0 "$(metric "hamgr_resource_runs_total{$L,action=\"demote\"}")"
lib_assert_ge "n1 db monitor runs" "$(metric "hamgr_resource_runs_total{$L,action=\"monitor\"}")" 1
lib_assert_eq "n1 db timeouts" 0 "$(metric "hamgr_resource_timeouts_total{$L}")"
lib_assert_eq "n1 db promote duration count" 1 \
	"$(metric "hamgr_resource_duration_seconds_count{$L,action=\"promote\"}")"
assert_pos "n1 db promote duration sum" \
	"$(metric "hamgr_resource_duration_seconds_sum{$L,action=\"promote\"}")"
lib_assert_eq "n1 track up" 1 "$(metric 'hamgr_track_up{instance="web",track="peer"}')"
lib_assert_ge "n1 track checks" "$(metric 'hamgr_track_checks_total{instance="web",track="peer"}')" 1
lib_assert_eq "n1 track failures" 0 "$(metric 'hamgr_track_failures_total{instance="web",track="peer"}')"
for s in db vips web; do
	lib_assert_eq "n1 step $s up" 1 "$(metric "hamgr_pipeline_step_up{instance=\"web\",step=\"$s\"}")"
done
assert_pos "n1 db step duration" \
	"$(metric 'hamgr_pipeline_step_duration_seconds{instance="web",step="db"}')"

lib_log "--- log: one line per step, with its duration"
hactl n1 log
expect_rc 0 "n1 log"
T='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z web'
for re in "step: db start ok in [0-9]+ ms" "step: db promote ok in [0-9]+ ms" \
	"step: vips up: 1 address added and announced in [0-9.]+ ms" \
	"step: web promote ok in [0-9]+ ms" "takeover: complete: 3 steps in [0-9]+ ms" \
	"track: peer up \(first check\): priority 200 -> 200"; do
	grep -Eq "$T $re\$" "$LIB_TMP/out" || lib_fail "n1 log: no line /$re/"
done
# One line each: no continuation line after a step, takeover or track event.
lib_assert_eq "n1 log: continuation lines after step/takeover/track events" 0 \
	"$(awk '/^ / && prev { n++ } { prev = / web (step|takeover|track): / } END { print n + 0 }' \
		"$LIB_TMP/out")"

lib_log "--- n2's track fails: n2 competes with 40 and says why; n1 sees it"
lib_exec n1 sysctl -qw net.ipv4.icmp_echo_ignore_all=1
lib_poll 5 status_is n1 "$I.nodes[0] | .effective_priority == 40 and .track_down" ||
	lib_fail "n1 does not see n2 at 40 with track_down within 5 s"
human n1
grep -Eq '^  node +n2 198\.51\.100\.2 BACKUP priority 100/40 \(track down\), seen [0-9.]+m?s ago$' \
	"$LIB_TMP/out" || lib_fail "n1 status: n2 not shown as 100/40 (track down)"
QUIET=1 hactl n2 status --json
lib_assert_eq "n2 priorities" "100 40 40" \
	"$(jqo "$I | \"\(.priority) \(.tracked_priority) \(.effective_priority)\"")"
lib_assert_eq "n2 priority causes" '[{"track":"peer","weight":-60}]' \
	"$(jqo -c "$I.priority_causes")"
lib_assert_eq "n2 track" "false -60 2" "$(jqo "$I.tracks[0] | \"\(.up) \(.applied) \(.last_rc)\"")"
human n2
grep -Eq '^  priority +40 = 100 - 60 \(track peer down\)$' "$LIB_TMP/out" ||
	lib_fail "n2 status: no priority line"
grep -Eq '^  track +peer down for [0-9.a-z]+, weight -60 applied; exit 2, [0-9.a-z]+ ago: PING CRITICAL - 198\.51\.100\.1 100% packet loss; [0-9]+ of [0-9]+ checks failed$' \
	"$LIB_TMP/out" || lib_fail "n2 status: no track line for the failed track"
QUIET=1 hactl n2 metrics
cp "$LIB_TMP/out" "$LIB_TMP/metrics"
check_exposition "$LIB_TMP/metrics"
lib_assert_eq "n2 track up" 0 "$(metric 'hamgr_track_up{instance="web",track="peer"}')"
lib_assert_eq "n2 track weight applied" -60 \
	"$(metric 'hamgr_track_weight_applied{instance="web",track="peer"}')"
lib_assert_ge "n2 track failures" "$(metric 'hamgr_track_failures_total{instance="web",track="peer"}')" 2
lib_assert_eq "n2 effective priority" 40 "$(metric 'hamgr_effective_priority{instance="web"}')"
hactl n2 log
grep -Eq "$T track: peer down after 2 failures in a row: priority 100 -> 40\$" \
	"$LIB_TMP/out" || lib_fail "n2 log: no track down line"
lib_exec n1 sysctl -qw net.ipv4.icmp_echo_ignore_all=0
lib_poll 5 status_is n1 "$I.nodes[0] | .effective_priority == 100 and (.track_down | not)" ||
	lib_fail "n1 does not see n2 back at 100 within 5 s"
lib_assert_holders $VIP n1

lib_log "--- switchover with a slow web demote: releasing, then released"
QUIET=1 hactl n1 switchover web --no-wait
expect_rc 0 "n1 switchover"
lib_poll 2 status_is n1 "$I.pipeline.state == \"releasing\"" ||
	lib_fail "n1 pipeline not releasing after the switchover"
lib_assert_eq "n1 releasing reason" "switchover requested by operator" "$(jqo "$I.releasing")"
lib_assert_eq "n1 web step stopping" "stopping true" \
	"$(jqo "$I.pipeline.steps[2] | \"\(.state) \(.running_ms != null)\"")"
human n1
grep -Eq '^  pipeline +releasing: db promote ok [0-9.]+m?s, vips up, web demote running [0-9.]+m?s$' \
	"$LIB_TMP/out" || lib_fail "n1 status: no releasing pipeline line"
lib_wait_holders $VIP n2 6
lib_poll 5 status_is n1 "$I.pipeline.state == \"released\"" || lib_fail "n1 not released"
lib_assert_eq "n1 steps after the release" "down stop true,down stop true,down stop true" \
	"$(jqo "[$I.pipeline.steps[] | \"\(.state) \(.last_action) \(.last_ok)\"] | join(\",\")")"
human n1
grep -Eq '^  pipeline +released: db demote ok [0-9.]+m?s, vips down, web demote ok 1\.[0-9]s$' \
	"$LIB_TMP/out" || lib_fail "n1 status: no released pipeline line"
lib_poll 5 status_is n2 "$I.pipeline.state == \"held\"" || lib_fail "n2 does not hold"
hactl n1 log
grep -Eq "$T step: web demote ok in 1[0-9]{3} ms\$" "$LIB_TMP/out" ||
	lib_fail "n1 log: no web demote step line"
grep -Eq "$T step: vips down: 1 address removed in [0-9.]+ ms\$" "$LIB_TMP/out" ||
	lib_fail "n1 log: no vips down step line"
# A resource still promoted while the release works towards it answers 8:
# healthy, not an event.
grep -q 'monitor unhealthy' "$LIB_TMP/out" && lib_fail "n1 log: a monitor taken as unhealthy"
lib_pass
