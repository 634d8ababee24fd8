#!/bin/bash
# run.sh: runs the netns scenarios (every test/netns/t_*.sh, or those named
# as arguments), each under `timeout`, and prints PASS/FAIL/SKIP with the
# duration; on failure the tail of the scenario's output and of every log
# it kept (hamgr, keepalived, responders). Ends with
#   failed: NAME: REASON       (one line per failed scenario)
#   netns: N passed, N failed, N skipped
# and exits 1 if any scenario failed.
#
# Environment: HM_TIMEOUT (seconds per scenario, default 180), HM_KEEP=1
# keeps the results directory even when everything passed; everything
# lib.sh reads (HM_IMPL, HAMGR, HM_BUILD ...) is passed through.
set -u
here=$(cd "$(dirname "$0")" && pwd)
timeout_s=${HM_TIMEOUT:-180}

if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		case $t in
		*/*) tests+=("$t") ;;
		t_*.sh) tests+=("$here/$t") ;;
		t_*) tests+=("$here/$t.sh") ;;
		*) tests+=("$here/t_$t.sh") ;;
		esac
	done
else
	tests=("$here"/t_*.sh)
fi

results=$(mktemp -d /tmp/hamgr-netns.XXXXXX)
pass=0 fail=0 skip=0 i=0
failed=()

# The scenario's own "FAIL: ..." line (lib_fail), else its last line.
fail_reason() {
	local line
	line=$(grep -o 'FAIL: .*' "$1" | tail -n 1)
	[ -n "$line" ] || line=$(grep -v '^$' "$1" | tail -n 1)
	printf '%s' "${line:0:300}"
}
suite_t0=${EPOCHREALTIME//[.,]/}

# Namespaces a scenario left behind (it was killed before its trap ran):
# kill what runs in them and delete them.
sweep() {
	local prefix=$1 ns pids left=""
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		[[ $ns == "$prefix"* ]] || continue
		left+=" $ns"
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # one word per pid
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	echo "$left"
}

for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	i=$((i + 1))
	if [ ! -f "$t" ]; then
		printf 'FAIL  %-22s (no such scenario: %s)\n' "$name" "$t"
		fail=$((fail + 1))
		continue
	fi
	# A scenario named twice gets its own files each time: a shared
	# directory handed the second run the first one's status files.
	out=$results/$name
	[ -e "$out.out" ] && out=$results/$name.$i
	export HM_PREFIX="hm$$x$i-" HM_LOGDIR="$out"
	t0=${EPOCHREALTIME//[.,]/}
	timeout -k 20 "$timeout_s" bash "$t" >"$out.out" 2>&1
	rc=$?
	t1=${EPOCHREALTIME//[.,]/}
	dur=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e6 }')
	left=$(sweep "$HM_PREFIX")
	if [ -n "$left" ] && [ $rc -eq 0 ]; then
		echo "left behind:$left" >>"$out.out"
		rc=1
	fi
	case $rc in
	0)
		printf 'PASS  %-22s %6s s\n' "$name" "$dur"
		pass=$((pass + 1))
		;;
	77)
		printf 'SKIP  %-22s %6s s  %s\n' "$name" "$dur" \
			"$(grep -o 'SKIP: .*' "$out.out" | tail -n 1 | cut -c7-)"
		skip=$((skip + 1))
		;;
	*)
		why=""
		[ $rc -eq 124 ] || [ $rc -eq 137 ] && why=" (timed out after $timeout_s s)"
		printf 'FAIL  %-22s %6s s  exit %d%s\n' "$name" "$dur" "$rc" "$why"
		fail=$((fail + 1))
		# The reason first: a CI page that shows only the head of this
		# block, or only the end of the run, still shows it.
		reason=$(fail_reason "$out.out")
		echo "  why: $reason"
		failed+=("$name: $reason")
		echo "  ---- last lines of $name's output"
		tail -n 25 "$out.out" | sed 's/^/  | /'
		for log in "$out"/*.log; do
			[ -f "$log" ] || continue
			echo "  ---- last lines of $(basename "$log")"
			grep -v '^$' "$log" | tail -n 12 | sed 's/^/  | /'
		done
		echo "  ---- everything: $out.out and $out/"
		;;
	esac
done

suite_t1=${EPOCHREALTIME//[.,]/}
total=$(awk -v d=$((suite_t1 - suite_t0)) 'BEGIN { printf "%.1f", d / 1e6 }')
for f in "${failed[@]}"; do
	echo "failed: $f"
done
echo "netns: $pass passed, $fail failed, $skip skipped ($total s)"
if [ $fail -eq 0 ] && [ "${HM_KEEP:-0}" != 1 ]; then
	rm -rf "$results"
else
	echo "netns: results in $results"
fi
[ $fail -eq 0 ]
