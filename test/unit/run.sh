#!/bin/bash
# run.sh: runs the CUnit programs given as arguments and sums the
# "NAME: N passed, N failed" line each prints. A program that prints no
# such line (it crashed or could not start) counts as one failure.
# Ends with "unit: N passed, N failed"; exits 1 on any failure.
set -u
pass=0 fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	out=$("$bin" 2>&1)
	rc=$?
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" <<<"$out" | tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | tail -n 20
		echo "$name: no summary line (exit $rc): counted as 1 failed"
		fail=$((fail + 1))
		continue
	fi
	p=$(awk '{ print $2 }' <<<"$line")
	f=$(awk '{ print $4 }' <<<"$line")
	if [ "$f" -gt 0 ] || [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -v -e '^$' -e "^$name: [0-9]* passed" | tail -n 30
		if [ "$f" -eq 0 ]; then
			echo "$name: exit $rc although no test failed: counted as 1 failed"
			f=1
		fi
	fi
	echo "$line"
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
