#!/bin/bash
# run.sh: the election checker's part of `make check` (test/explore).
# Three checks: the small bound (every scenario of scenarios.c, its known
# violations pinned to their shortest traces), and two mutants the checker
# must catch with a trace (exit 1, a VIOLATION line, a numbered timeline):
# a build whose fsm ignores the RFC 5798 tie-break, and one whose
# Master_Down_Interval leaves out the witness's or quorum's wait
# (fsm_config.down_wait_us). Ends with "explore: N passed, N failed";
# exits 1 on any failure.
#
#   test/explore/run.sh BUILD/explore
set -u
dir=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/explore}
pass=0 fail=0

for bin in explore explore_mutant explore_mutant_wait; do
	if [ ! -x "$dir/$bin" ]; then
		echo "explore: $dir/$bin missing (make all builds it)"
		echo "explore: 0 passed, 1 failed"
		exit 1
	fi
done

out=$("$dir/explore" 2>&1)
rc=$?
# One line per scenario and the bound's summary; a failure with its trace.
printf '%s\n' "$out" | sed 's/^explore: /explore: small bound: /'
if [ $rc -eq 0 ]; then
	pass=$((pass + 1))
else
	echo "explore: FAIL: the small bound (exit $rc)"
	fail=$((fail + 1))
fi

# mutant BIN SCENARIO INVARIANT WHAT: BIN must violate INVARIANT (any when
# empty) in SCENARIO, and print the trace.
mutant() {
	local out rc first
	out=$("$dir/$1" --strict --only "$2" 2>&1)
	rc=$?
	first=$(printf '%s\n' "$out" | sed -n "/VIOLATION of $3/,/^then:/p" | sed '/^then:/q')
	if [ $rc -eq 1 ] && grep -q "VIOLATION of $3" <<<"$first" &&
		grep -qE '^ +[0-9]+  t= *[0-9.]+  ' <<<"$first"; then
		echo "explore: the mutant $4 is caught:"
		printf '%s\n' "$first" | sed 's/^/    /'
		pass=$((pass + 1))
	else
		printf '%s\n' "$out" | tail -n 20
		echo "explore: FAIL: the mutant $4 was not caught with a trace (exit $rc)"
		fail=$((fail + 1))
	fi
}

# Two equal nodes that both keep the role for ever.
mutant explore_mutant two-equal/nodes "" "without the tie-break"
# A backup takes over from a master cut off from its witness before that
# master steps down: two masters that cannot hear each other.
mutant explore_mutant_wait two-witness/net split "without the witness's wait"
echo "explore: $pass passed, $fail failed"
[ $fail -eq 0 ]
