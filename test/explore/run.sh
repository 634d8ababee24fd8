#!/bin/bash
# run.sh: the election checker's part of `make check` (test/explore).
# Two checks: the small bound (every scenario of scenarios.c, its known
# violations pinned to their shortest traces), and the mutant, a build
# whose fsm ignores the RFC 5798 tie-break, which the checker must catch
# with a trace (exit 1, a VIOLATION line, a numbered timeline). Ends with
# "explore: N passed, N failed"; exits 1 on any failure.
#
#   test/explore/run.sh BUILD/explore
set -u
dir=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/explore}
pass=0 fail=0

for bin in explore explore_mutant; do
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

# The mutant: two equal nodes that both keep the role for ever.
out=$("$dir/explore_mutant" --strict --only two-equal/nodes 2>&1)
rc=$?
first=$(printf '%s\n' "$out" | sed -n '/VIOLATION of/,/^then:/p' | sed '/^then:/q')
if [ $rc -eq 1 ] && grep -q 'VIOLATION of' <<<"$first" &&
	grep -qE '^ +[0-9]+  t= *[0-9.]+  ' <<<"$first"; then
	echo "explore: the mutant without the tie-break is caught:"
	printf '%s\n' "$first" | sed 's/^/    /'
	pass=$((pass + 1))
else
	printf '%s\n' "$out" | tail -n 20
	echo "explore: FAIL: the mutant without the tie-break was not caught with a trace (exit $rc)"
	fail=$((fail + 1))
fi
echo "explore: $pass passed, $fail failed"
[ $fail -eq 0 ]
